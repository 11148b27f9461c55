/**
 * `search.json` and `search.csv` of an SLO search (`llmload search`): its {@link SearchDoc}
 * (../search_doc.ts) as files. Pure.
 */

import { stringify } from "csv-stringify/sync";
import type { SearchDoc } from "../search_doc.ts";
import { round3 } from "./summary_json.ts";

/** Renders search.json (numbers rounded to 3 decimals; trailing newline). */
export function searchToJson(doc: SearchDoc): string {
  return JSON.stringify(
    doc,
    (_k, v) => (typeof v === "number" && !Number.isInteger(v) ? round3(v) : v),
    2,
  ) + "\n";
}

/**
 * The columns of `search.csv`, one row per point in the order run (a contract: columns are only
 * ever appended). `failed_objectives` lists the objectives the point missed, `;`-separated;
 * the rest are {@link SearchMeasured}'s figures. Unknown (null) is empty.
 */
export const SEARCH_CSV_COLUMNS: readonly string[] = [
  "point",
  "axis",
  "value",
  "phase",
  "run_id",
  "pass",
  "failed_objectives",
  "requests_ok",
  "requests_failed",
  "requests_dropped",
  "error_rate_pct",
  "slo_attainment_pct",
  "goodput_rps",
  "requests_per_s",
  "output_tokens_per_s",
  "ttft_ms_p50",
  "ttft_ms_p99",
  "tpot_ms_p50",
  "tpot_ms_p99",
  "itl_ms_p50",
  "itl_ms_p99",
  "e2e_ms_p50",
  "e2e_ms_p99",
];

/** Renders search.csv: the header and one row per point (trailing newline). */
export function searchToCsv(doc: SearchDoc): string {
  const cell = (x: string | number | boolean | null) =>
    x === null ? "" : typeof x === "number" ? String(round3(x) ?? "") : String(x);
  const rows = doc.points.map((p) => {
    const m = p.measured;
    return [
      p.point,
      doc.axis,
      p.value,
      p.phase,
      p.run_id,
      p.pass,
      p.objectives.filter((o) => !o.met).map((o) => o.objective).join(";"),
      m.requests_ok,
      m.requests_failed,
      m.requests_dropped,
      m.error_rate_pct,
      m.slo_attainment_pct,
      m.goodput_rps,
      m.requests_per_s,
      m.output_tokens_per_s,
      m.ttft_ms_p50,
      m.ttft_ms_p99,
      m.tpot_ms_p50,
      m.tpot_ms_p99,
      m.itl_ms_p50,
      m.itl_ms_p99,
      m.e2e_ms_p50,
      m.e2e_ms_p99,
    ].map(cell);
  });
  return stringify([[...SEARCH_CSV_COLUMNS], ...rows]);
}
