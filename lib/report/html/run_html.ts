/**
 * `report.html` of one run: environment, configuration and results as plain tables (readable
 * without JavaScript, the same figures as report.md), then the charts. Pure: a loaded run
 * directory in, one self-contained HTML page out.
 */

import { turnHtml } from "./turn_html.ts";
import { clientHealthHtml } from "./client_health_html.ts";
import { ERROR_KINDS } from "../../metrics/record.ts";
import { LATENCY_METRICS, type Summary } from "../../metrics/summary.ts";
import type { Stats } from "../../metrics/stats.ts";
import type { RunReportInput } from "../report_input.ts";
import {
  type Cell,
  chartGrid,
  esc,
  flatten,
  htmlPage,
  htmlTable,
  keyValueTable,
  section,
} from "./html_page.ts";
import { runCharts } from "./run_charts.ts";
import { verdictHtml } from "./verdict_html.ts";
import { tokenSourceNote } from "../token_source_note.ts";
import {
  commandLineText,
  configurationFacts,
  environmentFacts,
  NOT_RECORDED,
} from "../run_facts.ts";

/** What reports call each latency statistic. */
export const LATENCY_LABELS: Record<typeof LATENCY_METRICS[number], string> = {
  ttft_ms: "TTFT",
  ttft_from_scheduled_ms: "TTFT from schedule",
  tpot_ms: "TPOT",
  itl_ms: "ITL",
  e2e_ms: "E2E latency",
  e2e_from_scheduled_ms: "E2E from schedule",
  prefill_ms: "Prefill",
  decode_ms: "Decode",
  send_lateness_ms: "Send lateness",
};

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? v as Record<string, unknown>
    : undefined;
}

/** Environment rows: target, then whatever `system`, `gpus`, `server`, `tags` the run recorded. */
export function environmentHtml(meta: Record<string, unknown>): string {
  // The same facts as report.md's environment section; the raw records follow, folded.
  const rows = environmentFacts(meta);
  const raw = ["system", "gpus", "server", "tags", "notes"]
    .filter((key) => flatten(meta[key]).length > 0)
    .map((key) => `<div><h3>${esc(key)}</h3>${keyValueTable(flatten(meta[key]))}</div>`);
  return keyValueTable([["Target", String(obj(meta.target)?.url ?? NOT_RECORDED)], ...rows], {
    id: "environment-table",
  }) +
    (raw.length
      ? `<details><summary>Recorded in meta.json</summary><div class="kv">${
        raw.join("")
      }</div></details>`
      : "");
}

/** Configuration rows: command line, load, stop rule, warm-up, request recipe, seed. */
export function configurationHtml(meta: Record<string, unknown>): string {
  const cmd = commandLineText(meta);
  const rows = configurationFacts(meta).filter(([k]) => k !== "Command line");
  const raw: [string, string][] = [];
  for (const key of ["load", "stop", "warmup", "request", "endpoint", "transport", "seed"]) {
    raw.push(...flatten(meta[key], key));
  }
  const lora = obj(meta.lora);
  if (lora) raw.push(...flatten({ mode: lora.mode, strategy: lora.strategy }, "lora"));
  if (meta.dataset) raw.push(...flatten(meta.dataset, "dataset"));
  return (cmd ? `<p>Command line: <code>${esc(cmd)}</code></p>` : "") +
    keyValueTable(rows, { id: "configuration-summary" }) +
    `<details><summary>Every setting</summary>${
      keyValueTable(raw, { id: "configuration-table" })
    }</details>`;
}

/** Requests, throughput and tokens of a summary as rows. */
function countRows(s: Summary): [string, Cell][] {
  return [
    ["requests measured", s.requests.total],
    ["ok", s.requests.ok],
    ["failed", s.requests.failed],
    ["dropped", s.requests.dropped],
    ["warm-up (excluded)", s.requests.warmup],
    ["window (s)", s.throughput.window_s],
    ["requests/s", s.throughput.requests_per_s],
    ["output tokens/s", s.throughput.output_tokens_per_s],
    ["total tokens/s", s.throughput.total_tokens_per_s],
    ["output tokens", s.tokens.output_total],
    ["prompt tokens", s.tokens.prompt_total],
    ["prompt drift (%)", s.tokens.prompt_drift_pct],
    ...reasoningRows(s),
  ];
}

/** Reasoning streams only (issue 20): nothing for a run in which no request reasoned. */
function reasoningRows(s: Summary): [string, Cell][] {
  const t = s.tokens;
  if (t.reasoning_requests === undefined) return [];
  return [
    ["requests that reasoned", t.reasoning_requests],
    ["reasoning tokens", t.reasoning_total ?? null],
    ["answer tokens", t.answer_total ?? null],
    ["answer tokens/s", s.throughput.answer_tokens_per_s ?? null],
  ];
}

