/**
 * `llmload search --axis rate|concurrency --slo EXPR [search options] [run options]`: the
 * highest load that still meets the SLOs (lib/campaign/run_search.ts). The search's own flags are
 * taken out of the argument list here; everything else is an `llmload run` flag, parsed by
 * parseRunArgs with the axis flag (`--rate` or `--concurrency`) added, so every run flag works
 * and is checked the same way.
 */

import { formatDurationMs } from "../config/duration.ts";
import type { RunPlan } from "../config/run_plan.ts";
import { UsageError } from "../config/usage_error.ts";
import { parseGateList } from "../metrics/gate_expression.ts";
import type { SearchAxis, SearchBounds } from "../metrics/slo_search.ts";
import {
  DEFAULT_SEARCH_ATTAINMENT_PCT,
  DEFAULT_SEARCH_MAX_ERROR_RATE_PCT,
  type SearchCriteria,
} from "../metrics/search_point.ts";
import { parseRunArgs } from "./run_args.ts";
import { type FlagReaders, flagReaders } from "./flag_readers.ts";

/** The flags only `llmload search` has (each takes a value). */
export const SEARCH_FLAGS = [
  "axis",
  "min",
  "max",
  "start",
  "precision",
  "max-points",
  "attainment",
  "max-error-rate",
] as const;

/** Defaults of the search flags, per axis. */
export const SEARCH_DEFAULTS = {
  concurrency: { min: 1, max: 1024, precision: "1" },
  rate: { min: 1, max: 1000, precision: "5%" },
  maxPoints: 12,
} as const;

/** Run flags that set the load or the verdict the search owns. */
const NOT_WITH_SEARCH: Record<string, string> = {
  concurrency: "the search sets the concurrency (--axis concurrency with --min/--max/--start)",
  rate: "the search sets the rate (--axis rate with --min/--max/--start)",
  "rate-stages": "a search point runs at one constant load",
  "concurrency-stages": "a search point runs at one constant load",
  trace: "a search point runs at one constant load",
  "ramp-to": "a search point runs at one constant load",
  "ramp-over": "a search point runs at one constant load",
  "ramp-curve": "a search point runs at one constant load",
  baseline: "a search judges points by --slo, not against a baseline",
  "baseline-tolerance": "a search judges points by --slo, not against a baseline",
  junit: "a search writes search.json and search.csv, not JUnit",
  config: "give the target and workload as flags",
};

/** What `llmload search` was asked. */
export interface SearchArgs {
  plan: RunPlan;
  bounds: SearchBounds;
  criteria: SearchCriteria;
  /** `--precision` as given (or its default), for search.json. */
  precision: string;
  quiet: boolean;
  help: boolean;
}

/** Splits argv into the search's flags (`--axis rate`, `--axis=rate`) and the run's. */
function splitArgs(args: readonly string[]): { search: Map<string, string>; run: string[] } {
  const search = new Map<string, string>();
  const run: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    const name = m?.[1];
    if (name && (SEARCH_FLAGS as readonly string[]).includes(name)) {
      const value = m![2] ?? args[++i];
      search.set(name, value ?? "");
      continue;
    }
    run.push(a);
  }
  return { search, run };
}

/**
 * Parses `llmload search` arguments into a run plan, the search's bounds and its criteria.
 * Every problem (search flags and run flags alike) is listed in one UsageError.
 */
