/**
 * Closed-loop sessions (docs/sessions.md): N virtual users, each running one multi-turn session
 * after another. A turn goes when the previous turn's answer ended plus the user's think time;
 * a new session starts as soon as the last one ended. Session numbers are global and fixed by
 * the user alone (user u's k-th session is k·users + u), so a session's turns always run on the
 * shard that owns its user, and a session is the same whichever shard or thread runs it.
 */

import { defaultRampMs } from "./closed_loop.ts";
import { ownsUser, type Shard } from "./shard.ts";
import type { StopRule } from "./stop_rule.ts";
import type { Clock, Dispatch } from "./types.ts";

/** The shape of the sessions, fixed before the run (pure functions of the session number). */
export interface SessionShape {
  /** User turns in session `session` (≥ 1). */
  turnsOf(session: number): number;
  /** Think time after turn `turn` (1-based) of `session`, ms. */
  thinkMs(session: number, turn: number): number;
}

/** Options for {@link runSessionLoop}. */
export interface SessionLoopOptions {
  /** Virtual users (= sessions in progress at once); a positive integer. */
  users: number;
  /** Spread of user start times in ms; default `defaultRampMs(users)`. */
  rampMs?: number;
  sessions: SessionShape;
  /** Decides each turn's phase and when each user stops (it counts turns, i.e. requests). */
  stopRule: Pick<StopRule, "next" | "done">;
  clock: Clock;
  /** Sends one turn and resolves when its answer has ended; must not reject. */
  dispatch: Dispatch;
  /** Aborting stops each user after its current turn. */
  signal?: AbortSignal;
  /** Run only this shard's users (u mod N); slot indices are `local · N + shard index`. */
  shard?: Shard;
}

/** Runs closed-loop sessions until the stop rule or `signal` ends every user; returns turns sent. */
export async function runSessionLoop(options: SessionLoopOptions): Promise<{ sent: number }> {
  const { users, sessions, stopRule, clock, dispatch, signal } = options;
  if (!(Number.isInteger(users) && users > 0)) {
    throw new RangeError(`runSessionLoop: users must be a positive integer (got ${users})`);
  }
  const rampMs = options.rampMs ?? defaultRampMs(users);
  const shard = options.shard ?? { index: 0, count: 1 };
  let local = 0, sent = 0;
  const runUser = async (user: number): Promise<void> => {
    let scheduledAt = (user * rampMs) / users;
    if (stopRule.done) return;
    for (let k = 0;; k++) {
      const session = k * users + user;
      const turns = sessions.turnsOf(session);
      for (let turn = 1; turn <= turns; turn++) {
        await clock.sleepUntil(scheduledAt, signal);
        if (signal?.aborted) return;
        const phase = stopRule.next(scheduledAt);
        if (phase === "stop") return;
        sent++;
        const index = local++ * shard.count + shard.index;
        await dispatch({ index, scheduledAt, user, phase, session, turn });
        scheduledAt = clock.now() + (turn < turns ? sessions.thinkMs(session, turn) : 0);
      }
    }
  };
  const mine = Array.from({ length: users }, (_, u) => u).filter((u) => ownsUser(shard, u));
  const outcomes = await Promise.allSettled(mine.map(runUser));
  const failed = outcomes.find((o) => o.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return { sent };
}
