/**
 * The SLO search strategy of `llmload search`: which load to try next, given what the points
 * tried so far showed, and when to stop. Pure: a step function over the observations, so the
 * driver (lib/campaign/run_search.ts) stays a loop and tests replay synthetic capacity curves.
 *
 * The model: meeting the SLOs is monotone in load (more load never helps), but one run is noisy.
 * - Bracketing: start at `start`; while it passes, double (capped at `max`); once a point fails
 *   with no pass below it, halve towards `min`.
 * - Bisection between the highest pass below the lowest fail (`lo`) and that fail (`hi`) until
 *   `hi - lo <= precision` (absolute, or % of `lo`); concurrency stays a whole number, so a gap
 *   of 1 always ends it.
 * - Confirmation: a pass must pass twice. A load with any failing run counts as failing (a
 *   disagreement is a fail), so a fail is never rerun: a second run could not turn it into a
 *   pass. Passes are confirmed lazily, only the one that would be the answer (`lo` once the gap
 *   is narrow enough, or `max`): a low load far from the edge needs no second run. When that
 *   confirmation fails, the bracket moves down and the search goes on.
 * - Bounded: at most `maxPoints` runs. With one run left and `lo` unconfirmed, that run confirms
 *   `lo` instead of bisecting further. Out of runs, the answer is the highest confirmed pass
 *   below the lowest fail, else the highest single pass (marked unconfirmed).
 */

/** What the search varies: requests/s (open loop) or virtual users (closed loop). */
export type SearchAxis = "rate" | "concurrency";

/** The search's limits (already checked: min ≤ start ≤ max, precision > 0). */
export interface SearchBounds {
  axis: SearchAxis;
  /** Lowest load tried; a fail here ends the search without an answer. */
  min: number;
  /** Highest load tried; a confirmed pass here ends it (capacity may be higher). */
  max: number;
  /** First load tried. */
  start: number;
  /** The bracket is narrow enough when `hi - lo <= value` (or `value` % of `lo` if relative). */
  precision: { value: number; relative: boolean };
  /** Most runs in all, confirmations included. */
  maxPoints: number;
}

/** One finished run at one load. */
export interface SearchObservation {
  value: number;
  pass: boolean;
}

/** Why a run was made: bracketing (doubling or halving), bisection, or a confirmation rerun. */
export type SearchPhase = "bracket" | "bisect" | "confirm";

/** Why the search ended. */
export type SearchStopReason =
  | "converged"
  | "at_max"
  | "fails_at_min"
  | "max_points"
  | "interrupted";

/** The search's answer. */
export interface SearchAnswer {
  /** The highest load that met the SLOs; null when none did. */
  value: number | null;
  /** Runs at `value` (every one passed); 2 or more = confirmed. */
  runs: number;
  confirmed: boolean;
  /** The lowest load that failed (the bracket's top); null when none failed. */
  firstFail: number | null;
  reason: SearchStopReason;
}

/** What to do next: run one load, or stop with the answer. */
export type SearchStep =
  | { kind: "run"; value: number; phase: SearchPhase }
  | { kind: "done"; answer: SearchAnswer };

interface Tally {
  runs: number;
  failed: boolean;
}

function tally(observations: readonly SearchObservation[]): Map<number, Tally> {
  const t = new Map<number, Tally>();
  for (const o of observations) {
    const e = t.get(o.value) ?? { runs: 0, failed: false };
    e.runs++;
    if (!o.pass) e.failed = true;
    t.set(o.value, e);
  }
  return t;
}

/** The bracket the observations give: lowest fail, highest pass below it, and their tallies. */
function bracket(observations: readonly SearchObservation[]) {
  const t = tally(observations);
  let hi: number | null = null;
  for (const [v, e] of t) if (e.failed && (hi === null || v < hi)) hi = v;
  let lo: number | null = null;
  let confirmedLo: number | null = null;
  for (const [v, e] of t) {
    if (e.failed || (hi !== null && v >= hi)) continue;
    if (lo === null || v > lo) lo = v;
    if (e.runs >= 2 && (confirmedLo === null || v > confirmedLo)) confirmedLo = v;
  }
  return { t, lo, hi, confirmedLo };
}

