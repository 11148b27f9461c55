/**
 * `llmload history` trend as text cells, shared by the terminal table and Markdown: one row per
 * run, oldest first, each metric with its change against the previous run of the same series;
 * runs whose gates failed are marked `FAIL`. Pure: trend rows in, text out; the changes come
 * from lib/metrics/run_history.ts.
 */

import { HISTORY_METRICS, type HistoryMetric, type TrendRow } from "../metrics/run_history.ts";

/** A number at a precision that suits its size: 0.042, 7.31, 152.3, 12345. */
function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "-";
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return v.toFixed(a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3);
}

/** `+4.1%`, `-12.0%`; empty without a change. */
export function formatChange(pct: number | null): string {
  if (pct === null) return "";
  const s = pct.toFixed(1);
  if (Number(s) === 0) return "±0.0%";
  return `${pct > 0 ? "+" : ""}${s}%`;
}

/** The metrics worth a column: those with a value in at least one row. */
function shownMetrics(rows: readonly TrendRow[]): HistoryMetric[] {
  return HISTORY_METRICS.filter((m) => rows.some((r) => r.cells[m.key].value !== null));
}

function verdictText(row: TrendRow): string {
  if (row.record.verdict === "fail") return "FAIL";
  if (row.record.verdict === "pass") return "pass";
  return row.record.interrupted ? "interrupted" : "-";
}

/** Time as `2026-11-27 03:00` (UTC): minutes are enough to tell nightly runs apart. */
function shortTime(iso: string): string {
  return iso.length >= 16 ? iso.slice(0, 10) + " " + iso.slice(11, 16) : iso;
}

/** Header and text cells shared by the terminal and Markdown tables. */
export function historyCells(rows: readonly TrendRow[]): { head: string[]; body: string[][] } {
  const metrics = shownMetrics(rows);
  const manySeries = new Set(rows.map((r) => r.series)).size > 1;
  const head = [
    "time (UTC)",
    ...(manySeries ? ["series"] : []),
    "verdict",
    "ok/failed",
    ...metrics.map((m) => `${m.label} (Δ)`),
    "run",
  ];
  const body = rows.map((r) => [
    shortTime(r.record.time),
    ...(manySeries ? [r.series] : []),
    verdictText(r),
    `${r.record.requests_ok}/${r.record.requests_failed}`,
    ...metrics.map((m) => {
      const c = r.cells[m.key];
      const change = formatChange(c.change_pct);
      return change ? `${fmt(c.value)} ${change}` : fmt(c.value);
    }),
    r.record.run_dir,
  ]);
  return { head, body };
}

/** The note under a trend: how to read Δ and what FAIL means. */
export function historyLegend(rows: readonly TrendRow[]): string {
  const failed = rows.filter((r) => r.failed).length;
  return `Δ = change against the previous run of the same series (scenario, target, sweep point). ` +
    `FAIL = the run's gates or baseline check failed (verdict.json)` +
    (failed ? `: ${failed} of ${rows.length} runs.` : "; none here.");
}
