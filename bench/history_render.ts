/**
 * How long the history step costs as history.jsonl grows: parse, trend, terminal table, prom
 * page and history.html for N synthetic runs (3 series, every 10th run failing).
 *
 *   deno run -A bench/history_render.ts [--runs 1000]
 */
import { parseArgs } from "node:util";
import { type HistoryRecord, historyTrend, parseHistory } from "../lib/metrics/run_history.ts";
import { renderHistoryTable } from "../lib/report/terminal/history_table.ts";
import { renderPromText } from "../lib/report/files/prom_export.ts";
import { renderHistoryHtml } from "../lib/report/html/history_html.ts";

const { values } = parseArgs({ args: Deno.args, options: { runs: { type: "string" } } });
const n = Number(values.runs ?? 1000);

const records: HistoryRecord[] = Array.from({ length: n }, (_, i) => ({
  v: 1,
  time: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
  ended_at: null,
  scenario: ["nightly", "smoke", "long-prompts"][i % 3],
  target: "http://gpu-box:8000/v1",
  url: "http://gpu-box:8000/v1",
  model: "llama-3.1-8b",
  run_id: `run-${i}`,
  run_dir: `run-${i}`,
  parent: null,
  interrupted: false,
  requests_total: 500,
  requests_ok: 495,
  requests_failed: 5,
  requests_dropped: 0,
  error_rate_pct: 1,
  ttft_p50_ms: 100 + (i % 17),
  ttft_p99_ms: 400 + (i % 31),
  tpot_p50_ms: 10 + (i % 5) / 10,
  tpot_p99_ms: 14,
  e2e_p50_ms: 1500,
  e2e_p99_ms: 2200 + (i % 13),
  requests_per_s: 4.2,
  output_tokens_per_s: 530 - (i % 23),
  goodput_rps: 4,
  slo_attainment_pct: 97,
  gpu_memory_peak_mib: 71000,
  gpu_energy_j: 90000,
  verdict: i % 10 === 9 ? "fail" : "pass",
  verdict_reasons: i % 10 === 9 ? ["ttft.p99 430 ms > 420 ms"] : [],
}));
const text = records.map((r) => JSON.stringify(r)).join("\n") + "\n";

const time = <T>(label: string, fn: () => T): T => {
  const t0 = performance.now();
  const out = fn();
  console.log(`${label.padEnd(28)} ${(performance.now() - t0).toFixed(1)} ms`);
  return out;
};
console.log(`${n} runs, history.jsonl ${(text.length / 1024).toFixed(0)} KiB`);
const parsed = time("parse history.jsonl", () => parseHistory(text).records);
const rows = time("trend", () => historyTrend(parsed));
time("terminal table", () => renderHistoryTable(rows));
time("prom page (1 run)", () => renderPromText([parsed[n - 1]]));
const html = time("history.html (cold)", () => renderHistoryHtml(rows));
time("history.html (warm)", () => renderHistoryHtml(rows));
console.log(`history.html ${(html.length / 1024).toFixed(0)} KiB`);
