/**
 * Run history: one flat record per finished run (a line of `<results root>/history.jsonl`), and
 * the trend over those records (each run against the previous run of the same series). Pure:
 * parsed JSON in, records and trend rows out; the files are read and written in lib/run.
 */

/** What a history record belongs to when it is not a run of its own. */
export interface HistoryParent {
  /** A sweep point, one run of a `--lora-mode compare`, or one point of an `llmload search`. */
  kind: "sweep" | "lora-compare" | "search";
  /** The sweep's (or compare's) directory name under the results root. */
  id: string;
  /** 1-based point number in a sweep; absent for a compared run. */
  index?: number;
  /** The point's label (`concurrency=8`, a scenario's case label) or the compared run's name. */
  label: string;
}

/**
 * One line of `history.jsonl`. Flat on purpose (jq, CSV, a spreadsheet): every metric is a
 * top-level number or null. Latencies in ms, rates per second, `error_rate_pct` in percent.
 */
export interface HistoryRecord {
  /** Format version of the line; bumped only if a key changes meaning. */
  v: 1;
  /** The run's start (meta.json `started_at`), ISO 8601 UTC. */
  time: string;
  ended_at: string | null;
  /** Scenario name (built-in, file or `--config` workload); null for a flags-only run. */
  scenario: string | null;
  /** The series' target: `sim` for `--target sim` (its port changes every run), else the URL. */
  target: string;
  /** The URL the run actually talked to. */
  url: string;
  model: string;
  run_id: string;
  /** Run directory relative to the directory holding history.jsonl. */
  run_dir: string;
  parent: HistoryParent | null;
  interrupted: boolean;
  requests_total: number;
  requests_ok: number;
  requests_failed: number;
  requests_dropped: number;
  /** Requests llmload itself stopped (Ctrl-C, --max-runtime): not failures. Absent in old lines. */
  requests_cancelled?: number;
  /** failed / (ok + failed) × 100: the share of sent measured requests that failed. */
  error_rate_pct: number | null;
  ttft_p50_ms: number | null;
  ttft_p99_ms: number | null;
  tpot_p50_ms: number | null;
  tpot_p99_ms: number | null;
  e2e_p50_ms: number | null;
  e2e_p99_ms: number | null;
  requests_per_s: number | null;
  output_tokens_per_s: number | null;
  /** Requests/s that met every per-request SLO (verdict.json `slo`); null without SLOs. */
  goodput_rps: number | null;
  slo_attainment_pct: number | null;
  gpu_memory_peak_mib: number | null;
  gpu_energy_j: number | null;
  /** verdict.json's verdict; null when the run wrote none. */
  verdict: "pass" | "fail" | "interrupted" | null;
  verdict_reasons: string[];
}

/** A metric of the record that trends are computed for, in display order. */
export interface HistoryMetric {
  key: keyof HistoryRecord & string;
  label: string;
  unit: string;
  /** Which way is better, so a change can be called a regression or an improvement. */
  better: "lower" | "higher";
}

/** The metrics shown in trend tables, charted on the history page and exported to Prometheus. */
export const HISTORY_METRICS: readonly HistoryMetric[] = [
  { key: "error_rate_pct", label: "errors %", unit: "%", better: "lower" },
  { key: "ttft_p50_ms", label: "TTFT p50", unit: "ms", better: "lower" },
  { key: "ttft_p99_ms", label: "TTFT p99", unit: "ms", better: "lower" },
  { key: "tpot_p50_ms", label: "TPOT p50", unit: "ms", better: "lower" },
  { key: "tpot_p99_ms", label: "TPOT p99", unit: "ms", better: "lower" },
  { key: "e2e_p50_ms", label: "E2E p50", unit: "ms", better: "lower" },
  { key: "e2e_p99_ms", label: "E2E p99", unit: "ms", better: "lower" },
  { key: "requests_per_s", label: "req/s", unit: "req/s", better: "higher" },
  { key: "output_tokens_per_s", label: "out tok/s", unit: "tok/s", better: "higher" },
  { key: "goodput_rps", label: "goodput req/s", unit: "req/s", better: "higher" },
  { key: "gpu_memory_peak_mib", label: "VRAM peak MiB", unit: "MiB", better: "lower" },
  { key: "gpu_energy_j", label: "energy J", unit: "J", better: "lower" },
];

type Json = Record<string, unknown>;

const obj = (v: unknown): Json =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? v as Json : {};
const num = (v: unknown): number | null => typeof v === "number" && Number.isFinite(v) ? v : null;
const str = (v: unknown): string | null => typeof v === "string" ? v : null;

/**
 * The history record of one run from its files as parsed JSON: `summary` (summary.json), `meta`
 * (meta.json) and `verdict` (verdict.json, or null when the run has none). Missing keys become
 * null, so older runs and runs without GPU data or gates still make a record.
 */
