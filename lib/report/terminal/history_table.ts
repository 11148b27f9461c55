/**
 * `llmload history` output: the trend as a terminal table, Markdown, CSV or JSON. One row per
 * run, oldest first, each metric with its change against the previous run of the same series;
 * runs whose gates failed are marked `FAIL` (and `✗` in front of the row). Pure: trend rows in,
 * text out; the changes come from lib/metrics/run_history.ts.
 */

import { HISTORY_METRICS, type HistoryMetric, type TrendRow } from "../../metrics/run_history.ts";
import { markdownTable } from "../markdown/markdown_table.ts";

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
function cells(rows: readonly TrendRow[]): { head: string[]; body: string[][] } {
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

const RED = "\x1b[31m";
const RESET = "\x1b[0m";

/** The note under a trend: how to read Δ and what FAIL means. */
function legend(rows: readonly TrendRow[]): string {
  const failed = rows.filter((r) => r.failed).length;
  return `Δ = change against the previous run of the same series (scenario, target, sweep point). ` +
    `FAIL = the run's gates or baseline check failed (verdict.json)` +
    (failed ? `: ${failed} of ${rows.length} runs.` : "; none here.");
}

/**
 * The trend as aligned terminal text (no trailing newline). `color`: failing rows in red (the
 * caller decides: TTY and no NO_COLOR); without colour the `✗` marker and `FAIL` still show.
 */
export function renderHistoryTable(
  rows: readonly TrendRow[],
  options: { color?: boolean; title?: string } = {},
): string {
  if (rows.length === 0) return `${options.title ? options.title + "\n" : ""}no runs in history`;
  const { head, body } = cells(rows);
  const marked = [["", ...head], ...body.map((b, i) => [rows[i].failed ? "✗" : "", ...b])];
  const widths = marked[0].map((_, j) => Math.max(...marked.map((r) => r[j].length)));
  const textCols = new Set([0, 1, 2, 3, head.indexOf("run") + 1]);
  if (head[1] === "series") textCols.add(2);
  const line = (r: string[]) =>
    r.map((c, j) => textCols.has(j) ? c.padEnd(widths[j]) : c.padStart(widths[j])).join("  ")
      .trimEnd();
  const out: string[] = [];
  if (options.title) out.push(options.title);
  out.push(line(marked[0]));
  out.push("-".repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1)));
  for (const [i, r] of marked.slice(1).entries()) {
    const text = line(r);
    out.push(options.color && rows[i].failed ? `${RED}${text}${RESET}` : text);
  }
  out.push(legend(rows));
  return out.join("\n");
}

/** The trend as a Markdown table with the same columns (trailing newline). */
export function renderHistoryMarkdown(rows: readonly TrendRow[]): string {
  if (rows.length === 0) return "No runs in history.\n";
  const { head, body } = cells(rows);
  const bold = body.map((b, i) =>
    rows[i].failed ? b.map((c, j) => head[j] === "verdict" ? `**${c}** ✗` : c) : b
  );
  return `${markdownTable(head, bold)}\n\n${legend(rows)}\n`;
}

/**
 * `llmload history --format csv` columns, a stable contract (only ever appended): the record's
 * identity, then every {@link HISTORY_METRICS} key followed by `<key>_change_pct`.
 */
export const HISTORY_CSV_COLUMNS: readonly string[] = [
  "time",
  "scenario",
  "target",
  "model",
  "point",
  "run_id",
  "run_dir",
  "verdict",
  "interrupted",
  "requests_total",
  "requests_ok",
  "requests_failed",
  "requests_dropped",
  ...HISTORY_METRICS.flatMap((m) => [m.key, `${m.key}_change_pct`]),
];

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? String(Math.round(v * 1000) / 1000) : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The trend as CSV: header, then one row per run. */
export function historyToCsv(rows: readonly TrendRow[]): string {
  const lines = [HISTORY_CSV_COLUMNS.join(",")];
  for (const r of rows) {
    const rec = r.record;
    const fixed = [
      rec.time,
      rec.scenario,
      rec.target,
      rec.model,
      rec.parent?.label ?? null,
      rec.run_id,
      rec.run_dir,
      rec.verdict,
      rec.interrupted,
      rec.requests_total,
      rec.requests_ok,
      rec.requests_failed,
      rec.requests_dropped,
    ];
    const metrics = HISTORY_METRICS.flatMap((
      m,
    ) => [r.cells[m.key].value, r.cells[m.key].change_pct]);
    lines.push([...fixed, ...metrics].map(csvCell).join(","));
  }
  return lines.join("\n") + "\n";
}

/** The trend as JSON: `{ runs: [ { ...record, series, change_pct: { metric: pct } } ] }`. */
export function historyToJson(rows: readonly TrendRow[]): string {
  const runs = rows.map((r) => ({
    ...r.record,
    series: r.series,
    previous_run_id: r.previous,
    change_pct: Object.fromEntries(
      HISTORY_METRICS.map((m) => [m.key, r.cells[m.key].change_pct]),
    ),
  }));
  return JSON.stringify({ runs }, null, 2) + "\n";
}
