/**
 * `history.html`: key metrics of every recorded run over time, one chart per metric group with
 * a line per series (and per percentile), failing runs ringed in red with a red rule at their
 * time, then the trend table. Same page shell and chart door as report.html (html_page.ts,
 * plot_svg.ts): self-contained, no script. Pure: trend rows in, page out.
 */

import * as Plot from "@observablehq/plot";
import { HISTORY_METRICS, type HistoryRecord, type TrendRow } from "../../metrics/run_history.ts";
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
import { formatChange } from "../history_rows.ts";

const WIDTH = 640;
const HEIGHT = 240;

/** The charts: id, title, y label and the record keys drawn (with their legend names). */
const GROUPS: readonly {
  id: string;
  title: string;
  y: string;
  keys: readonly [keyof HistoryRecord & string, string][];
}[] = [
  {
    id: "history-ttft",
    title: "TTFT",
    y: "ms",
    keys: [["ttft_p50_ms", "p50"], ["ttft_p99_ms", "p99"]],
  },
  {
    id: "history-tpot",
    title: "TPOT",
    y: "ms",
    keys: [["tpot_p50_ms", "p50"], ["tpot_p99_ms", "p99"]],
  },
  {
    id: "history-e2e",
    title: "End-to-end latency",
    y: "ms",
    keys: [["e2e_p50_ms", "p50"], [
      "e2e_p99_ms",
      "p99",
    ]],
  },
  {
    id: "history-throughput",
    title: "Output tokens per second",
    y: "tok/s",
    keys: [["output_tokens_per_s", "out tok/s"]],
  },
  {
    id: "history-requests",
    title: "Requests per second (and goodput)",
    y: "req/s",
    keys: [["requests_per_s", "req/s"], ["goodput_rps", "goodput"]],
  },
  { id: "history-errors", title: "Error rate", y: "%", keys: [["error_rate_pct", "errors %"]] },
  {
    id: "history-gpu-memory",
    title: "GPU memory peak",
    y: "MiB",
    keys: [["gpu_memory_peak_mib", "VRAM peak"]],
  },
  { id: "history-gpu-energy", title: "GPU energy", y: "J", keys: [["gpu_energy_j", "energy"]] },
];

interface Point {
  x: Date;
  y: number;
  series: string;
  failed: boolean;
}

function groupChart(rows: readonly TrendRow[], group: typeof GROUPS[number]): Chart | null {
  const many = new Set(rows.map((r) => r.series)).size > 1;
  const points: Point[] = rows.flatMap((r) => {
    const x = new Date(r.record.time);
    if (Number.isNaN(x.getTime())) return [];
    return group.keys.flatMap(([key, name]) => {
      const y = r.record[key];
      if (typeof y !== "number") return [];
      const series = many ? `${r.series} · ${name}` : name;
      return [{ x, y, series, failed: r.failed }];
    });
  });
  if (points.length === 0) return null;
  const failing = points.filter((p) => p.failed);
  const series = [...new Set(points.map((p) => p.series))];
  const svg = plotSvg({
    width: WIDTH,
    height: HEIGHT,
    marginLeft: 56,
    grid: true,
    x: { label: "run start (UTC)", type: "utc" },
    y: { label: group.y, zero: true },
    color: { legend: series.length > 1, domain: series },
    marks: [
      // One band per failing run (not per line through it), so bands do not darken each other.
      Plot.ruleX([...new Set(failing.map((p) => p.x.getTime()))].map((t) => new Date(t)), {
        stroke: "#b3261e",
        strokeOpacity: 0.25,
        strokeWidth: 6,
      }),
      Plot.lineY(points, { x: "x", y: "y", stroke: "series", z: "series", strokeWidth: 1.6 }),
      Plot.dot(points, { x: "x", y: "y", fill: "series", r: 3 }),
      Plot.dot(failing, { x: "x", y: "y", stroke: "#b3261e", r: 7, strokeWidth: 2 }),
      Plot.ruleY([0]),
    ],
  });
  return {
    id: group.id,
    title: group.title,
    svg,
    note: failing.length
      ? "Red ring and band: a run whose gates failed (verdict fail)."
      : "No run here failed its gates.",
  };
}

function trendTable(rows: readonly TrendRow[]): string {
  const metrics = HISTORY_METRICS.filter((m) => rows.some((r) => r.cells[m.key].value !== null));
  const headers = [
    "run start (UTC)",
    "series",
    "verdict",
    "ok",
    "failed",
    ...metrics.flatMap((m) => [m.label, "Δ"]),
    "run",
  ];
  const body = [...rows].reverse().map((r): Cell[] => [
    r.record.time.slice(0, 19).replace("T", " "),
    r.series,
    r.record.verdict === "fail" ? "FAIL ✗" : r.record.verdict ?? "–",
    r.record.requests_ok,
    r.record.requests_failed,
    ...metrics.flatMap((m): Cell[] => [
      r.cells[m.key].value,
      formatChange(r.cells[m.key].change_pct) || null,
    ]),
    r.record.run_dir,
  ]);
  return htmlTable(headers, body, {
    id: "history-table",
    caption: "Newest first; Δ = change against the previous run of the same series",
  }).replaceAll("<td>FAIL ✗</td>", `<td class="worse"><strong>FAIL ✗</strong></td>`);
}

function reasons(rows: readonly TrendRow[]): string {
  const failed = rows.filter((r) => r.failed);
  if (failed.length === 0) return `<p class="muted">No recorded run failed its gates.</p>`;
  const items = [...failed].reverse().map((r) =>
    `<li><code>${esc(r.record.run_dir)}</code> (${esc(r.record.time)}): ${
      esc(r.record.verdict_reasons.join("; ") || "no reason recorded")
    }</li>`
  );
  return `<ul id="history-failures">\n${items.join("\n")}\n</ul>`;
}

/** The history page of `rows` (a trend, oldest first). */
export function renderHistoryHtml(
  rows: readonly TrendRow[],
  options: { title?: string } = {},
): string {
  const title = options.title ?? "llmload run history";
  const charts = GROUPS.map((g) => groupChart(rows, g)).filter((c): c is Chart => c !== null);
  const failed = rows.filter((r) => r.failed).length;
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p class="muted">${rows.length} runs, ${
      new Set(rows.map((r) => r.series)).size
    } series; ${failed} failed their gates.</p>`,
    section("history-charts", "Key metrics over time", chartGrid(charts)),
    section("history-failed", "Failed runs", reasons(rows)),
    section(
      "history-runs",
      "Runs",
      rows.length ? trendTable(rows) : `<p class="muted">no runs recorded</p>`,
    ),
  ].join("\n");
  return htmlPage(title, body);
}
