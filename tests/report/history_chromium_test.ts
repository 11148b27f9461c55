import assert from "node:assert/strict";
import { join } from "node:path";
import { type HistoryRecord, historyTrend } from "../../lib/metrics/run_history.ts";
import { renderHistoryHtml } from "../../lib/report/html/history_html.ts";
import { checkPage, findChromium } from "../helpers/chromium_page.ts";

// Debian's chromium package: `apt-get install -y chromium`. Without it this test is skipped.
const chromium = await findChromium();

function night(day: number, over: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    v: 1,
    time: `2026-11-${String(day).padStart(2, "0")}T03:00:00.000Z`,
    ended_at: null,
    scenario: "nightly",
    target: "http://gpu:8000/v1",
    url: "http://gpu:8000/v1",
    model: "llama",
    run_id: `run-${day}`,
    run_dir: `run-${day}`,
    parent: null,
    interrupted: false,
    requests_total: 100,
    requests_ok: 100,
    requests_failed: 0,
    requests_dropped: 0,
    error_rate_pct: 0,
    ttft_p50_ms: 100 + day,
    ttft_p99_ms: 400 + day * 3,
    tpot_p50_ms: 10,
    tpot_p99_ms: 12,
    e2e_p50_ms: 1400,
    e2e_p99_ms: 2000,
    requests_per_s: 4,
    output_tokens_per_s: 500 - day,
    goodput_rps: 3.9,
    slo_attainment_pct: 98,
    gpu_memory_peak_mib: 70000,
    gpu_energy_j: 50000,
    verdict: "pass",
    verdict_reasons: [],
    ...over,
  };
}

Deno.test({
  name: "headless chromium loads the history page with no request, console error or exception",
  ignore: !chromium,
  sanitizeResources: false,
  async fn() {
    const records = [1, 2, 3, 4, 5].map((d) =>
      night(d, d === 4 ? { verdict: "fail", verdict_reasons: ["ttft.p99 900 ms > 800 ms"] } : {})
    );
    const dir = await Deno.makeTempDir({ prefix: "llmload-history-" });
    const path = join(dir, "history.html");
    await Deno.writeTextFile(path, renderHistoryHtml(historyTrend(records)));
    const r = await checkPage(chromium!, path);
    assert.deepEqual(r.requests, []);
    assert.deepEqual(r.consoleErrors, []);
    assert.deepEqual(r.exceptions, []);
    assert.match(r.title, /^llmload run history/);
    assert.ok(r.svgCount >= 8, `only ${r.svgCount} svg elements`);
  },
});
