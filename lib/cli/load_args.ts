import type { RateFunctionLike, RunPlan } from "../config/run_plan.ts";
import { parseStageList } from "../config/stage_list.ts";
import type { FlagReaders, FlagValues } from "./flag_readers.ts";

/** A rate function carried beside the flags (a scenario file's `load.rate`; not a flag). */
export interface CarriedRateFunction {
  fn: RateFunctionLike;
  /** Its source text, recorded in meta.json. */
  source: string;
}

/** Defaults of the open-loop flags (part of RUN_DEFAULTS). */
export const LOAD_DEFAULTS = { arrival: "poisson", burstiness: 1 } as const;

/** The `--duration`-style reader of `llmload run`: a duration > 0. */
export function runDuration(r: FlagReaders, name: string, fallback?: string): number | undefined {
  return r.duration(name, (ms) => ms > 0, "a duration like 500ms, 30s, 5m", fallback);
}

/** What the load flags resolved to. */
export interface LoadFlags {
  load: RunPlan["load"];
  /** An open loop (`--rate`, `--rate-stages`, `--trace`, a rate function). */
  open: boolean;
  /** An arrival shape or concurrency stages: the run ends itself, no default duration. */
  shaped: boolean;
  concurrency?: number;
  rate?: number;
  maxInFlight?: number;
}

/**
 * The load group (`--concurrency`, `--rate`, the arrival shapes, `--arrival`, `--ramp`, …),
 * checked as a whole; problems are appended to `problems`. `rateFunction` (from a scenario
 * file) makes the load an open loop shaped by that function.
 */
export function loadFlags(
  r: FlagReaders,
  values: FlagValues,
  problems: string[],
  rateFunction?: CarriedRateFunction,
): LoadFlags {
  const concurrency = r.posInt("concurrency");
  // 0 is a valid start for a ramp ("--rate 0 --ramp-to 20"), never a constant rate.
  const rate = r.num("rate", (n) => n >= 0, "a number > 0 (requests/s)");
  if (rate === 0 && r.str("ramp-to") === undefined) {
    problems.push(`--rate must be a number > 0 (requests/s) (got "0"); 0 only starts a --ramp-to`);
  }
  const shape = loadShape(r, values, problems, { rate, rateFunction });
  const open = rate !== undefined || shape.open !== undefined;
  loadConflicts(values, problems, { concurrency, rate, rateFunction });
  const arrival = r.oneOf(
    "arrival",
    ["constant", "poisson", "gamma"] as const,
    LOAD_DEFAULTS.arrival,
  );
  const burstiness = r.num("burstiness", (n) => n > 0, "a number > 0") ??
    LOAD_DEFAULTS.burstiness;
  const maxInFlight = r.posInt("max-in-flight");
  const rampMs = runDuration(r, "ramp");
  openLoopOnly(values, problems, { open, rampMs, arrival });
  const closedStages = shape.closedStages;
  return {
    load: open
      ? {
        mode: "open",
        ...(shape.open ? { shape: shape.open } : { rate: rate! }),
        arrival,
        burstiness,
        maxInFlight,
        queue: values.queue === true,
      }
      : closedStages
      ? { mode: "closed", stages: closedStages, rampMs }
      : { mode: "closed", concurrency: concurrency ?? 1, rampMs },
    open,
    shaped: shape.open !== undefined || closedStages !== undefined,
    concurrency,
    rate,
    maxInFlight,
  };
}