export function historyRecord(
  files: { summary: unknown; meta: unknown; verdict: unknown },
  run: { runDir: string; scenario?: string | null; parent?: HistoryParent | null },
): HistoryRecord {
  const summary = obj(files.summary);
  const meta = obj(files.meta);
  const verdict = files.verdict === null ? null : obj(files.verdict);
  const target = obj(meta.target);
  const requests = obj(summary.requests);
  const throughput = obj(summary.throughput);
  const gpu = obj(summary.gpu);
  const slo = obj(verdict?.slo ?? summary.slo);
  const stat = (key: string, p: string) => num(obj(summary[key])[p]);
  const ok = num(requests.ok) ?? 0;
  const failed = num(requests.failed) ?? 0;
  const url = str(target.url) ?? "";
  const v = verdict ? str(verdict.verdict) : null;
  return {
    v: 1,
    time: str(meta.started_at) ?? "",
    ended_at: str(meta.ended_at),
    scenario: run.scenario ?? null,
    target: target.sim === true ? "sim" : url,
    url,
    model: str(target.model) ?? "",
    run_id: str(meta.run_id) ?? "",
    run_dir: run.runDir,
    parent: run.parent ?? null,
    interrupted: meta.interrupted === true,
    requests_total: num(requests.total) ?? 0,
    requests_ok: ok,
    requests_failed: failed,
    requests_dropped: num(requests.dropped) ?? 0,
    requests_cancelled: num(requests.cancelled) ?? 0,
    error_rate_pct: ok + failed > 0 ? (failed / (ok + failed)) * 100 : null,
    ttft_p50_ms: stat("ttft_ms", "p50"),
    ttft_p99_ms: stat("ttft_ms", "p99"),
    tpot_p50_ms: stat("tpot_ms", "p50"),
    tpot_p99_ms: stat("tpot_ms", "p99"),
    e2e_p50_ms: stat("e2e_ms", "p50"),
    e2e_p99_ms: stat("e2e_ms", "p99"),
    requests_per_s: num(throughput.requests_per_s),
    output_tokens_per_s: num(throughput.output_tokens_per_s),
    goodput_rps: num(slo.goodput_rps) ?? num(summary.goodput_rps),
    slo_attainment_pct: num(slo.attainment_pct),
    gpu_memory_peak_mib: num(gpu.memory_peak_mib),
    gpu_energy_j: num(gpu.energy_j),
    verdict: v === "pass" || v === "fail" || v === "interrupted" ? v : null,
    verdict_reasons: Array.isArray(verdict?.reasons)
      ? (verdict.reasons as unknown[]).filter((r): r is string => typeof r === "string")
      : [],
  };
}

/**
 * The series a record belongs to: the same scenario against the same target (and the same sweep
 * point or compared run). Trends compare a run only with earlier runs of its own series.
 */
export function seriesKey(r: HistoryRecord): string {
  return JSON.stringify([r.scenario, r.target, r.parent?.label ?? null]);
}

/** A readable series name: `nightly @ http://gpu:8000/v1 · concurrency=8`. */
export function seriesName(r: HistoryRecord): string {
  const point = r.parent ? ` · ${r.parent.label}` : "";
  return `${r.scenario ?? "(flags)"} @ ${r.target}${point}`;
}

/** Which records a trend shows (every filter optional). */
export interface HistoryFilter {
  scenario?: string;
  /** Matches `target` (`sim` or the URL, trailing slashes ignored). */
  target?: string;
  /** Keep the last N records (after the other filters). */
  last?: number;
}

/** Records matching `filter`, oldest first (by start time; file order breaks ties). */
export function filterHistory(
  records: readonly HistoryRecord[],
  filter: HistoryFilter = {},
): HistoryRecord[] {
  const trim = (u: string) => u.replace(/\/+$/, "");
  const kept = records
    .map((r, i) => ({ r, i }))
    .filter(({ r }) =>
      (filter.scenario === undefined || r.scenario === filter.scenario) &&
      (filter.target === undefined || trim(r.target) === trim(filter.target))
    )
    .sort((a, b) => a.r.time < b.r.time ? -1 : a.r.time > b.r.time ? 1 : a.i - b.i)
    .map(({ r }) => r);
  return filter.last === undefined ? kept : kept.slice(Math.max(0, kept.length - filter.last));
}

/** One metric of one trend row: its value and its change against the series' previous run. */
export interface TrendCell {
  value: number | null;
  /** (value − previous) / previous × 100; null for the first run of a series or no value. */
  change_pct: number | null;
  /** The change is in the metric's worse direction. */
  worse: boolean;
}

/** One row of a trend: the record, and every {@link HISTORY_METRICS} metric with its change. */
export interface TrendRow {
  record: HistoryRecord;
  series: string;
  /** The series' previous run (null: this is its first in the rows). */
  previous: string | null;
  cells: Record<string, TrendCell>;
  /** The run's gates failed (verdict `fail`): a regression to show loudly. */
  failed: boolean;
}

/**
 * The trend of `records` (already filtered, oldest first): every row's metrics with their change
 * against the previous row of the same series. A previous value of 0 gives no percentage (it
 * would be infinite), nor does a missing value on either side.
 */
export function historyTrend(records: readonly HistoryRecord[]): TrendRow[] {
  const last = new Map<string, HistoryRecord>();
  return records.map((r) => {
    const key = seriesKey(r);
    const prev = last.get(key) ?? null;
    last.set(key, r);
    const cells: Record<string, TrendCell> = {};
    for (const m of HISTORY_METRICS) {
      const value = r[m.key] as number | null;
      const before = prev ? prev[m.key] as number | null : null;
      const change = value !== null && before !== null && before !== 0
        ? ((value - before) / Math.abs(before)) * 100
        : null;
      const worse = change !== null && (m.better === "lower" ? change > 0 : change < 0);
      cells[m.key] = { value, change_pct: change, worse };
    }
    return {
      record: r,
      series: seriesName(r),
      previous: prev?.run_id ?? null,
      cells,
      failed: r.verdict === "fail",
    };
  });
}

/**
 * Parses history.jsonl text: one record per line. A line that is not a JSON object (a torn
 * line from a disk that filled up, a hand edit) is skipped and reported by line number, never
 * fatal: the rest of the history stays readable.
 */
export function parseHistory(text: string): { records: HistoryRecord[]; skipped: number[] } {
  const records: HistoryRecord[] = [];
  const skipped: number[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line);
      if (r === null || typeof r !== "object" || typeof r.run_id !== "string") throw 0;
      records.push({ parent: null, verdict: null, verdict_reasons: [], ...r });
    } catch {
      skipped.push(i + 1);
    }
  }
  return { records, skipped };
}
