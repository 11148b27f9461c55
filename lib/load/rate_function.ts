/**
 * Arrivals that follow a rate that changes over time: `(tSeconds) => requestsPerSecond | null`.
 *
 * Algorithm: inversion of the integrated rate (time rescaling). Λ(t) = ∫₀ᵗ rate is integrated
 * numerically on a grid of `stepMs` (midpoint rule, rate constant within a step), and arrival k
 * is placed where Λ reaches level L_k: L_k = k for constant arrivals, cumulative Exp(1) draws for
 * Poisson (a non-homogeneous Poisson process), cumulative Gamma(b, 1/b) draws for gamma. Within a
 * step Λ is linear, so the crossing is solved exactly there.
 *
 * Why inversion and not thinning: thinning needs an upper bound on the rate, which a user's
 * function does not give (an exponential ramp has none over an unknown horizon), and it wastes
 * draws where the peak far exceeds the mean. Inversion needs one draw per arrival, serves
 * constant, Poisson and gamma arrivals with the same integrator, and the same seed gives the
 * same levels whatever the step. Its cost is the integration error: exact for piecewise-constant
 * rates whose changes fall on the step grid (stages, with the default 10 ms step, the seed's
 * `time_step` of 0.01 s), and O(step²) for smooth rates.
 */

import { UsageError } from "../config/usage_error.ts";
import { createRng } from "./rng.ts";

/** Offered load at `tSeconds` from the schedule origin, in requests per second; null ends it. */
export type RateFunction = (tSeconds: number) => number | null;

/** Arrival process in operational (integrated-rate) time. */
export type ShapedArrival = "constant" | "poisson" | "gamma";

/** Options for {@link rateArrivalTimes}. */
export interface RateArrivalOptions {
  /** Default "poisson". */
  arrival?: ShapedArrival;
  /** Gamma shape (burstiness) for "gamma"; default 1 (= Poisson). < 1 burstier, > 1 smoother. */
  burstiness?: number;
  /** Seed for "poisson" and "gamma"; default 0. */
  seed?: number;
  /** Integration step in ms; default 10 (the seed tool's `time_step` = 0.01 s). */
  stepMs?: number;
  /** The schedule ends at this many ms of shape time; default never (until the rate is null). */
  endMs?: number;
  /**
   * Rate-0 stretches longer than this (ms) are cut to this length: later arrivals move earlier by
   * the excess (the seed tool's `skip_idle_min`, which replays long traces without dead time).
   * Default: no cutting.
   */
  skipIdleMs?: number;
  /**
   * A rate-0 stretch longer than this (ms of shape time) is an error, since the schedule would
   * spin without yielding: return null to end instead. Default 1 hour.
   */
  maxIdleMs?: number;
}

const DEFAULT_STEP_MS = 10;
const DEFAULT_MAX_IDLE_MS = 3_600_000;
// Levels within this relative distance of a step's end count as reached at the next positive
// step, so an arrival never lands on the very end of a stretch because of summation rounding.
const LEVEL_EPS = 1e-9;

/** Problems with {@link RateArrivalOptions}, as messages; empty when valid. */
export function rateOptionProblems(options: RateArrivalOptions): string[] {
  const problems: string[] = [];
  const { arrival = "poisson", burstiness = 1, seed = 0, stepMs = DEFAULT_STEP_MS } = options;
  if (!["constant", "poisson", "gamma"].includes(arrival)) {
    problems.push(`arrival must be "constant", "poisson" or "gamma" (got "${arrival}")`);
  }
  if (!(burstiness > 0 && Number.isFinite(burstiness))) {
    problems.push(`burstiness must be > 0 and finite (got ${burstiness})`);
  }
  if (!Number.isFinite(seed)) problems.push(`seed must be finite (got ${seed})`);
  if (!(stepMs > 0 && Number.isFinite(stepMs))) {
    problems.push(`stepMs must be > 0 and finite (got ${stepMs})`);
  }
  if (options.endMs !== undefined && !(options.endMs >= 0)) {
    problems.push(`endMs must be ≥ 0 (got ${options.endMs})`);
  }
  if (options.skipIdleMs !== undefined && !(options.skipIdleMs >= 0)) {
    problems.push(`skipIdleMs must be ≥ 0 (got ${options.skipIdleMs})`);
  }
  if (options.maxIdleMs !== undefined && !(options.maxIdleMs > 0)) {
    problems.push(`maxIdleMs must be > 0 (got ${options.maxIdleMs})`);
  }
  return problems;
}

/**
 * Absolute target times (ms from the origin, non-decreasing) of arrivals following `rate`.
 *
 * Like {@link arrivalTimes}, the first arrival is at the start of the first step with a positive
 * rate (level 0), so a constant rate r gives exactly k·1000/r. The schedule ends when `rate`
 * returns null or `endMs` is reached. Throws {@link UsageError} for bad options (all listed) and,
 * lazily, when `rate` returns a negative, NaN or infinite value.
 */
export function rateArrivalTimes(
  rate: RateFunction,
  options: RateArrivalOptions = {},
): IterableIterator<number> {
  const problems = rateOptionProblems(options);
  if (problems.length > 0) throw new UsageError(problems.map((p) => `rate schedule: ${p}`));
  return shapedTimes(rate, levels(options), options);
}

function* levels(options: RateArrivalOptions): Generator<number, never> {
  const arrival = options.arrival ?? "poisson";
  const rng = createRng(options.seed ?? 0);
  const b = options.burstiness ?? 1;
  // Unit mean gaps in operational time: level k sits where k arrivals are expected.
  const gap = arrival === "constant"
    ? () => 1
    : arrival === "gamma"
    ? () => rng.gamma(b, 1 / b)
    : () => rng.exponential(1);
  // Sums of 1 stay exact integers, so constant levels are exactly 0, 1, 2, …
  for (let level = 0;; level += gap()) yield level;
}

