/**
 * The maths of `--lora-mode compare`: the summaries of a baseline run (one multi-task adapter),
 * a multi-adapter run and optionally a base-model run (no adapter), made with the same prompts,
 * seed and schedule, turned into comparison rows with the improvement of each run over the
 * baseline. Pure; the JSON form (snake_case keys) is a contract like `summary.json`'s.
 *
 * Improvement, in %, of a run's value x over the baseline's b (positive = better):
 * - lower is better (latency, TTFT, TPOT): (b − x) / b × 100;
 * - higher is better (requests/s, output tokens/s, success rate): (x − b) / b × 100.
 * It is null when either value is null or b is 0 (no ratio to a zero baseline).
 */
import type { Stats } from "./stats.ts";
import type { Summary } from "./summary.ts";
import { adapterRequestCounts, type AdapterStats } from "./adapter_stats.ts";

/** The runs of a comparison, in the order reports show them; `baseline` is the reference. */
export const LORA_RUNS = ["baseline", "multi", "base"] as const;

/** One run of a comparison. */
export type LoraRunName = typeof LORA_RUNS[number];

/** Whether a smaller or a larger value of a metric is the better one. */
export type Better = "lower" | "higher";

/**
 * Units of comparison values: ms for latencies (reports may show seconds), rates, percent, and
 * for `llmload compare` GPU memory (MiB) and energy (Wh).
 */
export type ComparisonUnit = "ms" | "req/s" | "tok/s" | "%" | "MiB" | "Wh";

/** One compared metric. */
export interface ComparisonRow {
  /** Stable key, e.g. `e2e_ms_p95`, `requests_per_s`, `success_rate_pct`. */
  key: string;
  /** What reports call it, e.g. "P95 Latency". */
  label: string;
  unit: ComparisonUnit;
  better: Better;
  /** Each compared run's value (null when the run had no data for it). */
  values: Partial<Record<LoraRunName, number | null>>;
  /** Each non-baseline run's improvement over the baseline, in % (see the module doc). */
  improvement_pct: Partial<Record<Exclude<LoraRunName, "baseline">, number | null>>;
}

/** Request statistics of one compared run. */
export interface RunRequestStats {
  /** Measured requests: ok + failed + dropped. */
  total: number;
  ok: number;
  failed: number;
  dropped: number;
  /** Measured window, s (the seed's "Total Duration"); null when there was none. */
  duration_s: number | null;
  /** ok / total × 100; null when no request was measured. */
  success_rate_pct: number | null;
}

/** A full comparison; its JSON form is what `comparison.json` holds. */
export interface LoraComparison {
  /** The run improvements are measured against. */
  reference: "baseline";
  /** Compared runs, in report order. */
  runs: LoraRunName[];
  metrics: ComparisonRow[];
  requests: Partial<Record<LoraRunName, RunRequestStats>>;
  /** Measured requests per adapter, for each run whose adapter statistics were given. */
  adapters: Partial<Record<LoraRunName, Record<string, number>>>;
}

/** One run handed to {@link compareLoraRuns}. */
export interface ComparedRun {
  summary: Summary;
  /** Its per-adapter statistics, for the per-adapter request counts. */
  adapters?: readonly AdapterStats[];
}

/** The improvement of `value` over `reference` in % (see the module doc); null when undefined. */
export function improvementPct(
  reference: number | null,
  value: number | null,
  better: Better,
): number | null {
  if (reference === null || value === null || reference === 0) return null;
  if (!Number.isFinite(reference) || !Number.isFinite(value)) return null;
  const pct = (better === "lower" ? reference - value : value - reference) / reference * 100;
  return pct === 0 ? 0 : pct; // never -0
}

/** The success rate of a summary, in %: ok / measured; null when nothing was measured. */
export function successRatePct(summary: Summary): number | null {
  const total = summary.requests.total;
  return total > 0 ? summary.requests.ok / total * 100 : null;
}

type LatencyKey = "e2e_ms" | "ttft_ms" | "tpot_ms";
const LATENCY_ROWS: readonly { metric: LatencyKey; name: string }[] = [
  { metric: "e2e_ms", name: "Latency" },
  { metric: "ttft_ms", name: "TTFT" },
  { metric: "tpot_ms", name: "TPOT" },
];
const LATENCY_STATS: readonly { stat: keyof Stats; name: string }[] = [
  { stat: "mean", name: "Mean" },
  { stat: "p50", name: "P50" },
  { stat: "p95", name: "P95" },
  { stat: "p99", name: "P99" },
];

/** How one compared metric is read from a summary (rows of {@link COMPARISON_ROWS}). */
export interface RowSpec {
  key: string;
  label: string;
  unit: ComparisonUnit;
  better: Better;
  value(s: Summary): number | null;
}

/**
 * The compared metrics, in report order: mean/p50/p95/p99 of E2E latency, TTFT and TPOT (ms),
 * then requests/s, output tokens/s (the seed's "Tokens/sec") and success rate.
 */
export const COMPARISON_ROWS: readonly RowSpec[] = [
  ...LATENCY_ROWS.flatMap(({ metric, name }) =>
    LATENCY_STATS.map(({ stat, name: statName }): RowSpec => ({
      key: `${metric}_${stat}`,
      label: `${statName} ${name}`,
      unit: "ms",
      better: "lower",
      value: (s) => s[metric][stat],
    }))
  ),
  {
    key: "requests_per_s",
    label: "Requests/sec",
    unit: "req/s",
    better: "higher",
    value: (s) => s.throughput.requests_per_s,
  },
  {
    key: "output_tokens_per_s",
    label: "Tokens/sec",
    unit: "tok/s",
    better: "higher",
    value: (s) => s.throughput.output_tokens_per_s,
  },
  {
    key: "success_rate_pct",
    label: "Success Rate",
    unit: "%",
    better: "higher",
    value: successRatePct,
  },
];

/**
 * Compares the runs (baseline and multi required, base optional): every row of
 * {@link COMPARISON_ROWS} with each run's value and its improvement over the baseline, request
 * statistics per run, and per-adapter request counts for runs whose adapter statistics are given.
 */
export function compareLoraRuns(
  runs: { baseline: ComparedRun; multi: ComparedRun; base?: ComparedRun },
): LoraComparison {
  const names = LORA_RUNS.filter((n) => runs[n] !== undefined);
  const ref = runs.baseline.summary;
  const metrics = COMPARISON_ROWS.map((spec): ComparisonRow => {
    const values: ComparisonRow["values"] = {};
    const improvement: ComparisonRow["improvement_pct"] = {};
    const b = spec.value(ref);
    for (const n of names) {
      const v = spec.value(runs[n]!.summary);
      values[n] = v;
      if (n !== "baseline") improvement[n] = improvementPct(b, v, spec.better);
    }
    return {
      key: spec.key,
      label: spec.label,
      unit: spec.unit,
      better: spec.better,
      values,
      improvement_pct: improvement,
    };
  });
  const requests: LoraComparison["requests"] = {};
  const adapters: LoraComparison["adapters"] = {};
  for (const n of names) {
    const run = runs[n]!;
    const r = run.summary.requests;
    requests[n] = {
      total: r.total,
      ok: r.ok,
      failed: r.failed,
      dropped: r.dropped,
      duration_s: run.summary.throughput.window_s,
      success_rate_pct: successRatePct(run.summary),
    };
    if (run.adapters) adapters[n] = adapterRequestCounts(run.adapters);
  }
  return { reference: "baseline", runs: names, metrics, requests, adapters };
}
