import assert from "node:assert/strict";
import { cdfPoints, latencyCdfs } from "../../lib/metrics/latency_cdf.ts";
import {
  gpuWindows,
  requestWindows,
  serverWindows,
  windowLengthMs,
} from "../../lib/metrics/time_windows.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import { syntheticRun } from "../helpers/report_fixtures.ts";

function rec(over: Partial<RequestRecord> & { sentAt: number; endAt: number }): RequestRecord {
  return {
    index: 0,
    phase: "measure",
    requestId: "r",
    scheduledAt: over.sentAt,
    tokenTimes: [],
    tokenCounts: [],
    outputTokens: 0,
    outputTokensSource: "usage",
    ...over,
  };
}

Deno.test("windowLengthMs picks the shortest round window of at least 1 s within the window budget", () => {
  const cases: [number, number][] = [
    [0, 1000],
    [9_000, 1000],
    [120_000, 1000],
    [121_000, 5000],
    [600_000, 5000],
    [3_600_000, 30_000],
  ];
  for (const [span, w] of cases) assert.equal(windowLengthMs(span), w, `span ${span}`);
  assert.equal(windowLengthMs(9_000, { minMs: 100, maxWindows: 100 }), 100);
});

Deno.test("requestWindows: completions by end, tokens by arrival, TTFT and lateness by send, in flight time-weighted", () => {
  const records = [
    // Sent 0.2 s late at 100 ms, first token at 300, 3 tokens (one event of 2), ends at 1500.
    rec({
      scheduledAt: 100,
      sentAt: 300,
      endAt: 1500,
      tokenTimes: [500, 1200],
      tokenCounts: [1, 2],
      outputTokens: 3,
    }),
    rec({ sentAt: 200, endAt: 700, tokenTimes: [600], tokenCounts: [1], outputTokens: 1 }),
    rec({ sentAt: 1100, endAt: 1300, error: { kind: "http", message: "x", status: 500 } }),
    rec({ scheduledAt: 2100, sentAt: 2100, endAt: 2100, dropped: true }),
    rec({ phase: "warmup", sentAt: 0, endAt: 5000, tokenTimes: [10], tokenCounts: [1] }),
  ];
  const w = requestWindows(records, { windowMs: 1000 });
  assert.deepEqual(w.map((x) => x.t_s), [0, 1, 2]);
  assert.deepEqual(w.map((x) => x.requests_per_s), [1, 1, 0]);
  assert.deepEqual(w.map((x) => x.output_tokens_per_s), [2, 2, 0]);
  assert.deepEqual(w.map((x) => x.errors), [0, 1, 0]);
  assert.deepEqual(w.map((x) => x.dropped), [0, 0, 1]);
  // Window 0: [300,1000) + [200,700) = 1200 ms busy over 1000 ms; window 1: [1000,1500) + [1100,1300).
  assert.deepEqual(w.map((x) => x.in_flight), [1.2, 0.7, 0]);
  assert.equal(w[0].ttft_p50_ms, 300); // (200 + 400) / 2
  assert.equal(w[0].send_lateness_max_ms, 200);
  assert.equal(w[1].ttft_p50_ms, null);
  assert.equal(w[2].send_lateness_p50_ms, null);
});

Deno.test("gpuWindows keeps the VRAM peak and the mean utilisation per GPU per window", () => {
  const s = (tMs: number, gpu: number, mem: number | null, util: number | null) => ({
    tMs,
    gpu,
    uuid: `u${gpu}`,
    name: "g",
    memoryUsedMiB: mem,
    memoryTotalMiB: 100,
    utilizationGpuPct: util,
    utilizationMemoryPct: null,
    powerDrawW: null,
    temperatureC: null,
    smClockMHz: null,
  });
  const w = gpuWindows([
    s(0, 0, 10, 20),
    s(500, 0, 30, 40),
    s(100, 1, 5, null),
    s(1500, 0, 20, null),
  ], {
    windowMs: 1000,
  });
  assert.deepEqual(
    w.map((x) => [x.gpu, x.t_s, x.memory_used_mib, x.utilization_gpu_pct, x.power_draw_w]),
    [[0, 0, 30, 30, null], [0, 1, 20, null, null], [1, 0, 5, null, null]],
  );
});

Deno.test("serverWindows: KV-cache peak in %, queue peaks, preemptions since the previous window", () => {
  const s = (tMs: number, kv: number, waiting: number, pre: number | null) => ({
    tMs,
    numRequestsRunning: 1,
    numRequestsWaiting: waiting,
    kvCacheUsage: kv,
    numPreemptionsTotal: pre,
    promptTokensTotal: null,
    generationTokensTotal: null,
    prefixCacheQueriesTotal: null,
    prefixCacheHitsTotal: null,
    loraRunning: null,
    loraWaiting: null,
    maxLora: null,
  });
  const w = serverWindows([s(0, 0.25, 0, 3), s(900, 0.5, 4, 5), s(1200, 0.1, 1, 9)], {
    windowMs: 1000,
  });
  assert.deepEqual(w.map((x) => [x.kv_cache_usage_pct, x.num_requests_waiting, x.preemptions]), [
    [50, 4, null],
    [10, 1, 4],
  ]);
});

Deno.test("latency CDFs pass through the summary's percentiles (same interpolation)", () => {
  const run = syntheticRun();
  const cdfs = latencyCdfs(run.records);
  const at = (pts: { ms: number; pct: number }[], pct: number) =>
    pts.find((p) => p.pct === pct)!.ms;
  const s = summarize(run.records, { loadMode: "open" });
  assert.equal(at(cdfs.ttft_ms, 50), s.ttft_ms.p50);
  assert.equal(at(cdfs.ttft_ms, 99), s.ttft_ms.p99);
  assert.equal(at(cdfs.itl_ms, 90), s.itl_ms.p90);
  assert.equal(at(cdfs.e2e_ms, 100), s.e2e_ms.max);
  assert.equal(at(cdfs.e2e_ms, 0), s.e2e_ms.min);
  assert.deepEqual(cdfPoints(new Float64Array()), []);
});
