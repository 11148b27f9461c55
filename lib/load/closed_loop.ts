/**
 * Closed-loop executor: N virtual users, each sending its next request as soon as the previous
 * one ends, so the number in flight stays at N.
 */

import { ownsUser, type Shard } from "./shard.ts";
import type { StopRule } from "./stop_rule.ts";
import type { Clock, Dispatch } from "./types.ts";

/** Options for {@link runClosedLoop}. */
export interface ClosedLoopOptions {
  /** Number of virtual users (= requests in flight at steady state); a positive integer. */
  users: number;
  /** Spread of user start times in ms; default {@link defaultRampMs}(users). 0 starts all at once. */
  rampMs?: number;
  /** Decides the phase of each send and when each user stops. */
  stopRule: Pick<StopRule, "next" | "done">;
  clock: Clock;
  /** Sends one request and resolves when it has ended; awaited. Must not reject. */
  dispatch: Dispatch;
  /** Aborting stops each user after its current request (or before its first). */
  signal?: AbortSignal;
  /**
   * Run only the users this shard owns (u mod N), at their global start times; slot indices
   * are `local · N + shard index`, unique across shards. The stop rule is this shard's own (give
   * it the shard's share of a request count).
   */
  shard?: Shard;
}

/** Counts from {@link runClosedLoop}. */
export interface ClosedLoopResult {
  /** Requests dispatched, all users together. */
  sent: number;
}

/**
 * Default ramp: 2 ms per user, at most 1 s. Synchronised starts distort TTFT at high concurrency
 * (docs/deno_notes.md: 193 starts within 5 ms at c = 500); 2 ms apart keeps starts distinct while a
 * ramp of ≤ 1 s barely delays steady state.
 */
export function defaultRampMs(users: number): number {
  return Math.min(1000, users * 2);
}

/**
 * Runs a closed loop. User u starts at u·rampMs/users ms; each request's `scheduledAt` is when
 * its user became free (its start time for the first). The stop rule is asked at that moment,
 * so indices are global and increase in order of scheduling. Resolves when every user stopped.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const { users, stopRule, clock, dispatch, signal } = options;
  if (!(Number.isInteger(users) && users > 0)) {
    throw new RangeError(`runClosedLoop: users must be a positive integer (got ${users})`);
  }
  const rampMs = options.rampMs ?? defaultRampMs(users);
  if (!(rampMs >= 0) || !Number.isFinite(rampMs)) {
    throw new RangeError(`runClosedLoop: rampMs must be ≥ 0 and finite (got ${rampMs})`);
  }

  const shard = options.shard ?? { index: 0, count: 1 };
  let local = 0, sent = 0;
  const runUser = async (user: number): Promise<void> => {
    let scheduledAt = (user * rampMs) / users;
    if (stopRule.done) return;
    await clock.sleepUntil(scheduledAt, signal);
    while (!signal?.aborted) {
      const phase = stopRule.next(scheduledAt);
      if (phase === "stop") return;
      sent++;
      const index = local++ * shard.count + shard.index;
      await dispatch({ index, scheduledAt, user, phase });
      scheduledAt = clock.now();
    }
  };

  const mine = Array.from({ length: users }, (_, u) => u).filter((u) => ownsUser(shard, u));
  const outcomes = await Promise.allSettled(mine.map(runUser));
  const failed = outcomes.find((o) => o.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return { sent };
}
