/**
 * The maths of `llmload compare <run-a> <run-b> …`: the same metrics aligned across any number
 * of runs, each non-first run's change against the first (the baseline). Improvement, the
 * direction of each metric and the LoRA compare's rows come from lora_comparison.ts (one copy of
 * that maths); this adds ITL, GPU memory and energy rows, N runs, and run-to-run noise.
 *
 * Noise rule: runs are repeats of one another when they share a repeat key (the CLI uses
 * meta.json `tags.label`, else the command line without `--out` plus the run's load and request
 * settings). For each metric, the spread of a repeat group is (max − min) / min × 100 over its
 * runs (over the smallest value, so the change between any two runs of the group, measured
 * against either, lies within it); the metric's noise band is the largest spread of any group
 * with two or more runs. A run's change is "within noise" when
 * |change| ≤ that band. Without repeats there is no band and `within_noise` is null: unknown,
 * never assumed significant.
 */
import type { Summary } from "./summary.ts";
import {
  type Better,
  COMPARISON_ROWS,
  type ComparisonUnit,
  improvementPct,
  type RowSpec,
  type RunRequestStats,
  successRatePct,
} from "./lora_comparison.ts";

/** One run handed to {@link compareRuns}. */
export interface RunToCompare {
  name: string;
  summary: Summary;
  /** Runs sharing a key are repeats (see the module doc); absent: a run of its own. */
  repeatKey?: string;
  /** GPU figures from gpu.csv; absent without GPU data. */
  gpu?: { memoryPeakMiB: number | null; energyWh: number | null };
}

/** One metric across the runs; arrays are parallel to {@link RunsComparison.runs}. */
export interface RunsComparisonRow {
  key: string;
  label: string;
  unit: ComparisonUnit;
  better: Better;
  values: (number | null)[];
  /** (x − baseline) / baseline × 100, signed as the raw change; null for the baseline. */
  change_pct: (number | null)[];
  /** The change with the metric's direction: positive = better (lora_comparison's maths). */
  improvement_pct: (number | null)[];
  /** Largest repeat-group spread, %; null without repeats. */
  noise_pct: number | null;
  /** |change| ≤ noise band; null for the baseline or without a band. */
  within_noise: (boolean | null)[];
}

/** The full comparison; its JSON form is `comparison.json`'s `metrics`/`runs`/`requests`. */
export interface RunsComparison {
  runs: { name: string; repeat_key: string | null }[];
  metrics: RunsComparisonRow[];
  requests: RunRequestStats[];
  /** Number of repeat groups (two or more runs sharing a key) the noise bands come from. */
  repeat_groups: number;
}

/** Row specs that read more than a summary (GPU figures). */
interface RunRowSpec {
  key: string;
  label: string;
  unit: ComparisonUnit;
  better: Better;
  value(run: RunToCompare): number | null;
}

const fromSummary = (spec: RowSpec): RunRowSpec => ({
  ...spec,
  value: (run) => spec.value(run.summary),
});

const ITL_ROWS: RunRowSpec[] = (["mean", "p50", "p95", "p99"] as const).map((stat) => ({
  key: `itl_ms_${stat}`,
  label: `${stat === "mean" ? "Mean" : stat.toUpperCase()} ITL`,
  unit: "ms",
  better: "lower",
  value: (run) => run.summary.itl_ms[stat],
}));

/**
 * Compared metrics in report order: E2E/TTFT/TPOT mean/p50/p95/p99 (the LoRA compare's rows),
 * ITL mean/p50/p95/p99, requests/s, output tokens/s, success rate, and GPU memory peak and
 * energy (only when some run has GPU data).
 */
export function runsComparisonRows(runs: readonly RunToCompare[]): RunRowSpec[] {
  const latency = COMPARISON_ROWS.filter((r) => r.unit === "ms").map(fromSummary);
  const rest = COMPARISON_ROWS.filter((r) => r.unit !== "ms").map(fromSummary);
  const rows = [...latency, ...ITL_ROWS, ...rest];
  if (runs.some((r) => r.gpu)) {
    rows.push(
      {
        key: "gpu_memory_peak_mib",
        label: "GPU Memory Peak",
        unit: "MiB",
        better: "lower",
        value: (r) => r.gpu?.memoryPeakMiB ?? null,
      },
      {
        key: "gpu_energy_wh",
        label: "GPU Energy",
        unit: "Wh",
        better: "lower",
        value: (r) => r.gpu?.energyWh ?? null,
      },
    );
  }
  return rows;
}

/** Raw change in % of `value` over `reference`; null when undefined (as improvementPct). */
function changePct(reference: number | null, value: number | null): number | null {
  const up = improvementPct(reference, value, "higher");
  return up;
}

/** Compares two or more runs; `runs[0]` is the baseline. */
export function compareRuns(runs: readonly RunToCompare[]): RunsComparison {
  if (runs.length < 2) throw new Error("compareRuns: need at least two runs");
  const groups = new Map<string, number[]>();
  runs.forEach((r, i) => {
    if (r.repeatKey === undefined) return;
    groups.set(r.repeatKey, [...(groups.get(r.repeatKey) ?? []), i]);
  });
  const repeats = [...groups.values()].filter((g) => g.length >= 2);
  const metrics = runsComparisonRows(runs).map((spec): RunsComparisonRow => {
    const values = runs.map((r) => spec.value(r));
    let noise: number | null = null;
    for (const g of repeats) {
      const vs = g.map((i) => values[i]);
      if (vs.some((v) => v === null)) continue;
      const nums = vs as number[];
      const min = Math.min(...nums);
      if (min === 0) continue;
      const spread = (Math.max(...nums) - min) / Math.abs(min) * 100;
      noise = Math.max(noise ?? 0, spread);
    }
    const change = values.map((v, i) => (i === 0 ? null : changePct(values[0], v)));
    return {
      key: spec.key,
      label: spec.label,
      unit: spec.unit,
      better: spec.better,
      values,
      change_pct: change,
      improvement_pct: values.map((v, i) =>
        i === 0 ? null : improvementPct(values[0], v, spec.better)
      ),
      noise_pct: noise,
      // 1e-9: a repeat's change equals the band exactly, up to floating-point rounding.
      within_noise: change.map((c) =>
        c === null || noise === null ? null : Math.abs(c) <= noise + 1e-9
      ),
    };
  });
  return {
    runs: runs.map((r) => ({ name: r.name, repeat_key: r.repeatKey ?? null })),
    metrics,
    requests: runs.map(({ summary: s }) => ({
      total: s.requests.total,
      ok: s.requests.ok,
      failed: s.requests.failed,
      dropped: s.requests.dropped,
      duration_s: s.throughput.window_s,
      success_rate_pct: successRatePct(s),
    })),
    repeat_groups: repeats.length,
  };
}