function* shapedTimes(
  rate: RateFunction,
  levelIt: Iterator<number>,
  options: RateArrivalOptions,
): IterableIterator<number> {
  const stepMs = options.stepMs ?? DEFAULT_STEP_MS;
  const endMs = options.endMs ?? Infinity;
  const skipIdleMs = options.skipIdleMs ?? Infinity;
  const maxIdleMs = options.maxIdleMs ?? DEFAULT_MAX_IDLE_MS;
  let level = levelIt.next().value as number;
  let lambda = 0; // Λ at the start of step k
  let shiftMs = 0; // idle time cut so far
  let idleFromMs: number | undefined = 0;
  for (let k = 0;; k++) {
    const startMs = k * stepMs; // computed, not accumulated: no drift over long schedules
    if (startMs >= endMs) return;
    const r = rateAt(rate, (startMs + stepMs / 2) / 1000);
    if (r === null) return;
    const lengthMs = Math.min(stepMs, endMs - startMs);
    const mass = (r * lengthMs) / 1000;
    if (mass <= 0) {
      idleFromMs ??= startMs;
      if (startMs + lengthMs - idleFromMs > maxIdleMs) {
        throw new UsageError(
          `rate function: rate was 0 for more than ${maxIdleMs} ms from t = ${
            idleFromMs / 1000
          } s; return null to end the schedule, or raise maxIdleMs`,
        );
      }
      continue;
    }
    if (idleFromMs !== undefined) {
      shiftMs += Math.max(0, startMs - idleFromMs - skipIdleMs);
      idleFromMs = undefined;
    }
    const next = lambda + mass;
    const reach = next - LEVEL_EPS * Math.max(1, next);
    while (level < reach) {
      const into = Math.max(0, level - lambda) / mass; // fraction of this step
      yield startMs + into * lengthMs - shiftMs;
      level = levelIt.next().value as number;
    }
    lambda = next;
  }
}

function rateAt(rate: RateFunction, tSeconds: number): number | null {
  const r = rate(tSeconds);
  if (r === null) return null;
  if (typeof r !== "number" || !(r >= 0) || !Number.isFinite(r)) {
    throw new UsageError(
      `rate function returned ${String(r)} at t = ${tSeconds} s; ` +
        "a rate must be a finite number ≥ 0 (requests per second), or null to end",
    );
  }
  return r;
}

/** Options for {@link integrateRate}. */
export interface IntegrateOptions {
  /** Integration step in ms; default 10, as in {@link rateArrivalTimes}. */
  stepMs?: number;
}

/**
 * Expected number of arrivals in [0, untilMs) under `rate` (stops early where it returns null),
 * with the same midpoint rule as {@link rateArrivalTimes}: what a run plan can announce up front.
 */
export function integrateRate(
  rate: RateFunction,
  untilMs: number,
  options: IntegrateOptions = {},
): number {
  const stepMs = options.stepMs ?? DEFAULT_STEP_MS;
  let total = 0;
  for (let k = 0;; k++) {
    const startMs = k * stepMs;
    if (startMs >= untilMs) return total;
    const r = rateAt(rate, (startMs + stepMs / 2) / 1000);
    if (r === null) return total;
    total += (r * Math.min(stepMs, untilMs - startMs)) / 1000;
  }
}

/** Options shared by the ramps. */
export interface RampOptions {
  /** After the ramp: "end" (default) ends the schedule, "hold" keeps the final rate forever. */
  after?: "end" | "hold";
}

/** Problems with a ramp's parameters; exponential ramps need both rates > 0. */
export function rampProblems(
  from: number,
  to: number,
  options: { durationMs: number; exponential?: boolean },
): string[] {
  const problems: string[] = [];
  const min = options.exponential ? "> 0" : "≥ 0";
  const ok = (r: number) => Number.isFinite(r) && (options.exponential ? r > 0 : r >= 0);
  if (!ok(from)) problems.push(`ramp start rate must be ${min} and finite (got ${from})`);
  if (!ok(to)) problems.push(`ramp end rate must be ${min} and finite (got ${to})`);
  if (!(options.durationMs > 0 && Number.isFinite(options.durationMs))) {
    problems.push(`ramp duration must be > 0 ms and finite (got ${options.durationMs})`);
  }
  return problems;
}

/**
 * Linear ramp from `from` to `to` requests per second over `durationMs`: rate(t) = from +
 * (to − from)·t/D, expecting (from + to)/2 · D arrivals. Throws {@link UsageError} on bad input.
 */
export function linearRamp(
  from: number,
  to: number,
  options: RampOptions & { durationMs: number },
): RateFunction {
  const problems = rampProblems(from, to, options);
  if (problems.length > 0) throw new UsageError(problems);
  const dS = options.durationMs / 1000;
  const hold = options.after === "hold";
  return (t) => (t < dS ? from + ((to - from) * t) / dS : hold ? to : null);
}

/**
 * Exponential ramp from `from` to `to` requests per second (both > 0) over `durationMs`:
 * rate(t) = from·(to/from)^(t/D), expecting D·(to − from)/ln(to/from) arrivals (from·D when
 * equal). Suits searching for a saturation point: each second adds the same percentage.
 */
export function exponentialRamp(
  from: number,
  to: number,
  options: RampOptions & { durationMs: number },
): RateFunction {
  const problems = rampProblems(from, to, { ...options, exponential: true });
  if (problems.length > 0) throw new UsageError(problems);
  const dS = options.durationMs / 1000;
  const hold = options.after === "hold";
  const logRatio = Math.log(to / from);
  return (t) => (t < dS ? from * Math.exp((logRatio * t) / dS) : hold ? to : null);
}
