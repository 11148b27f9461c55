import assert from "node:assert/strict";
import {
  filterHistory,
  type HistoryRecord,
  historyRecord,
  historyTrend,
  parseHistory,
  seriesKey,
} from "../../lib/metrics/run_history.ts";

const SUMMARY = {
  requests: { total: 100, ok: 90, failed: 10, dropped: 0, warmup: 5 },
  throughput: { requests_per_s: 4.5, output_tokens_per_s: 512.25 },
  ttft_ms: { p50: 120, p99: 900 },
  tpot_ms: { p50: 11, p99: 19 },
  e2e_ms: { p50: 1500, p99: 2400 },
  gpu: { memory_peak_mib: 70000, energy_j: 12000 },
};
const META = {
  run_id: "20261127-030000-aaaa",
  started_at: "2026-11-27T03:00:00.000Z",
  ended_at: "2026-11-27T03:05:00.000Z",
  interrupted: false,
  target: { url: "http://gpu:8000/v1", model: "llama", sim: false },
};
const VERDICT = {
  verdict: "fail",
  exit_code: 3,
  reasons: ["ttft.p99 900 ms > 800 ms"],
  gates: [],
  slo: { objectives: [], attainment_pct: 97.5, goodput_rps: 4.1 },
  baseline: null,
};

/** A record with the given start time and metrics (the rest from a full run). */
function rec(time: string, over: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    ...historyRecord({ summary: SUMMARY, meta: META, verdict: null }, {
      runDir: time,
      scenario: "nightly",
    }),
    time,
    run_id: time,
    ...over,
  };
}

Deno.test("a history record takes its metrics from summary.json, meta.json and verdict.json", () => {
  const r = historyRecord({ summary: SUMMARY, meta: META, verdict: VERDICT }, {
    runDir: "20261127-030000-aaaa",
    scenario: "nightly",
  });
  assert.equal(r.time, "2026-11-27T03:00:00.000Z");
  assert.equal(r.target, "http://gpu:8000/v1");
  assert.equal(r.model, "llama");
  assert.equal(r.requests_ok, 90);
  assert.equal(r.requests_failed, 10);
  assert.equal(r.error_rate_pct, 10); // 10 failed of 100 sent
  assert.equal(r.ttft_p99_ms, 900);
  assert.equal(r.tpot_p50_ms, 11);
  assert.equal(r.e2e_p50_ms, 1500);
  assert.equal(r.output_tokens_per_s, 512.25);
  assert.equal(r.gpu_memory_peak_mib, 70000);
  assert.equal(r.gpu_energy_j, 12000);
  assert.equal(r.verdict, "fail");
  assert.deepEqual(r.verdict_reasons, ["ttft.p99 900 ms > 800 ms"]);
  assert.equal(r.goodput_rps, 4.1);
  assert.equal(r.slo_attainment_pct, 97.5);
});

Deno.test("without verdict.json, GPU data or requests the record holds nulls, not zeros", () => {
  const r = historyRecord({
    summary: { requests: { total: 0, ok: 0, failed: 0, dropped: 0 }, gpu: null },
    meta: { ...META, target: { url: "http://127.0.0.1:40001/v1", model: "m", sim: true } },
    verdict: null,
  }, { runDir: "x" });
  assert.equal(r.verdict, null);
  assert.equal(r.scenario, null);
  assert.equal(r.error_rate_pct, null);
  assert.equal(r.ttft_p50_ms, null);
  assert.equal(r.gpu_energy_j, null);
  assert.equal(r.goodput_rps, null);
  // The simulator's port changes every run; the series is "sim".
  assert.equal(r.target, "sim");
  assert.equal(r.url, "http://127.0.0.1:40001/v1");
});

