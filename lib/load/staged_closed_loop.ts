/**
 * Closed loop whose number of virtual users follows concurrency stages: users are added at a
 * stage boundary where the target rises and retired where it falls, and the run ends with the
 * last stage.
 */

import { defaultRampMs } from "./closed_loop.ts";
import type { ConcurrencySchedule } from "./stages.ts";
import { ownsUser, type Shard } from "./shard.ts";
import type { StopRule } from "./stop_rule.ts";
import type { Clock, Dispatch } from "./types.ts";

/** Options for {@link runStagedClosedLoop}. */
export interface StagedClosedLoopOptions {
  /** Target user counts over time ({@link concurrencySchedule}). */
  schedule: ConcurrencySchedule;
  /**
   * Users added at one boundary start staggered over this many ms; default
   * {@link defaultRampMs}(users added), as for a plain closed loop. 0 starts them together.
   */
  rampMs?: number;
  /** Decides the phase of each send and when each user stops. */
  stopRule: Pick<StopRule, "next" | "done">;
  clock: Clock;
  /** Sends one request and resolves when it has ended; awaited. Must not reject. */
  dispatch: Dispatch;
  /** Aborting stops each user after its current request (or before its next). */
  signal?: AbortSignal;
  /** Run only the users this shard owns, as in {@link runClosedLoop}'s `shard`. */
  shard?: Shard;
}

/** Counts from {@link runStagedClosedLoop}. */
export interface StagedClosedLoopResult {
  /** Requests dispatched, all users together. */
  sent: number;
}

/**
 * Runs a closed loop that follows `schedule`. At each change of the target at time T from a to
 * b users: when b > a, users a … b−1 start at T + (u − a)·rampMs/(b − a) (a user still
 * finishing a request from before keeps going instead of starting twice); when b < a, users
 * b … a−1 retire: each finishes the request it has in flight and sends no more. A user asks the
 * target before every send, so one retired during its stagger sends nothing. At the schedule's
 * end every user retires the same way, so the run ends once the requests in flight finish.
 * `scheduledAt` is when the user became free (its start time for its first send), as in
 * {@link runClosedLoop}; indices are global in order of scheduling.
 */
export async function runStagedClosedLoop(
  options: StagedClosedLoopOptions,
): Promise<StagedClosedLoopResult> {
  const { schedule, stopRule, clock, dispatch, signal } = options;
  if (options.rampMs !== undefined && !(options.rampMs >= 0 && Number.isFinite(options.rampMs))) {
    throw new RangeError(
      `runStagedClosedLoop: rampMs must be ≥ 0 and finite (got ${options.rampMs})`,
    );
  }
  // Stops the controller's sleep early once the stop rule or the caller ends the run.
  const halt = new AbortController();
  const onAbort = () => halt.abort();
  signal?.addEventListener("abort", onAbort, { once: true });

  const shard = options.shard ?? { index: 0, count: 1 };
  let target = 0, local = 0, sent = 0;
  const running = new Set<number>();
  const loops: Promise<void>[] = [];

  const runUser = async (user: number, startAt: number): Promise<void> => {
    let scheduledAt = startAt;
    await clock.sleepUntil(startAt, halt.signal);
    // The schedule at the send time decides, not `target`: the controller's timer may fire a
    // little late, and a user free at 2000.5 ms must not send in a stage that ended at 2000.
    while (!halt.signal.aborted && user < (schedule.usersAt(scheduledAt) ?? 0)) {
      const phase = stopRule.next(scheduledAt);
      if (phase === "stop") {
        halt.abort();
        break;
      }
      sent++;
      const index = local++ * shard.count + shard.index;
      await dispatch({ index, scheduledAt, user, phase });
      scheduledAt = clock.now();
    }
    running.delete(user);
  };

  try {
    for (const change of schedule.changes) {
      await clock.sleepUntil(change.atMs, halt.signal);
      if (halt.signal.aborted || stopRule.done) break;
      const from = target;
      target = change.users;
      const added = Math.max(0, change.users - from);
      const rampMs = options.rampMs ?? defaultRampMs(added);
      for (let user = from; user < change.users; user++) {
        if (running.has(user) || !ownsUser(shard, user)) continue;
        running.add(user);
        const startAt = change.atMs + (added > 0 ? ((user - from) * rampMs) / added : 0);
        loops.push(runUser(user, startAt));
      }
    }
    await clock.sleepUntil(schedule.durationMs, halt.signal);
    target = 0;
    halt.abort(); // users asleep in their stagger wake and retire at once
    const outcomes = await Promise.allSettled(loops);
    const failed = outcomes.find((o) => o.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return { sent };
}
