/**
 * `summary.csv`: the summary as one CSV row under a header whose column names are a stable
 * public contract ({@link SUMMARY_CSV_COLUMNS}), so rows from many runs (a sweep) can be
 * concatenated and loaded by name in a spreadsheet or pandas. Columns are only ever appended.
 */

import { stringify } from "csv-stringify/sync";
import { ERROR_KINDS } from "../../metrics/record.ts";
import { STAT_KEYS } from "../../metrics/stats.ts";
import { LATENCY_METRICS, type Summary } from "../../metrics/summary.ts";
import { round3 } from "./summary_json.ts";

/**
 * The fixed columns of `summary.csv`, in order (caller's extra columns come before them).
 * Numbers are rounded to 3 decimals; an unknown value (null) is an empty cell.
 *
 * - `load_mode`: `open` or `closed`.
 * - `requests_total`, `requests_ok`, `requests_failed`, `requests_dropped`, `requests_warmup`:
 *   request counts (total = measured = ok + failed + dropped; warm-up excluded from all else).
 * - `window_s`: measured window, earliest send/schedule to latest end, in s.
 * - `requests_per_s`, `output_tokens_per_s`, `total_tokens_per_s`: throughput of ok requests
 *   over the window (total = prompt + output tokens).
 * - `output_tokens_total`, `prompt_tokens_total`: token sums over ok requests.
 * - `output_tokens_source_usage`, `output_tokens_source_counted`: ok requests whose output count
 *   came from the server's usage / from counting stream events.
 * - `prompt_requested_mean`, `prompt_actual_mean`, `prompt_drift_pct`: mean requested and
 *   server-reported prompt tokens, and the drift between them in %.
 * - `<metric>_<stat>` for every metric in `ttft_ms, ttft_from_scheduled_ms, tpot_ms, itl_ms,
 *   e2e_ms, e2e_from_scheduled_ms, prefill_ms, decode_ms, send_lateness_ms` and every stat in
 *   `count, mean, min, max, p50, p90, p95, p99, p999` (e.g. `ttft_ms_p99`): latency statistics
 *   in ms (`count` is a number of samples).
 * - `output_tokens_source_tokenizer`, `output_tokens_source_estimate` (at the end): ok requests
 *   whose output count came from the local tokenizer / an estimate from the streamed text;
 *   `output_tokens_source`: summary.json's (`usage`, `tokenizer`, `estimate`, `counted`, `mixed`,
 *   empty without ok requests).
 * - `errors_<kind>` for every kind in `timeout, connect, http, stream, parse, cancelled`: how many
 *   sent measured requests failed that way (0 when none).
 * - Reasoning streams (at the end; empty cells when no request reasoned): `ttfat_ms_p50`,
 *   `ttfat_ms_p90`, `ttfat_ms_p99` (time to first answer token), `reasoning_requests`,
 *   `reasoning_tokens_total`, `answer_tokens_total`, `answer_tokens_per_s`.
 */
export const SUMMARY_CSV_COLUMNS: readonly string[] = [
  "load_mode",
  "requests_total",
  "requests_ok",
  "requests_failed",
  "requests_dropped",
  "requests_warmup",
  "window_s",
  "requests_per_s",
  "output_tokens_per_s",
  "total_tokens_per_s",
  "output_tokens_total",
  "prompt_tokens_total",
  "output_tokens_source_usage",
  "output_tokens_source_counted",
  "prompt_requested_mean",
  "prompt_actual_mean",
  "prompt_drift_pct",
  ...LATENCY_METRICS.flatMap((m) => STAT_KEYS.map((s) => `${m}_${s}`)),
  ...ERROR_KINDS.map((k) => `errors_${k}`),
  // Added later: at the end, so existing columns keep their positions.
  "requests_cancelled",
  "output_tokens_source_tokenizer",
  "output_tokens_source_estimate",
  "output_tokens_source",
  "ttfat_ms_p50",
  "ttfat_ms_p90",
  "ttfat_ms_p99",
  "reasoning_requests",
  "reasoning_tokens_total",
  "answer_tokens_total",
  "answer_tokens_per_s",
];

