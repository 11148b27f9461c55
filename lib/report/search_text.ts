/**
 * An SLO search as text shared by its terminal table, report.md and report.html: the points
 * table's cells (one row per point, in the order run) and the one-line answer. Pure: search.json's
 * figures are formatted, never recomputed.
 */

import { formatGateValue } from "../metrics/gate_expression.ts";
import type { ObjectiveCheck } from "../metrics/search_point.ts";
import type { SearchDoc, SearchPointRow } from "./search_doc.ts";
import { formatMs } from "./format_ms.ts";

/** `12.5`, `8`: a load as the search ran it. */
export function formatLoad(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** The objectives of the search in the order points list them (the first point's, plus any later). */
export function objectiveNames(doc: SearchDoc): string[] {
  const names: string[] = [];
  for (const p of doc.points) {
    for (const o of p.objectives) if (!names.includes(o.objective)) names.push(o.objective);
  }
  return names;
}

function objectiveCell(o: ObjectiveCheck | undefined): string {
  if (!o) return "-";
  return `${formatGateValue(o.value, o.unit)}${o.met ? "" : " ✗"}`;
}

function rate(v: number | null): string {
  return v === null ? "-" : v.toFixed(Math.abs(v) < 10 ? 2 : 1);
}

/** The points table's header and text cells, shared by the terminal and Markdown. */
export function searchRows(doc: SearchDoc): { head: string[]; body: string[][] } {
  const names = objectiveNames(doc);
  const head = [
    "#",
    doc.axis === "rate" ? "rate/s" : "concurrency",
    "phase",
    "result",
    ...names,
    "req/s",
    "TTFT p99",
    "E2E p99",
    "run",
  ];
  const body = doc.points.map((p: SearchPointRow) => [
    String(p.point),
    formatLoad(p.value),
    p.phase,
    p.interrupted ? "stopped" : p.pass ? "pass" : "FAIL",
    ...names.map((n) => objectiveCell(p.objectives.find((o) => o.objective === n))),
    rate(p.measured.requests_per_s),
    formatMs(p.measured.ttft_ms_p99),
    formatMs(p.measured.e2e_ms_p99),
    p.run_id,
  ]);
  return { head, body };
}

/** `12.5 req/s`, `4 users`, `1 user`. */
function withUnit(v: number, unit: string): string {
  return `${formatLoad(v)} ${v === 1 && unit === "users" ? "user" : unit}`;
}

function times(n: number): string {
  return n === 1 ? "once" : n === 2 ? "twice" : `${n} times`;
}

/**
 * The answer in one line: `highest rate meeting the SLOs: 12.5 req/s (confirmed twice)`, or
 * why there is none.
 */
export function searchAnswerLine(doc: SearchDoc): string {
  const a = doc.answer;
  const unit = doc.unit;
  if (!a) return "search not finished: no answer";
  const limit = a.reason === "max_points"
    ? `--max-points ${doc.bounds.max_points} reached`
    : a.reason === "interrupted"
    ? "interrupted"
    : "";
  if (a.value === null) {
    if (a.reason === "fails_at_min") {
      return `no ${doc.axis} meets the SLOs: even the lowest, ${
        withUnit(a.firstFail!, unit)
      } (--min), fails`;
    }
    const low = a.firstFail === null ? "" : ` (lowest failing: ${withUnit(a.firstFail, unit)})`;
    return `no ${doc.axis} met the SLOs before the search stopped (${limit})${low}`;
  }
  const how = a.confirmed ? `confirmed ${times(a.runs)}` : `passed ${times(a.runs)}, not confirmed`;
  const notes = [how];
  if (a.reason === "at_max") notes.push(`--max reached; capacity may be higher`);
  else if (a.firstFail !== null) notes.push(`${withUnit(a.firstFail, unit)} fails`);
  if (limit) notes.push(limit);
  return `highest ${doc.axis} meeting the SLOs: ${withUnit(a.value, unit)} (${notes.join("; ")})`;
}
