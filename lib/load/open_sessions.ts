/**
 * Open-loop sessions (docs/sessions.md): session starts arrive on the open loop's schedule
 * (arrival i starts session i, on the shard that owns the arrival, so a session is never split),
 * and each session's later turns follow its own think times after the previous answer ended.
 * Wraps the run's dispatch for `runOpenLoop`: one arrival's dispatch runs its whole session, so
 * `--max-in-flight` caps sessions in progress and `--requests` counts session starts. Turns keep
 * their session's phase (a session started in warm-up stays warm-up).
 */

import type { SessionShape } from "./session_loop.ts";
import type { Shard } from "./shard.ts";
import type { Clock, Dispatch, Slot } from "./types.ts";

/** What {@link openSessionDispatch} wraps. */
export interface OpenSessionOptions {
  sessions: SessionShape;
  clock: Clock;
  /** Sends one turn; resolves when its answer ended. */
  dispatch: Dispatch;
  /** Records a dropped session start (a full `--max-in-flight` cap). */
  onDrop?: (slot: Slot) => void;
  /** Stops a session before its next turn. */
  signal?: AbortSignal;
  /** This thread's shard: turn indices are `local · N + shard index`, unique across shards. */
  shard?: Shard;
}

/** The arrival-level dispatch and drop handler for `runOpenLoop`. */
export function openSessionDispatch(
  options: OpenSessionOptions,
): { dispatch: Dispatch; onDrop: (slot: Slot) => void } {
  const { sessions, clock, signal } = options;
  const shard = options.shard ?? { index: 0, count: 1 };
  let local = 0;
  const nextIndex = () => local++ * shard.count + shard.index;
  return {
    dispatch: async (arrival) => {
      const session = arrival.index;
      const turns = sessions.turnsOf(session);
      let scheduledAt = arrival.scheduledAt;
      for (let turn = 1; turn <= turns; turn++) {
        if (turn > 1) await clock.sleepUntil(scheduledAt, signal);
        if (signal?.aborted) return;
        const slot = { index: nextIndex(), scheduledAt, phase: arrival.phase, session, turn };
        await options.dispatch(slot);
        scheduledAt = clock.now() + (turn < turns ? sessions.thinkMs(session, turn) : 0);
      }
    },
    onDrop: (arrival) =>
      options.onDrop?.({ ...arrival, index: nextIndex(), session: arrival.index, turn: 1 }),
  };
}