Deno.test("trend: each metric's change is against the previous run of the same series", () => {
  const a = rec("2026-11-25T03:00:00Z", { ttft_p99_ms: 800, output_tokens_per_s: 500 });
  const other = rec("2026-11-25T04:00:00Z", {
    scenario: "other",
    ttft_p99_ms: 100,
    output_tokens_per_s: 50,
  });
  const b = rec("2026-11-26T03:00:00Z", { ttft_p99_ms: 1000, output_tokens_per_s: 400 });
  const rows = historyTrend([a, other, b]);
  assert.equal(rows[0].cells.ttft_p99_ms.change_pct, null); // first of its series
  assert.equal(rows[1].cells.ttft_p99_ms.change_pct, null); // first of "other"
  assert.equal(rows[2].previous, a.run_id);
  assert.equal(rows[2].cells.ttft_p99_ms.change_pct, 25); // 800 → 1000
  assert.equal(rows[2].cells.ttft_p99_ms.worse, true); // latency up is worse
  assert.equal(rows[2].cells.output_tokens_per_s.change_pct, -20); // 500 → 400
  assert.equal(rows[2].cells.output_tokens_per_s.worse, true); // throughput down is worse
  const better = historyTrend([a, rec("2026-11-26T03:00:00Z", { ttft_p99_ms: 400 })]);
  assert.equal(better[1].cells.ttft_p99_ms.change_pct, -50);
  assert.equal(better[1].cells.ttft_p99_ms.worse, false);
});

Deno.test("trend: a previous value of 0 or a missing value gives no percentage", () => {
  const rows = historyTrend([
    rec("2026-11-25T03:00:00Z", { error_rate_pct: 0, goodput_rps: null }),
    rec("2026-11-26T03:00:00Z", { error_rate_pct: 5, goodput_rps: 3 }),
  ]);
  assert.equal(rows[1].cells.error_rate_pct.change_pct, null);
  assert.equal(rows[1].cells.error_rate_pct.value, 5);
  assert.equal(rows[1].cells.goodput_rps.change_pct, null);
});

Deno.test("trend marks runs whose verdict is fail", () => {
  const rows = historyTrend([
    rec("2026-11-25T03:00:00Z", { verdict: "pass" }),
    rec("2026-11-26T03:00:00Z", { verdict: "fail" }),
    rec("2026-11-27T03:00:00Z", { verdict: null }),
  ]);
  assert.deepEqual(rows.map((r) => r.failed), [false, true, false]);
});

Deno.test("sweep points are series of their own", () => {
  const p = (label: string) => ({ kind: "sweep" as const, id: "s1", index: 1, label });
  const a = rec("2026-11-25T03:00:00Z", { parent: p("concurrency=1") });
  const b = rec("2026-11-25T03:00:00Z", { parent: p("concurrency=8") });
  assert.notEqual(seriesKey(a), seriesKey(b));
  const rows = historyTrend([a, b, rec("2026-11-26T03:00:00Z", { parent: p("concurrency=1") })]);
  assert.equal(rows[1].previous, null);
  assert.equal(rows[2].previous, a.run_id);
});

Deno.test("filter: scenario, target (trailing slash ignored), last N, sorted by start time", () => {
  const recs = [
    rec("2026-11-27T03:00:00Z"),
    rec("2026-11-25T03:00:00Z"),
    rec("2026-11-26T03:00:00Z", { scenario: "other" }),
    rec("2026-11-24T03:00:00Z", { target: "sim" }),
  ];
  assert.deepEqual(filterHistory(recs).map((r) => r.time.slice(0, 10)), [
    "2026-11-24",
    "2026-11-25",
    "2026-11-26",
    "2026-11-27",
  ]);
  assert.deepEqual(
    filterHistory(recs, { scenario: "nightly", target: "http://gpu:8000/v1/" }).map((r) =>
      r.time.slice(0, 10)
    ),
    ["2026-11-25", "2026-11-27"],
  );
  assert.deepEqual(filterHistory(recs, { last: 2 }).map((r) => r.time.slice(0, 10)), [
    "2026-11-26",
    "2026-11-27",
  ]);
});

Deno.test("parseHistory skips a torn or foreign line and names it", () => {
  const a = JSON.stringify(rec("2026-11-25T03:00:00Z"));
  const text = `${a}\n{"v":1,"time":"2026-11-2\nnot json\n\n${a}\n`;
  const { records, skipped } = parseHistory(text);
  assert.equal(records.length, 2);
  assert.deepEqual(skipped, [2, 3]);
});