export function parseSearchArgs(
  args: string[],
  env: Record<string, string | undefined>,
): SearchArgs {
  if (args.includes("--help") || args.includes("-h")) {
    return { help: true } as SearchArgs;
  }
  const problems: string[] = [];
  const { search, run } = splitArgs(args);
  for (const a of run) {
    const name = /^--([a-z-]+)/.exec(a)?.[1];
    if (name && name in NOT_WITH_SEARCH) {
      problems.push(`--${name} cannot be used with llmload search: ${NOT_WITH_SEARCH[name]}`);
    }
  }
  const r = flagReaders(Object.fromEntries(search), problems);
  const { precisionText, ...bounds } = searchBounds(r, problems);
  const attainmentPct = percentFlag(r, "attainment", DEFAULT_SEARCH_ATTAINMENT_PCT);
  const maxErrorRatePct = percentFlag(r, "max-error-rate", DEFAULT_SEARCH_MAX_ERROR_RATE_PCT);

  // The run flags, with the axis's load flag at the start value so its checks apply.
  const axisFlag = bounds.axis === "rate"
    ? ["--rate", String(bounds.start)]
    : ["--concurrency", String(bounds.start)];
  let plan: RunPlan | undefined;
  let quiet = false;
  try {
    const parsed = parseRunArgs([...run, ...axisFlag], env);
    plan = parsed.plan;
    quiet = parsed.quiet;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    problems.push(
      ...e.problems.map((p) => p.replace("llmload run --help", "llmload search --help")),
    );
  }
  const gates = plan?.gates;
  const ignored: string[] = []; // the expressions were checked by parseRunArgs
  const slo = (gates?.slo ?? []).flatMap((s) => parseGateList(s, "--slo", ignored));
  const failOn = (gates?.failOn ?? []).flatMap((s) => parseGateList(s, "--fail-on", ignored));
  if (plan && (gates?.slo ?? []).length === 0) {
    problems.push(`llmload search needs at least one --slo, e.g. --slo "ttft.p99<=500ms"`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  return {
    plan: plan!,
    bounds: { ...bounds, axis: bounds.axis! },
    criteria: { slo, failOn, attainmentPct, maxErrorRatePct },
    precision: precisionText,
    quiet,
    help: false,
  };
}

/** `--axis`, `--min`, `--max`, `--start`, `--precision` and `--max-points`. */
function searchBounds(r: FlagReaders, problems: string[]) {
  const axisRaw = r.str("axis");
  let axis: SearchAxis | undefined;
  if (axisRaw === undefined) {
    problems.push(
      "--axis is required: --axis concurrency (closed loop) or --axis rate (open loop)",
    );
  } else if (axisRaw === "rate" || axisRaw === "concurrency") axis = axisRaw;
  else problems.push(`--axis must be rate or concurrency (got "${axisRaw}")`);
  const whole = axis === "concurrency";
  const load = (name: string, fallback: number) =>
    r.num(
      name,
      (n) => n > 0 && (!whole || Number.isInteger(n)),
      whole ? "a whole number of users > 0" : "a rate > 0 (requests/s)",
    ) ?? fallback;
  const defaults = SEARCH_DEFAULTS[axis ?? "concurrency"];
  const min = load("min", defaults.min);
  const max = load("max", defaults.max);
  const start = load("start", min);
  if (min > max) problems.push(`--min (${min}) must not be above --max (${max})`);
  else if (start < min || start > max) {
    problems.push(`--start (${start}) must lie between --min (${min}) and --max (${max})`);
  }
  const precisionText = r.str("precision") ?? defaults.precision;
  const relative = precisionText.trim().endsWith("%");
  const precisionValue = Number(precisionText.trim().replace(/%$/, ""));
  if (!(precisionText.trim() !== "" && Number.isFinite(precisionValue) && precisionValue > 0)) {
    problems.push(
      `--precision must be a load > 0 (e.g. 0.5) or a percentage of it (e.g. 5%) (got "${precisionText}")`,
    );
  }
  const maxPoints = r.int("max-points", 1) ?? SEARCH_DEFAULTS.maxPoints;
  return {
    axis,
    min,
    max,
    start,
    precision: { value: precisionValue, relative },
    maxPoints,
    precisionText: precisionText.trim(),
  };
}

/** `--attainment` and `--max-error-rate`: `90%` or `90`. */
function percentFlag(r: FlagReaders, name: string, fallback: number): number {
  return r.percent(
    name,
    (n) => n >= 0 && n <= 100,
    "a percentage from 0 to 100 such as 90%",
  ) ?? fallback;
}

/** The bound printed before the search starts: how many points, how long each, at most. */
export function searchBoundLine(parsed: SearchArgs): string {
  const { bounds, plan } = parsed;
  const unit = bounds.axis === "rate" ? "req/s" : bounds.start === 1 ? "user" : "users";
  const d = plan.stop.durationMs;
  const n = plan.stop.requests;
  const each = [d !== undefined ? formatDurationMs(d) : "", n !== undefined ? `${n} requests` : ""]
    .filter((s) => s).join(" or ");
  const warm = plan.warmup.durationMs !== undefined || plan.warmup.requests !== undefined
    ? " + warm-up"
    : "";
  const total = d !== undefined
    ? `; at most ${formatDurationMs(d * bounds.maxPoints)}${warm} of load`
    : "";
  return `search: ${bounds.axis} from ${bounds.start} ${unit} (range ${bounds.min}–${bounds.max}, ` +
    `precision ${parsed.precision}); at most ${bounds.maxPoints} points of ${each}${warm} each${total}`;
}