/** True when nothing worth trying is left between `lo` and `hi`. */
function narrowEnough(lo: number, hi: number, bounds: SearchBounds): boolean {
  if (bounds.axis === "concurrency" && hi - lo <= 1) return true;
  const p = bounds.precision;
  const width = p.relative ? lo * p.value / 100 : p.value;
  return hi - lo <= width + 1e-9;
}

/** The midpoint of the bracket: a whole number for concurrency, 4 significant digits for rate. */
function midpoint(lo: number, hi: number, axis: SearchAxis): number {
  if (axis === "concurrency") return Math.floor((lo + hi) / 2);
  const raw = (lo + hi) / 2;
  const nice = Number(raw.toPrecision(4));
  return nice > lo && nice < hi ? nice : raw;
}

/** Half of `hi`, not below `min`. */
function halve(hi: number, bounds: SearchBounds): number {
  const h = bounds.axis === "concurrency" ? Math.floor(hi / 2) : hi / 2;
  return Math.max(bounds.min, h);
}

function answer(
  value: number | null,
  t: Map<number, Tally>,
  hi: number | null,
  reason: SearchStopReason,
): SearchStep {
  const runs = value === null ? 0 : t.get(value)!.runs;
  return {
    kind: "done",
    answer: { value, runs, confirmed: runs >= 2, firstFail: hi, reason },
  };
}

/**
 * The next step of the search after `observations` (in the order they were run). Deterministic:
 * the same observations always give the same step.
 */
export function nextSearchStep(
  bounds: SearchBounds,
  observations: readonly SearchObservation[],
): SearchStep {
  if (observations.length === 0) return { kind: "run", value: bounds.start, phase: "bracket" };
  const { t, lo, hi, confirmedLo } = bracket(observations);
  const left = bounds.maxPoints - observations.length;
  const confirmed = lo !== null && t.get(lo)!.runs >= 2;

  // What the strategy would do with unlimited runs.
  let step: SearchStep;
  if (lo === null) {
    // Nothing passes below the lowest fail: go down, or stop at min.
    step = hi! <= bounds.min
      ? answer(null, t, hi, "fails_at_min")
      : { kind: "run", value: halve(hi!, bounds), phase: "bracket" };
  } else if (hi === null) {
    if (lo < bounds.max) {
      step = { kind: "run", value: Math.min(lo * 2, bounds.max), phase: "bracket" };
    } else {
      step = confirmed ? answer(lo, t, hi, "at_max") : { kind: "run", value: lo, phase: "confirm" };
    }
  } else if (narrowEnough(lo, hi, bounds)) {
    step = confirmed
      ? answer(lo, t, hi, "converged")
      : { kind: "run", value: lo, phase: "confirm" };
  } else {
    step = { kind: "run", value: midpoint(lo, hi, bounds.axis), phase: "bisect" };
  }
  if (step.kind === "done") return step;
  if (left <= 0) {
    const best = confirmedLo ?? lo;
    return answer(best, t, hi, "max_points");
  }
  // The last run confirms the would-be answer rather than narrowing a bracket left unconfirmed.
  if (left === 1 && lo !== null && !confirmed && step.phase !== "confirm") {
    return { kind: "run", value: lo, phase: "confirm" };
  }
  return step;
}

/** Replays the strategy against `passes(value, runIndex)` (tests, dry runs): steps taken and the answer. */
export function simulateSearch(
  bounds: SearchBounds,
  passes: (value: number, run: number) => boolean,
): { observations: (SearchObservation & { phase: SearchPhase })[]; answer: SearchAnswer } {
  const observations: (SearchObservation & { phase: SearchPhase })[] = [];
  for (;;) {
    const step = nextSearchStep(bounds, observations);
    if (step.kind === "done") return { observations, answer: step.answer };
    const run = observations.filter((o) => o.value === step.value).length;
    observations.push({ value: step.value, pass: passes(step.value, run), phase: step.phase });
  }
}
