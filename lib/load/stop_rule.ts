/**
 * Warm-up and stop conditions, decided per send from its scheduled time and the sends so far.
 */

/**
 * Options for {@link createStopRule}; at least one of `durationMs` and `requests` is required,
 * unless `scheduleEnds` says the load's own schedule ends the run.
 */
export interface StopRuleOptions {
  /** Length of the measured window in ms, counted from measurement start; > 0. */
  durationMs?: number;
  /** Number of measured sends; a positive integer. Warm-up sends don't count. */
  requests?: number;
  /** Every send scheduled before this many ms from the origin is warm-up; ≥ 0. */
  warmupMs?: number;
  /** The first this-many sends are warm-up; a non-negative integer. */
  warmupRequests?: number;
  /**
   * True when the load ends by itself (an arrival shape's end: a rate function's null, the last
   * stage, the end of a trace), so neither `durationMs` nor `requests` is needed.
   */
  scheduleEnds?: boolean;
}

/** The decision for one prospective send. */
export type StopDecision = "warmup" | "measure" | "stop";

/** Stateful per-run rule; executors call `next` once per prospective send, in scheduling order. */
export interface StopRule {
  /**
   * Classifies the send scheduled at `scheduledAtMs` (ms from origin) and counts it unless the
   * answer is "stop". Once "stop" is returned, every later call returns "stop".
   */
  next(scheduledAtMs: number): StopDecision;
  /** When measurement started (ms from origin), or undefined while still warming up. */
  readonly measureStartMs: number | undefined;
  /** End of the measured window (start + durationMs) once measuring with a duration. */
  readonly measureEndMs: number | undefined;
  /** Warm-up sends counted so far. */
  readonly warmupSent: number;
  /** Measured sends counted so far. */
  readonly measuredSent: number;
  /**
   * True once no further send can be measured: the request budget is used up, or stop was
   * returned. Lets an executor end without waiting for another arrival.
   */
  readonly done: boolean;
}

/**
 * Creates the warm-up/stop rule of a run.
 *
 * Warm-up: the first `warmupRequests` sends, and every send scheduled before `warmupMs`, are
 * "warmup" (both must be satisfied to leave warm-up). Warm-up never resumes once measurement has
 * begun.
 *
 * Measurement starts at `warmupMs` (default 0, the origin) when the count-based warm-up, if any,
 * was already over before then; otherwise at the scheduled time of the first measured send.
 *
 * Stop: when `requests` measured sends have been made, or when a send's scheduled time is
 * ≥ measurement start + `durationMs` — whichever comes first. Giving neither is an error (the CLI
 * guarantees one) unless `scheduleEnds`: then the rule never stops, the schedule's end does.
 */
export function createStopRule(options: StopRuleOptions): StopRule {
  const { durationMs, requests } = options;
  const warmupMs = options.warmupMs ?? 0;
  const warmupRequests = options.warmupRequests ?? 0;
  const problems: string[] = [];
  if (durationMs === undefined && requests === undefined && !options.scheduleEnds) {
    problems.push("give durationMs or requests (or scheduleEnds)");
  }
  if (durationMs !== undefined && !(durationMs > 0)) {
    problems.push(`durationMs must be > 0 (got ${durationMs})`);
  }
  if (requests !== undefined && !(Number.isInteger(requests) && requests > 0)) {
    problems.push(`requests must be a positive integer (got ${requests})`);
  }
  if (!(warmupMs >= 0)) problems.push(`warmupMs must be ≥ 0 (got ${warmupMs})`);
  if (!(Number.isInteger(warmupRequests) && warmupRequests >= 0)) {
    problems.push(`warmupRequests must be a non-negative integer (got ${warmupRequests})`);
  }
  if (problems.length > 0) throw new RangeError(`createStopRule: ${problems.join("; ")}`);

  let warmupSent = 0;
  let measuredSent = 0;
  let measureStartMs: number | undefined;
  let stopped = false;
  // Scheduled time of the send that completed the count-based warm-up (-Infinity: none needed).
  let countWarmupDoneAt = warmupRequests === 0 ? -Infinity : Infinity;

  const next = (scheduledAtMs: number): StopDecision => {
    if (stopped) return "stop";
    if (measureStartMs === undefined) {
      if (warmupSent < warmupRequests || scheduledAtMs < warmupMs) {
        warmupSent++;
        if (warmupSent === warmupRequests) countWarmupDoneAt = scheduledAtMs;
        return "warmup";
      }
      measureStartMs = countWarmupDoneAt < warmupMs ? warmupMs : scheduledAtMs;
    }
    if (
      (requests !== undefined && measuredSent >= requests) ||
      (durationMs !== undefined && scheduledAtMs >= measureStartMs + durationMs)
    ) {
      stopped = true;
      return "stop";
    }
    measuredSent++;
    return "measure";
  };

  return {
    next,
    get measureStartMs() {
      return measureStartMs;
    },
    get measureEndMs() {
      return measureStartMs === undefined || durationMs === undefined
        ? undefined
        : measureStartMs + durationMs;
    },
    get warmupSent() {
      return warmupSent;
    },
    get measuredSent() {
      return measuredSent;
    },
    get done() {
      return stopped || (requests !== undefined && measuredSent >= requests);
    },
  };
}
