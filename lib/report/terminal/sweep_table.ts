/**
 * The end-of-sweep terminal table: one row per point, the swept values first, then the
 * performance-analysis guide's figures (E2E latency mean/p50/p99/min/max, TTFT, TPOT, throughput,
 * errors, prompt drift). Pure: the Summaries' statistics are formatted, never recomputed.
 */

import type { Summary } from "../../metrics/summary.ts";
import { AXIS_LABEL, type SweepRow, type SweepValues } from "../sweep_row.ts";
import { formatMs } from "../format_ms.ts";

/** Options of {@link renderSweepTable}. */
export interface SweepTableOptions {
  /** The swept axes (keys of {@link SweepValues}), shown as the first columns. */
  axes: readonly (keyof SweepValues)[];
  title?: string;
}

function rate(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "-";
  return v.toFixed(Math.abs(v) < 10 ? 2 : 1);
}

const METRICS: readonly { label: string; cell: (s: Summary) => string }[] = [
  { label: "ok", cell: (s) => String(s.requests.ok) },
  { label: "errors", cell: (s) => String(s.requests.failed + s.requests.dropped) },
  { label: "latency mean", cell: (s) => formatMs(s.e2e_ms.mean) },
  { label: "p50", cell: (s) => formatMs(s.e2e_ms.p50) },
  { label: "p99", cell: (s) => formatMs(s.e2e_ms.p99) },
  { label: "min", cell: (s) => formatMs(s.e2e_ms.min) },
  { label: "max", cell: (s) => formatMs(s.e2e_ms.max) },
  { label: "TTFT mean", cell: (s) => formatMs(s.ttft_ms.mean) },
  { label: "TPOT p50", cell: (s) => formatMs(s.tpot_ms.p50) },
  { label: "req/s", cell: (s) => rate(s.throughput.requests_per_s) },
  { label: "out tok/s", cell: (s) => rate(s.throughput.output_tokens_per_s) },
  {
    label: "drift",
    cell: (s) => {
      const d = s.tokens.prompt_drift_pct;
      return d === null ? "-" : `${d >= 0 ? "+" : ""}${d.toFixed(1)}%`;
    },
  },
];

/**
 * Renders the sweep as an aligned table (no trailing newline). Latencies are end-to-end per
 * request, in ms; TTFT and TPOT in ms; throughput over each point's measured window.
 */
export function renderSweepTable(rows: readonly SweepRow[], options: SweepTableOptions): string {
  const hasLabel = rows.some((r) => r.label !== undefined);
  // The server's prefix-cache hit rate, only when some point read it from /metrics.
  const hasHits = rows.some((r) => r.prefixCacheHitRate != null);
  const hits = (r: SweepRow) =>
    r.prefixCacheHitRate == null ? "-" : `${Math.round(r.prefixCacheHitRate * 100)}%`;
  // Multi-turn sessions: mean TTFT of turn 1, 2, … in one cell, so the effect of a cached
  // history reads across the row.
  const hasTurns = rows.some((r) => (r.summary.by_turn?.length ?? 0) > 1);
  const turns = (r: SweepRow) =>
    r.summary.by_turn?.map((t) => formatMs(t.ttft_ms.mean)).join(" → ") ?? "-";
  const head = [
    "#",
    ...(hasLabel ? ["case"] : []),
    ...options.axes.map((a) => AXIS_LABEL[a]),
    ...METRICS.map((m) => m.label),
    ...(hasHits ? ["prefix hits"] : []),
    ...(hasTurns ? ["TTFT by turn"] : []),
  ];
  const body = rows.map((r) => [
    String(r.index),
    ...(hasLabel ? [r.label ?? ""] : []),
    ...options.axes.map((a) => (r.values[a] == null ? "-" : String(r.values[a]))),
    ...METRICS.map((m) => m.cell(r.summary)),
    ...(hasHits ? [hits(r)] : []),
    ...(hasTurns ? [turns(r)] : []),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((row) => row[j].length)));
  const textCols = hasLabel ? 2 : 1; // "#" and "case" read better left-aligned
  const line = (cells: string[]) =>
    cells.map((c, j) => (j < textCols ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ")
      .trimEnd();
  const out: string[] = [];
  if (options.title) out.push(options.title);
  out.push(line(head));
  out.push("-".repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1)));
  for (const row of body) out.push(line(row));
  out.push(
    "latency = end-to-end per request (ms); errors = failed + dropped; drift = prompt tokens " +
      "per usage vs requested",
  );
  return out.join("\n");
}
