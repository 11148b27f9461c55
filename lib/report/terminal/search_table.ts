/**
 * The text views of an SLO search: the terminal table (one row per point, in the order run),
 * the one-line answer, and `report.md`. Pure: search.json's figures are formatted, never
 * recomputed.
 */

import { formatGateValue } from "../../metrics/gate_expression.ts";
import type { ObjectiveCheck } from "../../metrics/search_point.ts";
import { markdownTable } from "../markdown/markdown_table.ts";
import type { SearchDoc, SearchPointRow } from "../files/search_json.ts";
import { formatMs } from "../format_ms.ts";

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

function rows(doc: SearchDoc): { head: string[]; body: string[][] } {
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

/** The terminal table of the points (no trailing newline); ✗ marks a missed objective. */
export function renderSearchTable(doc: SearchDoc, options: { title?: string } = {}): string {
  const { head, body } = rows(doc);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const textCol = (j: number) => j === 2 || j === 3 || j === head.length - 1;
  const line = (cells: string[]) =>
    cells.map((c, j) => (textCol(j) ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ")
      .trimEnd();
  const out: string[] = [];
  if (options.title) out.push(options.title);
  out.push(line(head));
  out.push("-".repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1)));
  for (const r of body) out.push(line(r));
  out.push("✗ = objective missed; latencies in ms; req/s = achieved (ok requests per second)");
  return out.join("\n");
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

/** `report.md` of a search directory (trailing newline). */
export function renderSearchMarkdown(doc: SearchDoc): string {
  const { head, body } = rows(doc);
  const b = doc.bounds;
  const per = doc.per_point;
  const facts: [string, string][] = [
    ["Axis", `${doc.axis} (${doc.unit})`],
    ["SLOs", doc.slo.join(", ")],
    [
      "A point passes when",
      [
        "every SLO statistic holds",
        `per-request attainment ≥ ${doc.criteria.attainment_pct} %`,
        `error rate ≤ ${doc.criteria.max_error_rate_pct} %`,
        ...(doc.criteria.fail_on.length ? [`no --fail-on gate fires`] : []),
      ].join("; "),
    ],
    ["Range", `${formatLoad(b.min)} – ${formatLoad(b.max)}, start ${formatLoad(b.start)}`],
    ["Precision", b.precision],
    ["Points run", `${doc.points.length} of at most ${b.max_points}`],
    [
      "Each point",
      [
        per.duration_ms !== null ? `${per.duration_ms / 1000} s` : "",
        per.requests !== null ? `${per.requests} requests` : "",
      ].filter((s) => s).join(", ") || "-",
    ],
    ["Target", `${doc.model} @ ${doc.base_url}`],
    ["Interrupted", doc.interrupted ? "yes" : "no"],
  ];
  const out = [
    `# llmload SLO search: ${doc.search_id}`,
    "",
    `**${searchAnswerLine(doc)}**`,
    "",
    "## Settings",
    "",
    markdownTable(["Setting", "Value"], facts, { allLeft: true }),
    "",
    "## Points, in the order run",
    "",
    markdownTable(head, body),
    "",
    "✗ marks a missed objective. Bracketing doubles the load until a point fails, bisection " +
    "narrows the gap between the highest pass and the lowest fail, and the answer must pass " +
    "twice (a load with any failing run counts as failing). Each point's run directory holds " +
    "its own report.",
    "",
  ];
  return out.join("\n");
}