/** The latency statistics table (ms), one row per metric. */
export function latencyTable(s: Summary, options: { id?: string } = {}): string {
  const row = (
    label: string,
    st: Stats,
  ): Cell[] => [label, st.count, st.mean, st.p50, st.p90, st.p99, st.min, st.max];
  const rows = LATENCY_METRICS.map((m) => row(LATENCY_LABELS[m], s[m]));
  // Time to first answer token: only in a summary where some request reasoned, after TTFT.
  if (s.ttfat_ms) rows.splice(1, 0, row("TTFAT (first answer token)", s.ttfat_ms));
  return htmlTable(
    ["metric (ms)", "count", "mean", "p50", "p90", "p99", "min", "max"],
    rows,
    options,
  );
}

/**
 * summary.json's `gpu` as one row per GPU plus an all-GPUs row (VRAM in MiB, power in W, energy
 * in J); undefined when the run has no GPU data.
 */
function gpuTable(gpu: unknown): string | undefined {
  const g = gpu as Record<string, unknown> | null | undefined;
  if (!g || typeof g !== "object") return undefined;
  const row = (name: string, d: Record<string, unknown>): Cell[] =>
    [
      name,
      d.memory_baseline_mib,
      d.memory_peak_mib,
      d.memory_mean_mib,
      d.memory_delta_mib,
      d.utilization_mean_pct,
      d.power_mean_w,
      d.energy_j,
    ].map((v) => (typeof v === "number" || typeof v === "string" ? v : null)) as Cell[];
  const perGpu = Array.isArray(g.per_gpu) ? g.per_gpu as Record<string, unknown>[] : [];
  const rows = perGpu.map((d) => row(`${d.gpu} ${d.name ?? ""}`.trim(), d));
  if (perGpu.length !== 1) rows.push(row("all GPUs", g));
  const perJoule = typeof g.output_tokens_per_joule === "number"
    ? `<p>Output tokens per joule: ${esc(g.output_tokens_per_joule.toFixed(3))}</p>`
    : "";
  return htmlTable(
    [
      "GPU",
      "VRAM baseline",
      "VRAM peak",
      "VRAM mean",
      "VRAM delta",
      "util mean (%)",
      "power mean (W)",
      "energy (J)",
    ],
    rows,
    { id: "gpu-table", caption: "VRAM in MiB over the measured window" },
  ) + perJoule;
}

/** Results: counts and rates, latency statistics, errors, and the GPU/server summaries. */
export function resultsHtml(run: RunReportInput): string {
  const s = run.summary;
  const errors = ERROR_KINDS.flatMap((k) => {
    const e = s.errors[k];
    return e ? [[k, e.count, e.examples.join(" | ")] as Cell[]] : [];
  });
  const gpu = gpuTable(run.summaryJson.gpu);
  const server = flatten(run.summaryJson.server_metrics);
  const tokens = tokenSourceNote(s.tokens.output_source);
  return [
    tokens
      ? `<p id="output-tokens-${tokens.level}" class="${tokens.level}">` +
        `${tokens.level === "warning" ? "<strong>Warning:</strong> " : ""}${esc(tokens.text)}</p>`
      : "",
    `<div class="row">`,
    htmlTable(["figure", "value"], countRows(s), { id: "results-table" }),
    latencyTable(s, { id: "latency-table" }),
    `</div>`,
    errors.length
      ? htmlTable(["error kind", "count", "examples"], errors, { id: "errors-table" })
      : `<p>No errors.</p>`,
    turnHtml(s.by_turn),
    gpu ? `<h3>GPU</h3>${gpu}` : "",
    server.length ? `<h3>Server metrics</h3>${keyValueTable(server, { id: "server-table" })}` : "",
  ].join("\n");
}

/** The report of one run as a self-contained HTML page. */
export function renderRunHtml(input: RunReportInput): string {
  const charts = runCharts([{ name: input.runId, run: input }]);
  const body = [
    `<h1>llmload run ${esc(input.runId)}</h1>`,
    `<nav><a href="#environment">Environment</a><a href="#configuration">Configuration</a>` +
    `<a href="#results">Results</a><a href="#charts">Charts</a></nav>`,
    ...(input.verdict ? [verdictHtml(input.verdict)] : []),
    section("environment", "Test environment", environmentHtml(input.meta)),
    section("configuration", "Configuration", configurationHtml(input.meta)),
    section("results", "Results", resultsHtml(input)),
    ...(input.clientHealth
      ? [section("client", "Client health", clientHealthHtml(input.clientHealth))]
      : []),
    section("charts", "Charts", chartGrid(charts)),
  ].join("\n");
  return htmlPage(`llmload run ${input.runId}`, body);
}
