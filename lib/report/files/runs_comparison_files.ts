/** `llmload compare` as `comparison.csv` and `comparison.json`. Pure. */

import { stringify } from "csv-stringify/sync";
import type { RunsComparison } from "../../metrics/runs_comparison.ts";
import { round3, summaryToJson } from "./summary_json.ts";

/**
 * `comparison.csv` columns, a stable contract (only ever appended): one row per metric and run,
 * long format so any number of runs fits one header. `metric` (stable key, e.g. `e2e_ms_p95`),
 * `label`, `unit` (ms, req/s, tok/s, %, MiB, Wh), `better` (lower|higher), `run_index` (0 =
 * baseline), `run`, `value`, `change_pct` (signed raw change vs the baseline), `improvement_pct`
 * (positive = better), `noise_pct` (empty without repeats), `within_noise` (true/false, empty
 * when unknown or for the baseline). Numbers to 3 decimals; unknown is empty.
 */
export const COMPARISON_CSV_COLUMNS: readonly string[] = [
  "metric",
  "label",
  "unit",
  "better",
  "run_index",
  "run",
  "value",
  "change_pct",
  "improvement_pct",
  "noise_pct",
  "within_noise",
];

const cell = (v: number | boolean | string | null): string =>
  v === null ? "" : typeof v === "number" ? String(round3(v) ?? "") : String(v);

/** Renders `comparison.csv` (header + rows, trailing newline). */
export function runsComparisonToCsv(c: RunsComparison): string {
  const rows = c.metrics.flatMap((m) =>
    c.runs.map((r, i) =>
      [
        m.key,
        m.label,
        m.unit,
        m.better,
        i,
        r.name,
        m.values[i],
        m.change_pct[i],
        m.improvement_pct[i],
        m.noise_pct,
        m.within_noise[i],
      ].map(cell)
    )
  );
  return stringify([[...COMPARISON_CSV_COLUMNS], ...rows]);
}

/**
 * `comparison.json`: `kind: "runs"`, `runs[]` of `{name, run_id, dir, repeat_key}` (dir as given
 * on the command line, so `llmload report` can reload them), then `metrics`, `requests` and
 * `repeat_groups` as {@link RunsComparison}; numbers to 3 decimals.
 */
export function runsComparisonToJson(
  c: RunsComparison,
  runs: readonly { runId: string; dir: string }[],
): string {
  return summaryToJson({
    kind: "runs",
    runs: c.runs.map((r, i) => ({
      name: r.name,
      run_id: runs[i].runId,
      dir: runs[i].dir,
      repeat_key: r.repeat_key,
    })),
    metrics: c.metrics,
    requests: c.requests,
    repeat_groups: c.repeat_groups,
  });
}
