/** `llmload history --format csv|json`: the trend as CSV or JSON. Pure. */

import { HISTORY_METRICS, type TrendRow } from "../../metrics/run_history.ts";

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