/** The value of every {@link SUMMARY_CSV_COLUMNS} column for `s`, by column name. */
function columnValues(s: Summary): Map<string, string | number | null> {
  const v = new Map<string, string | number | null>([
    ["load_mode", s.load_mode],
    ["requests_total", s.requests.total],
    ["requests_ok", s.requests.ok],
    ["requests_failed", s.requests.failed],
    ["requests_dropped", s.requests.dropped],
    ["requests_warmup", s.requests.warmup],
    ["window_s", s.throughput.window_s],
    ["requests_per_s", s.throughput.requests_per_s],
    ["output_tokens_per_s", s.throughput.output_tokens_per_s],
    ["total_tokens_per_s", s.throughput.total_tokens_per_s],
    ["output_tokens_total", s.tokens.output_total],
    ["prompt_tokens_total", s.tokens.prompt_total],
    ["output_tokens_source_usage", s.tokens.output_source.usage],
    ["output_tokens_source_counted", s.tokens.output_source.counted],
    ["prompt_requested_mean", s.tokens.prompt_requested_mean],
    ["prompt_actual_mean", s.tokens.prompt_actual_mean],
    ["prompt_drift_pct", s.tokens.prompt_drift_pct],
  ]);
  for (const m of LATENCY_METRICS) {
    for (const k of STAT_KEYS) v.set(`${m}_${k}`, s[m][k]);
  }
  for (const k of ERROR_KINDS) v.set(`errors_${k}`, s.errors[k]?.count ?? 0);
  v.set("requests_cancelled", s.requests.cancelled ?? 0);
  // Summaries written before these sources existed lack them.
  v.set("output_tokens_source_tokenizer", s.tokens.output_source.tokenizer ?? 0);
  v.set("output_tokens_source_estimate", s.tokens.output_source.estimate ?? 0);
  v.set("output_tokens_source", s.output_tokens_source ?? null);
  // Present only when some request reasoned; empty cells otherwise.
  v.set("ttfat_ms_p50", s.ttfat_ms?.p50 ?? null);
  v.set("ttfat_ms_p90", s.ttfat_ms?.p90 ?? null);
  v.set("ttfat_ms_p99", s.ttfat_ms?.p99 ?? null);
  v.set("reasoning_requests", s.tokens.reasoning_requests ?? null);
  v.set("reasoning_tokens_total", s.tokens.reasoning_total ?? null);
  v.set("answer_tokens_total", s.tokens.answer_total ?? null);
  v.set("answer_tokens_per_s", s.throughput.answer_tokens_per_s ?? null);
  return v;
}

function cell(x: string | number | null | undefined): string {
  if (x === null || x === undefined) return "";
  if (typeof x === "number") {
    const r = round3(x);
    return r === null ? "" : String(r);
  }
  return x;
}

/** Options of {@link summaryToCsv}. */
export interface SummaryToCsvOptions {
  /** Include the header line (default true); false gives just the row, to append to a sweep. */
  header?: boolean;
}

/**
 * Renders `summary` as `summary.csv` text: a header line and one row (CRLF-free, trailing
 * newline). `extra` columns (e.g. run_id, scenario, model, url) come first, in their insertion
 * order; an extra column may not reuse a fixed column's name.
 */
export function summaryToCsv(
  summary: Summary,
  extra: Record<string, string | number> = {},
  options: SummaryToCsvOptions = {},
): string {
  const extraNames = Object.keys(extra);
  const fixed = columnValues(summary);
  const clash = extraNames.filter((n) => fixed.has(n));
  if (clash.length > 0) {
    throw new Error(`summaryToCsv: extra column(s) ${clash.join(", ")} clash with fixed columns`);
  }
  const header = [...extraNames, ...SUMMARY_CSV_COLUMNS];
  const row = [
    ...extraNames.map((n) => cell(extra[n])),
    ...SUMMARY_CSV_COLUMNS.map((n) => cell(fixed.get(n))),
  ];
  return stringify(options.header === false ? [row] : [header, row]);
}