/** More than one load flag: a closed and an open loop, or two shapes. */
function loadConflicts(
  values: FlagValues,
  problems: string[],
  given: { concurrency?: number; rate?: number; rateFunction?: CarriedRateFunction },
): void {
  const loads = [
    given.rate !== undefined && "--rate",
    values["rate-stages"] !== undefined && "--rate-stages",
    values.trace !== undefined && "--trace",
    given.rateFunction !== undefined && "the scenario's rate function",
    given.concurrency !== undefined && "--concurrency",
    values["concurrency-stages"] !== undefined && "--concurrency-stages",
  ].filter((l): l is string => typeof l === "string");
  if (given.concurrency !== undefined && given.rate !== undefined) {
    problems.push(
      "--concurrency (closed loop) and --rate (open loop) cannot be combined; use --rate with --max-in-flight to cap concurrency",
    );
  } else if (loads.length > 1) {
    problems.push(`${loads.join(" and ")} cannot be combined: pick one load`);
  }
}

/** Open-loop flags without an open loop, `--ramp` with one, arrival flags with a trace. */
function openLoopOnly(
  values: FlagValues,
  problems: string[],
  load: { open: boolean; rampMs?: number; arrival: string },
): void {
  if (!load.open) {
    for (const flag of ["arrival", "burstiness", "max-in-flight", "queue"]) {
      if (values[flag] !== undefined) {
        problems.push(
          `--${flag} applies to open loop only: add --rate (or --rate-stages, --trace)`,
        );
      }
    }
  } else if (load.rampMs !== undefined) {
    problems.push(
      "--ramp applies to closed loop (--concurrency, --concurrency-stages) only; an open-loop ramp is --rate R --ramp-to R2 --ramp-over 60s",
    );
  }
  if (values.burstiness !== undefined && load.arrival !== "gamma") {
    problems.push("--burstiness needs --arrival gamma");
  }
  if (values.trace !== undefined) {
    for (const flag of ["arrival", "burstiness"]) {
      if (values[flag] !== undefined) {
        problems.push(`--${flag} does not apply to --trace: a trace gives the arrival times`);
      }
    }
  }
}

type OpenShape = Extract<RunPlan["load"], { mode: "open" }>["shape"];

/** The open-loop shape or closed-loop stages the flags ask for (undefined: none). */
interface LoadShape {
  open?: OpenShape;
  closedStages?: Extract<RunPlan["load"], { mode: "closed" }>["stages"];
}

/**
 * The arrival-shape flags, checked as a group; problems are appended to `problems`. A trace file
 * is only checked for existence here; its lines are read (and a malformed one rejected) by the
 * run, before anything is sent.
 */
function loadShape(
  r: FlagReaders,
  values: FlagValues,
  problems: string[],
  given: { rate: number | undefined; rateFunction?: CarriedRateFunction },
): LoadShape {
  if (r.str("ramp-to") === undefined) {
    for (const flag of ["ramp-over", "ramp-curve"]) {
      if (values[flag] !== undefined) problems.push(`--${flag} needs --ramp-to`);
    }
  }
  if (r.str("trace") === undefined) {
    for (const flag of ["trace-speed", "trace-time-unit", "trace-on-error", "trace-block-size"]) {
      if (values[flag] !== undefined) problems.push(`--${flag} needs --trace FILE`);
    }
  }
  const shape: LoadShape = {};
  const ramp = rampShape(r, problems, given.rate);
  if (ramp) shape.open = ramp;
  const rateStages = stagesFlag(r, problems, "rate-stages", false);
  if (rateStages) {
    shape.open = {
      kind: "stages",
      stages: rateStages.map((s) => ({ durationMs: s.durationMs, rate: s.value })),
    };
  }
  const userStages = stagesFlag(r, problems, "concurrency-stages", true);
  if (userStages) {
    shape.closedStages = userStages.map((s) => ({
      durationMs: s.durationMs,
      concurrency: s.value,
    }));
  }
  const trace = traceShape(r, problems);
  if (trace) shape.open = trace;
  if (given.rateFunction) shape.open = { kind: "function", ...given.rateFunction };
  return shape;
}

