/**
 * `sweep.csv`: one row per sweep point under a header that is a stable public contract
 * ({@link SWEEP_CSV_COLUMNS}; columns are only ever appended). Pure: values are taken from each
 * point's Summary, never recomputed.
 */

import { stringify } from "csv-stringify/sync";
import type { Summary } from "../../metrics/summary.ts";
import { round3 } from "./summary_json.ts";
import type { SweepRow } from "../sweep_row.ts";

/**
 * The columns of `sweep.csv`, in order. Numbers rounded to 3 decimals; unknown (null) is empty.
 *
 * - `point`: 1-based point index; `label`: the point's name, if any; `run_id`: its sub-run
 *   directory under the sweep directory.
 * - `concurrency` (closed loop), `rate` (open loop, requests/s), `max_in_flight`,
 *   `prompt_tokens`, `max_tokens`: the point's effective values (empty when not applicable).
 * - `requests_ok`, `requests_failed`, `requests_dropped`: measured request counts.
 * - `ttft_ms_mean|p50|p99`, `e2e_ms_mean|p50|p99|min|max`, `tpot_ms_p50`: latency in ms.
 * - `requests_per_s`, `output_tokens_per_s`: throughput of ok requests over the measured window.
 * - `prompt_drift_pct`: server-reported vs requested prompt tokens, in % (0 = exact lengths).
 * - `output_tokens` (output length shape as `--output-tokens` text, empty with a fixed
 *   `max_tokens`), `shared_prefix_tokens`, `temperature` (empty: the server's default): the
 *   point's effective values of the later sweep axes.
 * - `adapter_count`: LoRA adapters the point used (the `adapterCount` axis; empty otherwise).
 * - `gpu_memory_peak_mib`, `gpu_energy_j`: the point's GPU memory peak (summed over GPUs) and
 *   energy over its measured window (summary `gpu`; empty without GPU data).
 */
export const SWEEP_CSV_COLUMNS: readonly string[] = [
  "point",
  "label",
  "run_id",
  "concurrency",
  "rate",
  "max_in_flight",
  "prompt_tokens",
  "max_tokens",
  "requests_ok",
  "requests_failed",
  "requests_dropped",
  "ttft_ms_mean",
  "ttft_ms_p50",
  "ttft_ms_p99",
  "e2e_ms_mean",
  "e2e_ms_p50",
  "e2e_ms_p99",
  "e2e_ms_min",
  "e2e_ms_max",
  "tpot_ms_p50",
  "requests_per_s",
  "output_tokens_per_s",
  "prompt_drift_pct",
  // Appended columns (the ones above are a contract): later sweep axes.
  "output_tokens",
  "shared_prefix_tokens",
  "temperature",
  "adapter_count",
  // GPU telemetry (summary.gpu).
  "gpu_memory_peak_mib",
  "gpu_energy_j",
];

function cells(r: SweepRow): (string | number | null)[] {
  const s: Summary = r.summary;
  const v = r.values;
  return [
    r.index,
    r.label ?? "",
    r.runId,
    v.concurrency,
    v.rate,
    v.maxInFlight,
    v.promptTokens,
    v.maxTokens,
    s.requests.ok,
    s.requests.failed,
    s.requests.dropped,
    s.ttft_ms.mean,
    s.ttft_ms.p50,
    s.ttft_ms.p99,
    s.e2e_ms.mean,
    s.e2e_ms.p50,
    s.e2e_ms.p99,
    s.e2e_ms.min,
    s.e2e_ms.max,
    s.tpot_ms.p50,
    s.throughput.requests_per_s,
    s.throughput.output_tokens_per_s,
    s.tokens.prompt_drift_pct,
    v.outputTokens ?? null,
    v.sharedPrefixTokens ?? null,
    v.temperature ?? null,
    v.adapterCount ?? null,
    s.gpu?.memory_peak_mib ?? null,
    s.gpu?.energy_j ?? null,
  ];
}

function cell(x: string | number | null): string {
  if (x === null) return "";
  if (typeof x === "number") return String(round3(x) ?? "");
  return x;
}

/** Renders `sweep.csv` text: the header and one row per point (trailing newline). */
export function sweepToCsv(rows: readonly SweepRow[]): string {
  return stringify([[...SWEEP_CSV_COLUMNS], ...rows.map((r) => cells(r).map(cell))]);
}

/** What `sweep.json` records about the sweep as a whole. */
export interface SweepInfo {
  sweepId: string;
  scenario: string;
  axes: readonly string[];
  interrupted: boolean;
  /** The scenario's setup/teardown timings (run once for the whole sweep); absent without. */
  hooks?: unknown;
}

/**
 * Renders `sweep.json`: the sweep's identity, the scenario hooks' timings (`hooks`, null
 * without hooks), and every point's values and full summary.
 */
export function sweepToJson(rows: readonly SweepRow[], info: SweepInfo): string {
  const doc = {
    sweep_id: info.sweepId,
    scenario: info.scenario,
    axes: info.axes,
    interrupted: info.interrupted,
    hooks: info.hooks ?? null,
    points: rows.map((r) => ({
      point: r.index,
      label: r.label ?? null,
      run_id: r.runId,
      values: r.values,
      summary: r.summary,
      ...(r.verdict ? { verdict: r.verdict } : {}),
    })),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}
