/**
 * `report.html` of a comparison (`llmload compare`, or a `--lora-mode compare` directory): the
 * compared metrics side by side with the change against the first run (green better, red worse,
 * in the metric's own direction), each run's configuration, and every run chart with the runs
 * overlaid. Pure.
 */

import { COMPARISON_ROWS, improvementPct } from "../../metrics/lora_comparison.ts";
import type { CompareReportInput } from "../report_input.ts";
import {
  chartGrid,
  esc,
  flatten,
  formatNumber,
  htmlPage,
  htmlTable,
  keyValueTable,
  section,
} from "./html_page.ts";
import { runCharts } from "./run_charts.ts";
import { environmentHtml } from "./run_html.ts";

function changeCell(pct: number | null): string {
  if (pct === null) return `<td class="num">–</td>`;
  const cls = pct > 0 ? "better" : pct < 0 ? "worse" : "";
  const text = `${pct > 0 ? "+" : ""}${pct.toFixed(1)}% ${
    pct > 0 ? "better" : pct < 0 ? "worse" : ""
  }`;
  return `<td class="num ${cls}">${esc(text.trim())}</td>`;
}

function valueCell(v: number | null): string {
  return `<td class="num">${v === null ? "–" : esc(formatNumber(v))}</td>`;
}

/** Metric rows: each run's value, and for every run after the first its change in %. */
function comparisonTable(input: CompareReportInput): string {
  const [base, ...rest] = input.runs;
  const head = [
    "metric",
    "unit",
    esc(base.name),
    ...rest.flatMap((r) => [esc(r.name), `${esc(r.name)} vs ${esc(base.name)}`]),
  ];
  const rows = COMPARISON_ROWS.map((row) => {
    const b = row.value(base.run.summary);
    const cells = rest.map((r) => {
      const v = row.value(r.run.summary);
      return valueCell(v) + changeCell(improvementPct(b, v, row.better));
    });
    return `<tr><td>${esc(row.label)}</td><td>${esc(row.unit)} (${row.better} is better)</td>${
      valueCell(b)
    }${cells.join("")}</tr>`;
  });
  return `<table id="comparison-table"><thead><tr>${
    head.map((h) => `<th>${h}</th>`).join("")
  }</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

/** Requests and the command line of each run. */
function runsTable(input: CompareReportInput): string {
  return htmlTable(
    ["run", "run id", "ok", "failed", "dropped", "window (s)", "command line"],
    input.runs.map((r) => {
      const s = r.run.summary;
      const cmd = Array.isArray(r.run.meta.command_line)
        ? r.run.meta.command_line.join(" ")
        : "not recorded";
      return [
        r.name,
        r.run.runId,
        s.requests.ok,
        s.requests.failed,
        s.requests.dropped,
        s.throughput.window_s,
        cmd,
      ];
    }),
    { id: "runs-table" },
  );
}

/** The report of a comparison as a self-contained HTML page. */
export function renderCompareHtml(input: CompareReportInput): string {
  const title = `llmload comparison: ${input.runs.map((r) => r.name).join(" vs ")}`;
  const envs = input.runs.map((r) => `<h3>${esc(r.name)}</h3>${environmentHtml(r.run.meta)}`);
  const lora = input.lora
    ? section(
      "lora",
      "Requests per adapter",
      keyValueTable(flatten(input.lora.adapters), { id: "lora-adapters-table" }),
    )
    : "";
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p>Changes are against <strong>${
      esc(input.runs[0]?.name ?? "")
    }</strong>, in each metric's own direction (lower latency, higher throughput is better).</p>`,
    section(
      "comparison",
      "Comparison",
      input.runs.length ? comparisonTable(input) : "<p>no runs</p>",
    ),
    section("runs", "Runs", runsTable(input)),
    lora,
    section("charts", "Charts, runs overlaid", chartGrid(runCharts(input.runs))),
    section("environment", "Test environment", envs.join("\n")),
  ].join("\n");
  return htmlPage(title, body);
}