/** `--rate R --ramp-to R2 --ramp-over D [--ramp-curve C]`. */
function rampShape(
  r: FlagReaders,
  problems: string[],
  rate: number | undefined,
): OpenShape | undefined {
  const rampTo = r.str("ramp-to");
  if (rampTo === undefined) return undefined;
  const to = Number(rampTo);
  if (rampTo.trim() === "" || !(to >= 0) || !Number.isFinite(to)) {
    problems.push(`--ramp-to must be a number ≥ 0 (requests/s) (got "${rampTo}")`);
  }
  if (rate === undefined) problems.push("--ramp-to needs --rate (the rate the ramp starts from)");
  const over = r.str("ramp-over");
  const durationMs = runDuration(r, "ramp-over");
  if (over === undefined) problems.push("--ramp-to needs --ramp-over (e.g. --ramp-over 60s)");
  const curve = r.str("ramp-curve") ?? "linear";
  if (curve !== "linear" && curve !== "exponential") {
    problems.push(`--ramp-curve must be one of linear, exponential (got "${curve}")`);
  } else if (curve === "exponential" && (rate === 0 || to === 0)) {
    problems.push("--ramp-curve exponential needs --rate and --ramp-to both > 0");
  }
  if (rate === 0 && to === 0) problems.push("a ramp from 0 to 0 req/s sends nothing");
  if (rate === undefined || durationMs === undefined || !(to >= 0)) return undefined;
  return { kind: "ramp", from: rate, to, durationMs, curve: curve as "linear" | "exponential" };
}

/** `--rate-stages` or `--concurrency-stages`: `DURATION:VALUE,…`. */
function stagesFlag(r: FlagReaders, problems: string[], name: string, integer: boolean) {
  const raw = r.str(name);
  if (raw === undefined) return undefined;
  const parsed = parseStageList(raw, { integer });
  if ("problems" in parsed) {
    for (const p of parsed.problems) problems.push(`--${name}: ${p}`);
    return undefined;
  }
  if (parsed.stages.every((s) => s.value === 0)) {
    problems.push(`--${name}: every stage is 0, so nothing would be sent`);
    return undefined;
  }
  return parsed.stages;
}

/**
 * `--trace FILE [--trace-speed X] [--trace-time-unit U] [--trace-on-error E]
 * [--trace-block-size N]`.
 */
function traceShape(r: FlagReaders, problems: string[]): OpenShape | undefined {
  const trace = r.str("trace");
  if (trace === undefined) return undefined;
  try {
    if (!Deno.statSync(trace).isFile) throw new Error("not a file");
  } catch {
    problems.push(`--trace must be the path of a JSONL trace file (no file "${trace}")`);
  }
  const speedRaw = r.str("trace-speed");
  const speed = speedRaw === undefined ? 1 : Number(speedRaw);
  if (speedRaw !== undefined && (speedRaw.trim() === "" || !(speed > 0) || !isFinite(speed))) {
    problems.push(
      `--trace-speed must be a number > 0 (2 replays twice as fast) (got "${speedRaw}")`,
    );
  }
  const unit = r.str("trace-time-unit") ?? "ms";
  if (unit !== "ms" && unit !== "s") {
    problems.push(`--trace-time-unit must be one of ms, s (got "${unit}")`);
  }
  const onError = r.str("trace-on-error") ?? "fail";
  if (onError !== "skip" && onError !== "fail") {
    problems.push(`--trace-on-error must be one of skip, fail (got "${onError}")`);
  }
  const blockRaw = r.str("trace-block-size");
  const blockSize = blockRaw === undefined ? undefined : Number(blockRaw);
  if (blockRaw !== undefined && !(Number.isInteger(blockSize) && blockSize! > 0)) {
    problems.push(`--trace-block-size must be a whole number of tokens > 0 (got "${blockRaw}")`);
  }
  return {
    kind: "trace",
    path: trace,
    timeScale: speed,
    timeUnit: unit as "ms" | "s",
    onError: onError as "skip" | "fail",
    ...(blockSize !== undefined && { blockSize }),
  };
}
