/**
 * Open-loop executor: sends on a schedule of absolute times whatever the server's response times,
 * so a slow server faces the offered load instead of silently lowering it.
 */

import { ownsArrival, type Shard } from "./shard.ts";
import type { StopRule } from "./stop_rule.ts";
import type { Clock, Dispatch, Slot } from "./types.ts";

/** Options for {@link runOpenLoop}. */
export interface OpenLoopOptions {
  /** Absolute target times, ms from the clock's origin, non-decreasing; ends the run if it ends. */
  schedule: Iterator<number>;
  /** Decides the phase of each arrival and when to stop. */
  stopRule: Pick<StopRule, "next" | "done">;
  clock: Clock;
  /** Starts one request; called without awaiting. Must not reject (a rejection is rethrown). */
  dispatch: Dispatch;
  /** Cap on requests in flight; unlimited when absent. */
  maxInFlight?: number;
  /**
   * With a full cap: false (default) drops the arrival; true waits for a free slot and sends it
   * late, keeping `scheduledAt` at the target so the lag shows in the records.
   */
  queue?: boolean;
  /** Called for each dropped arrival (e.g. to write a record of it). */
  onDrop?: (slot: Slot) => void;
  /** Aborting stops scheduling at once; requests already in flight are still awaited. */
  signal?: AbortSignal;
  /**
   * Send only the arrivals this shard owns (worker threads, `--shard i/N`). Every shard walks
   * the whole schedule and asks the stop rule for every arrival, so the stop rule, the slot
   * indices and the end of the run are the same on all shards; `maxInFlight` caps this shard.
   */
  shard?: { shard: Shard; seed: number };
}

/** Counts from {@link runOpenLoop}. */
export interface OpenLoopResult {
  /** Arrivals dispatched (including late ones). */
  sent: number;
  /** Arrivals dropped because the cap was full (queue off). */
  dropped: number;
  /**
   * Arrivals sent after queueing for a free slot (queue on): the cap was full at their target
   * time, or their target passed while an earlier arrival was queued.
   */
  late: number;
}

/**
 * Runs an open loop: for each arrival, asks the stop rule (with the target time, before sleeping,
 * so the run ends without idling until an arrival that will not be sent), sleeps until the
 * target, then dispatches without awaiting. Slot indices number the arrivals, dropped ones
 * included; dropped arrivals count towards the stop rule's `requests`, since they were offered.
 * Resolves once every dispatched request has settled.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { schedule, stopRule, clock, dispatch, maxInFlight, queue = false, onDrop, signal } =
    options;
  const owns = options.shard
    ? (i: number) => ownsArrival(options.shard!.shard, i, options.shard!.seed)
    : () => true;
  if (maxInFlight !== undefined && !(Number.isInteger(maxInFlight) && maxInFlight > 0)) {
    throw new RangeError(
      `runOpenLoop: maxInFlight must be a positive integer (got ${maxInFlight})`,
    );
  }

  let index = 0, sent = 0, dropped = 0, late = 0, inFlight = 0;
  // Time the scheduler last got a slot after queueing; arrivals due before it were held up.
  let blockedUntil = -Infinity;
  let failure: { error: unknown } | undefined;
  let onSettle: (() => void) | undefined;

  const settle = (): void => {
    inFlight--;
    onSettle?.();
  };
  // Resolves on the next settle (or abort); `onSettle` has a single listener: the scheduler.
  const nextSettle = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (): void => {
        onSettle = undefined;
        signal?.removeEventListener("abort", done);
        resolve();
      };
      onSettle = done;
      signal?.addEventListener("abort", done, { once: true });
    });

  while (!signal?.aborted && !stopRule.done) {
    const arrival = schedule.next();
    if (arrival.done) break;
    const target = arrival.value;
    const phase = stopRule.next(target);
    if (phase === "stop") break;
    if (!owns(index)) {
      index++;
      continue;
    }
    await clock.sleepUntil(target, signal);
    if (signal?.aborted) break;

    const slot: Slot = { index: index++, scheduledAt: target, phase };
    let isLate = target < blockedUntil;
    if (maxInFlight !== undefined && inFlight >= maxInFlight) {
      if (!queue) {
        dropped++;
        onDrop?.(slot);
        continue;
      }
      isLate = true;
      while (inFlight >= maxInFlight && !signal?.aborted) await nextSettle();
      if (signal?.aborted) break;
      blockedUntil = clock.now();
    }
    if (isLate) late++;
    sent++;
    inFlight++;
    let pending: Promise<void>;
    try {
      pending = dispatch(slot);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(settle, (error) => {
      failure ??= { error };
      settle();
    });
  }

  // Only in-flight requests remain; the signal must not cut this wait short.
  while (inFlight > 0) {
    await new Promise<void>((resolve) => (onSettle = resolve));
    onSettle = undefined;
  }
  if (failure) throw failure.error;
  return { sent, dropped, late };
}
