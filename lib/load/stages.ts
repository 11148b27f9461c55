/**
 * Stages: a load that steps through a list of {duration, rate} (open loop) or {duration,
 * concurrency} (closed loop). Both are pure functions of time from the run origin; the open-loop
 * form is a {@link RateFunction} for {@link rateArrivalTimes}, the closed-loop form a schedule of
 * target user counts for a closed-loop driver to follow.
 */

import { UsageError } from "../config/usage_error.ts";
import type { RateFunction } from "./rate_function.ts";

/** One open-loop stage: `rate` requests per second (≥ 0; 0 is a pause) for `durationMs`. */
export interface RateStage {
  durationMs: number;
  rate: number;
}

/** One closed-loop stage: `concurrency` users (integer ≥ 0; 0 is a pause) for `durationMs`. */
export interface ConcurrencyStage {
  durationMs: number;
  concurrency: number;
}

function durationProblems(stages: readonly { durationMs: number }[], what: string): string[] {
  if (!Array.isArray(stages) || stages.length === 0) return [`${what}: give at least one stage`];
  const problems: string[] = [];
  stages.forEach((s, i) => {
    if (!(s.durationMs > 0 && Number.isFinite(s.durationMs))) {
      problems.push(`${what} ${i + 1}: durationMs must be > 0 and finite (got ${s.durationMs})`);
    }
  });
  return problems;
}

/** Every problem with open-loop stages (empty list, durations, negative or NaN rates). */
export function rateStageProblems(stages: readonly RateStage[]): string[] {
  const problems = durationProblems(stages, "stage");
  if (!Array.isArray(stages)) return problems;
  stages.forEach((s, i) => {
    if (!(s.rate >= 0 && Number.isFinite(s.rate))) {
      problems.push(`stage ${i + 1}: rate must be ≥ 0 and finite (got ${s.rate})`);
    }
  });
  if (problems.length === 0 && stages.every((s) => s.rate === 0)) {
    problems.push("stages: every rate is 0, so nothing would be sent");
  }
  return problems;
}

/** Every problem with closed-loop stages (empty list, durations, non-integer or negative users). */
export function concurrencyStageProblems(stages: readonly ConcurrencyStage[]): string[] {
  const problems = durationProblems(stages, "stage");
  if (!Array.isArray(stages)) return problems;
  stages.forEach((s, i) => {
    if (!(Number.isInteger(s.concurrency) && s.concurrency >= 0)) {
      problems.push(
        `stage ${i + 1}: concurrency must be an integer ≥ 0 (got ${s.concurrency})`,
      );
    }
  });
  if (problems.length === 0 && stages.every((s) => s.concurrency === 0)) {
    problems.push("stages: every concurrency is 0, so nothing would be sent");
  }
  return problems;
}

/** Stage start times in ms: starts[i] for stage i, starts[n] = total duration. */
function boundaries(stages: readonly { durationMs: number }[]): number[] {
  const starts = [0];
  for (const s of stages) starts.push(starts[starts.length - 1] + s.durationMs);
  return starts;
}

/** Index of the stage holding `tMs` (stage i covers [starts[i], starts[i+1])), or -1 past the end. */
function stageIndex(starts: readonly number[], tMs: number): number {
  if (!(tMs < starts[starts.length - 1])) return -1;
  let lo = 0, hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= tMs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The rate of open-loop stages as a {@link RateFunction}: stage i's rate on [its start, its end),
 * null from the end of the last stage (ending the schedule). Stage i starts at the sum of the
 * earlier durations. Throws {@link UsageError} listing every problem.
 */
export function stagedRate(stages: readonly RateStage[]): RateFunction {
  const problems = rateStageProblems(stages);
  if (problems.length > 0) throw new UsageError(problems);
  const starts = boundaries(stages);
  const rates = stages.map((s) => s.rate);
  return (tSeconds) => {
    const i = stageIndex(starts, tSeconds * 1000);
    return i < 0 ? null : rates[i];
  };
}

/** A point where the target number of users changes. */
export interface UserChange {
  /** Ms from the run origin. */
  atMs: number;
  /** Users wanted from `atMs` on. */
  users: number;
}

/** Target user counts over time for a closed-loop driver; see {@link concurrencySchedule}. */
export interface ConcurrencySchedule {
  /** Users wanted at `tMs` (ms from origin); null at and after the end. */
  usersAt(tMs: number): number | null;
  /**
   * Every change of the target, in time order: the first at 0, then one wherever the count
   * differs from the previous stage's (equal neighbouring stages merge). Ends at `durationMs`.
   */
  readonly changes: readonly UserChange[];
  /** Total length in ms; the run ends here. */
  readonly durationMs: number;
  /** Highest user count of any stage: how many virtual users a driver must be able to run. */
  readonly maxUsers: number;
}

/**
 * Closed-loop stages as a pure schedule of target user counts. A driver following it starts
 * users when the target rises and lets users finish their current request and retire when it
 * falls. Throws {@link UsageError} listing every problem.
 */
export function concurrencySchedule(stages: readonly ConcurrencyStage[]): ConcurrencySchedule {
  const problems = concurrencyStageProblems(stages);
  if (problems.length > 0) throw new UsageError(problems);
  const starts = boundaries(stages);
  const users = stages.map((s) => s.concurrency);
  const changes: UserChange[] = [];
  stages.forEach((s, i) => {
    if (changes.length === 0 || changes[changes.length - 1].users !== s.concurrency) {
      changes.push({ atMs: starts[i], users: s.concurrency });
    }
  });
  return {
    usersAt(tMs) {
      const i = stageIndex(starts, tMs);
      return i < 0 ? null : users[i];
    },
    changes,
    durationMs: starts[starts.length - 1],
    maxUsers: Math.max(...users),
  };
}
