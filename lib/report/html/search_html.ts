/**
 * `report.html` of an SLO search: the answer, the settings, one chart per objective (its
 * measured value against the load, the bound as a dashed line, passing runs green and failing
 * ones red, the answer as a vertical line), achieved throughput against the load, and the points
 * table. Pure; charts through plot_svg.ts.
 */

import * as Plot from "@observablehq/plot";
import { formatGateValue } from "../../metrics/gate_expression.ts";
import {
  type Cell,
  type Chart,
  chartGrid,
  esc,
  htmlPage,
  htmlTable,
  section,
} from "./html_page.ts";
import { plotSvg } from "./plot_svg.ts";
import type { SearchDoc } from "../search_doc.ts";
import { objectiveNames, searchAnswerLine } from "../search_text.ts";

const PASS = "#17703a";
const FAIL = "#b3261e";

function xLabel(doc: SearchDoc): string {
  return doc.axis === "rate" ? "offered rate (req/s)" : "concurrency (users)";
}

/** One objective's curve: value vs load, bound line, pass/fail marks, answer line. */
function objectiveChart(doc: SearchDoc, name: string, index: number): Chart | null {
  const pts = doc.points.flatMap((p) => {
    const o = p.objectives.find((x) => x.objective === name);
    return o && o.value !== null
      ? [{ x: p.value, y: o.value, result: o.met ? "met" : "missed", point: `#${p.point}` }]
      : [];
  });
  const o = doc.points.flatMap((p) => p.objectives).find((x) => x.objective === name);
  if (!o || pts.length === 0) return null;
  const answer = doc.answer?.value;
  const unit = o.unit === "" ? "" : ` (${o.unit})`;
  return {
    id: `search-objective-${index + 1}`,
    title: `${name}: ${o.metric}${unit} vs ${doc.axis}`,
    svg: plotSvg({
      width: 640,
      height: 260,
      marginLeft: 56,
      grid: true,
      x: { label: xLabel(doc), inset: 12 },
      y: { label: `${o.metric}${unit}`, zero: true },
      color: { domain: ["met", "missed"], range: [PASS, FAIL], legend: true },
      marks: [
        Plot.ruleY([o.bound], { stroke: FAIL, strokeDasharray: "4,3" }),
        ...(answer != null ? [Plot.ruleX([answer], { stroke: PASS, strokeOpacity: 0.6 })] : []),
        Plot.lineY(pts, { x: "x", y: "y", sort: "x", stroke: "#8a939c", strokeOpacity: 0.5 }),
        Plot.dot(pts, { x: "x", y: "y", fill: "result", r: 4 }),
        Plot.text(pts, { x: "x", y: "y", text: "point", dy: -10, fontSize: 9 }),
      ],
    }),
    note: `Dashed: the bound (${formatGateValue(o.bound, o.unit)}); vertical: the answer. ` +
      "Repeated loads show one dot per run.",
  };
}

function throughputChart(doc: SearchDoc): Chart | null {
  const pts = doc.points.flatMap((p) =>
    p.measured.requests_per_s === null ? [] : [{
      x: p.value,
      y: p.measured.requests_per_s,
      result: p.pass ? "pass" : "fail",
    }]
  );
  if (pts.length === 0) return null;
  return {
    id: "search-throughput",
    title: `Achieved requests/s vs ${doc.axis}`,
    svg: plotSvg({
      width: 640,
      height: 260,
      marginLeft: 56,
      grid: true,
      x: { label: xLabel(doc), inset: 12 },
      y: { label: "ok requests/s", zero: true },
      color: { domain: ["pass", "fail"], range: [PASS, FAIL], legend: true },
      marks: [
        Plot.lineY(pts, { x: "x", y: "y", sort: "x", stroke: "#8a939c", strokeOpacity: 0.5 }),
        Plot.dot(pts, { x: "x", y: "y", fill: "result", r: 4 }),
      ],
    }),
    note: "Whether the point met every objective; the load the server sustained.",
  };
}

function pointsTable(doc: SearchDoc): string {
  const names = objectiveNames(doc);
  const headers = [
    "#",
    doc.axis,
    "phase",
    "result",
    ...names,
    "req/s",
    "TTFT p99",
    "E2E p99",
    "run",
  ];
  const rows = doc.points.map((p): Cell[] => [
    p.point,
    p.value,
    p.phase,
    p.interrupted ? "stopped" : p.pass ? "pass" : "FAIL",
    ...names.map((n) => {
      const o = p.objectives.find((x) => x.objective === n);
      return o ? `${formatGateValue(o.value, o.unit)}${o.met ? "" : " ✗"}` : null;
    }),
    p.measured.requests_per_s,
    p.measured.ttft_ms_p99,
    p.measured.e2e_ms_p99,
    p.run_id,
  ]);
  return htmlTable(headers, rows, {
    id: "search-points",
    caption: "Points in the order run (✗ = objective missed; latencies in ms)",
  });
}

/** The report of a search directory as a self-contained HTML page. */
export function renderSearchHtml(doc: SearchDoc): string {
  const charts = [
    ...objectiveNames(doc).map((n, i) => objectiveChart(doc, n, i)),
    throughputChart(doc),
  ].filter((c): c is Chart => c !== null);
  const b = doc.bounds;
  const settings = htmlTable(["setting", "value"], [
    ["axis", `${doc.axis} (${doc.unit})`],
    ["SLOs", doc.slo.join(", ")],
    ["attainment ≥", `${doc.criteria.attainment_pct} %`],
    ["error rate ≤", `${doc.criteria.max_error_rate_pct} %`],
    ["--fail-on", doc.criteria.fail_on.join(", ") || "–"],
    ["range", `${b.min} – ${b.max}, start ${b.start}`],
    ["precision", b.precision],
    ["points", `${doc.points.length} of at most ${b.max_points}`],
    ["target", `${doc.model} @ ${doc.base_url}`],
  ], { id: "search-settings" });
  const body = [
    `<h1>llmload SLO search ${esc(doc.search_id)}</h1>`,
    `<p id="search-answer"><strong>${esc(searchAnswerLine(doc))}</strong></p>`,
    section("curves", "Curve explored", chartGrid(charts)),
    section("points", "Points", pointsTable(doc)),
    section("settings", "Settings", settings),
  ].join("\n");
  return htmlPage(`llmload search ${doc.search_id}`, body);
}
