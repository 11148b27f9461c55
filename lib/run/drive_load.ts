/**
 * Runs a plan's load for one shard: the one place that turns the plan's load and stop settings
 * into an executor (open loop, staged or plain closed loop), used by the main thread and by
 * every worker thread alike.
 */

import { loadEndsItself, type RunPlan } from "../config/run_plan.ts";
import { runClosedLoop } from "../load/closed_loop.ts";
import { runOpenLoop } from "../load/open_loop.ts";
import { openSessionDispatch } from "../load/open_sessions.ts";
import { runSessionLoop, type SessionShape } from "../load/session_loop.ts";
import { type Shard, shareOf } from "../load/shard.ts";
import { runStagedClosedLoop } from "../load/staged_closed_loop.ts";
import { concurrencySchedule } from "../load/stages.ts";
import { createStopRule } from "../load/stop_rule.ts";
import type { Clock, Dispatch, Slot } from "../load/types.ts";

/** Options of {@link driveLoad}. */
export interface DriveLoadOptions {
  /** The part of the plan to send; absent = the whole plan. */
  shard?: Shard;
  /** The open-loop schedule (required in open loop). */
  schedule?: Iterator<number>;
  clock: Clock;
  dispatch: Dispatch;
  onDrop?: (slot: Slot) => void;
  /** This shard's `--max-in-flight` cap (open loop). */
  maxInFlight?: number;
  /** Stops scheduling. */
  signal?: AbortSignal;
  /** Sessions (plan.sessions): the turns and think times the executor follows. */
  sessions?: SessionShape;
}

/**
 * Runs the executor until the plan's stop rule or `signal` ends it. A closed-loop shard sends
 * its own users' requests only, so it counts its share of `--requests`/`--warmup-requests`; an
 * open-loop shard walks the global schedule, so it counts the plan's numbers whole. Resolves
 * false without sending when the shard's share of a request count is 0 (more shards than
 * requests).
 */
export async function driveLoad(plan: RunPlan, options: DriveLoadOptions): Promise<boolean> {
  const { shard, clock, dispatch, signal } = options;
  const closed = plan.load.mode === "closed";
  const share = (n: number | undefined) =>
    n === undefined || !closed || !shard ? n : shareOf(shard, n);
  if (plan.stop.requests !== undefined && share(plan.stop.requests) === 0) return false;
  const stopRule = createStopRule({
    durationMs: plan.stop.durationMs,
    requests: share(plan.stop.requests),
    warmupMs: plan.warmup.durationMs,
    warmupRequests: share(plan.warmup.requests),
    scheduleEnds: loadEndsItself(plan.load),
  });
  if (plan.load.mode === "open") {
    if (!options.schedule) throw new Error("driveLoad: an open loop needs its schedule");
    // Sessions: each arrival starts a session that sends its own turns.
    const sessions = options.sessions &&
      openSessionDispatch({ ...options, sessions: options.sessions });
    await runOpenLoop({
      schedule: options.schedule,
      stopRule,
      clock,
      dispatch: sessions?.dispatch ?? dispatch,
      onDrop: sessions?.onDrop ?? options.onDrop,
      maxInFlight: options.maxInFlight,
      queue: plan.load.queue,
      signal,
      shard: shard && { shard, seed: plan.seed },
    });
  } else if (plan.load.stages) {
    await runStagedClosedLoop({
      schedule: concurrencySchedule(plan.load.stages),
      rampMs: plan.load.rampMs,
      stopRule,
      clock,
      dispatch,
      signal,
      shard,
    });
  } else if (options.sessions) {
    await runSessionLoop({
      users: plan.load.concurrency!,
      rampMs: plan.load.rampMs,
      sessions: options.sessions,
      stopRule,
      clock,
      dispatch,
      signal,
      shard,
    });
  } else {
    await runClosedLoop({
      users: plan.load.concurrency!,
      rampMs: plan.load.rampMs,
      stopRule,
      clock,
      dispatch,
      signal,
      shard,
    });
  }
  return true;
}
