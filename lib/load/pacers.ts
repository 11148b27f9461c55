/**
 * When to send, as pure functions: absolute target times in ms from the run origin. Executors
 * sleep *until* a target rather than *for* an interval, so late wake-ups never accumulate
 * into drift.
 */

import { createRng } from "./rng.ts";

/** Inter-arrival process: fixed gaps, exponential gaps, or gamma gaps of tunable burstiness. */
export type ArrivalProcess = "constant" | "poisson" | "gamma";

/** Options for {@link arrivalTimes}. */
export interface ArrivalOptions {
  /** Inter-arrival process. */
  arrival: ArrivalProcess;
  /** Mean arrival rate in requests per second; > 0. `Infinity` sends every arrival at t = 0. */
  rate: number;
  /**
   * Gamma shape k (vLLM's `--burstiness`), used only by `"gamma"`; default 1 (= Poisson).
   * k < 1 is burstier than Poisson, k > 1 smoother; the mean gap stays 1000/rate ms.
   */
  burstiness?: number;
  /** Seed for the random processes; default 0. Same seed → same schedule. */
  seed?: number;
}

/**
 * Absolute target times (ms from the run origin) of arrivals 0, 1, 2, … — an endless iterator.
 *
 * The first arrival is at t = 0 (as in vLLM's benchmark): a run starts with a send, not with an
 * idle gap. Constant: arrival k is exactly k·1000/rate (computed, not accumulated, so no
 * floating-point drift). Poisson: cumulative Exponential gaps with mean 1000/rate. Gamma:
 * cumulative Gamma(shape = k, scale = 1000/(rate·k)) gaps — mean 1000/rate, variance
 * (1000/rate)²/k.
 */
export function arrivalTimes(options: ArrivalOptions): IterableIterator<number> {
  const { arrival, rate } = options;
  const burstiness = options.burstiness ?? 1;
  if (!(rate > 0)) throw new RangeError(`arrivalTimes: rate must be > 0 (got ${rate})`);
  if (!(burstiness > 0) || !Number.isFinite(burstiness)) {
    throw new RangeError(`arrivalTimes: burstiness must be > 0 (got ${burstiness})`);
  }
  if (rate === Infinity) return repeatZero();
  const meanMs = 1000 / rate;
  switch (arrival) {
    case "constant":
      return constantTimes(rate);
    case "poisson": {
      const rng = createRng(options.seed ?? 0);
      const ratePerMs = rate / 1000;
      return cumulative(() => rng.exponential(ratePerMs));
    }
    case "gamma": {
      const rng = createRng(options.seed ?? 0);
      const scale = meanMs / burstiness;
      return cumulative(() => rng.gamma(burstiness, scale));
    }
    default:
      throw new RangeError(`arrivalTimes: unknown arrival process "${arrival as string}"`);
  }
}

function* repeatZero(): IterableIterator<number> {
  for (;;) yield 0;
}

function* constantTimes(rate: number): IterableIterator<number> {
  for (let k = 0;; k++) yield (k * 1000) / rate;
}

function* cumulative(gap: () => number): IterableIterator<number> {
  let t = 0;
  for (;;) {
    yield t;
    t += gap();
  }
}

/** How long to wait (ms, ≥ 0) from `elapsedMs` until `targetMs`; 0 when the target has passed. */
export function waitMs(targetMs: number, elapsedMs: number): number {
  return Math.max(0, targetMs - elapsedMs);
}

/** Inputs of {@link constantWaitMs}. */
export interface ConstantWaitInput {
  /** Requests per second, > 0. */
  rate: number;
  /** Ms since the run origin. */
  elapsedMs: number;
  /** Sends already made; the next one is arrival number `sent`, due at sent·1000/rate. */
  sent: number;
}

/**
 * Wait (ms, ≥ 0) before the next constant-rate send: a pure function of elapsed time and sends
 * made, so a late send is followed by catch-up sends rather than a shifted schedule.
 */
export function constantWaitMs(input: ConstantWaitInput): number {
  return waitMs((input.sent * 1000) / input.rate, input.elapsedMs);
}
