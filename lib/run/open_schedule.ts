/**
 * The open-loop schedule of a plan: a constant rate, a shaped rate (ramp, stages, the user's
 * function) or a replayed trace, always as absolute target times for runOpenLoop.
 */

import type { RunPlan } from "../config/run_plan.ts";
import { UsageError } from "../config/usage_error.ts";
import { type Arrival, arrivalFeed } from "../load/arrival_feed.ts";
import { arrivalTimes } from "../load/pacers.ts";
import {
  exponentialRamp,
  integrateRate,
  linearRamp,
  rateArrivalTimes,
  type RateFunction,
} from "../load/rate_function.ts";
import { stagedRate } from "../load/stages.ts";
import type { ParsedTrace } from "../load/trace_replay.ts";

type OpenLoad = Extract<RunPlan["load"], { mode: "open" }>;

/** A schedule plus, for a trace, the arrival (token counts) behind each slot index. */
export interface OpenSchedule {
  schedule: Iterator<number>;
  arrival(index: number): Arrival | undefined;
}

/** How far a rate function is probed before the run (ms of shape time). */
export const PROBE_MS = 3_600_000;

/** The rate function of a shaped load (undefined for a constant rate or a trace). */
export function shapeRate(load: OpenLoad): RateFunction | undefined {
  const shape = load.shape;
  switch (shape?.kind) {
    case "ramp": {
      const ramp = shape.curve === "exponential" ? exponentialRamp : linearRamp;
      return ramp(shape.from, shape.to, { durationMs: shape.durationMs });
    }
    case "stages":
      return stagedRate(shape.stages);
    case "function":
      return shape.fn;
    default:
      return undefined;
  }
}

/**
 * Builds the schedule. Times are absolute (ms from the run origin) under every shape, so a
 * late send never shifts later ones. `trace` must be the parsed trace when the shape is one.
 */
export function openSchedule(
  load: OpenLoad,
  options: { seed: number; trace?: ParsedTrace },
): OpenSchedule {
  if (load.shape?.kind === "trace") {
    if (!options.trace) throw new Error("openSchedule: a trace shape needs the parsed trace");
    const feed = arrivalFeed(options.trace.arrivals);
    return { schedule: feed.schedule, arrival: (i) => feed.arrival(i) };
  }
  const rate = shapeRate(load);
  const schedule = rate
    ? rateArrivalTimes(rate, {
      arrival: load.arrival,
      burstiness: load.burstiness,
      seed: options.seed,
    })
    : arrivalTimes({
      arrival: load.arrival,
      rate: load.rate!,
      burstiness: load.burstiness,
      seed: options.seed,
    });
  return { schedule, arrival: () => undefined };
}

/** What a shape promises, found before the clock starts (for the log and meta.json). */
export interface ShapeForecast {
  /** Expected arrivals (the integral of the rate; exact count for a trace). */
  expectedRequests: number;
  /** Shape time until the end (ms); undefined when a function did not end within the probe. */
  endsAtMs?: number;
}

/**
 * Evaluates a shaped load's rate over its whole length (at most {@link PROBE_MS}) before the
 * run, so a user's function that throws or returns a bad value is a usage error now rather than
 * a crash mid-run. Undefined for a constant rate.
 */
export function forecastShape(
  load: OpenLoad,
  options: { trace?: ParsedTrace } = {},
): ShapeForecast | undefined {
  if (load.shape?.kind === "trace" && options.trace) {
    return { expectedRequests: options.trace.arrivals.length, endsAtMs: options.trace.durationMs };
  }
  const rate = shapeRate(load);
  if (!rate) return undefined;
  let lastT = 0, ended = false;
  const watched: RateFunction = (t) => {
    let r: number | null;
    try {
      r = rate(t);
    } catch (e) {
      throw new UsageError(
        `rate function threw at t = ${t} s: ${(e as Error)?.message ?? String(e)}`,
      );
    }
    if (r === null) ended = true;
    else lastT = t;
    return r;
  };
  const expectedRequests = integrateRate(watched, PROBE_MS);
  // The probe samples step midpoints; the shape ended at the step boundary after the last one.
  const endsAtMs = ended ? Math.round(lastT * 1000 + 5) : undefined;
  return { expectedRequests, endsAtMs };
}
