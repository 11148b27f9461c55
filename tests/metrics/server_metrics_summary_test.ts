import assert from "node:assert/strict";
import { counterDelta, summarizeServerMetrics } from "../../lib/metrics/server_metrics_summary.ts";
import type { ServerMetricsSample } from "../../lib/metrics/telemetry_samples.ts";
import { renderServerMetricsLine } from "../../lib/report/terminal/server_metrics_line.ts";

function sample(tMs: number, over: Partial<ServerMetricsSample> = {}): ServerMetricsSample {
  return {
    tMs,
    numRequestsRunning: null,
    numRequestsWaiting: null,
    kvCacheUsage: null,
    numPreemptionsTotal: null,
    promptTokensTotal: null,
    generationTokensTotal: null,
    prefixCacheQueriesTotal: null,
    prefixCacheHitsTotal: null,
    loraRunning: null,
    loraWaiting: null,
    maxLora: null,
    ...over,
  };
}

Deno.test("counters become rates from their deltas: work done before the run does not count", () => {
  const s = summarizeServerMetrics([
    sample(0, { promptTokensTotal: 50_000, generationTokensTotal: 9_000, numPreemptionsTotal: 7 }),
    sample(1000, {
      promptTokensTotal: 52_000,
      generationTokensTotal: 9_500,
      numPreemptionsTotal: 7,
    }),
    sample(2000, {
      promptTokensTotal: 56_000,
      generationTokensTotal: 10_500,
      numPreemptionsTotal: 10,
    }),
  ])!;
  assert.equal(s.prompt_tokens_per_s, 3000, "6000 tokens over 2 s");
  assert.equal(s.generation_tokens_per_s, 750, "1500 tokens over 2 s");
  assert.equal(s.preemptions, 3, "10 − 7, not 10");
  assert.equal(s.window_ms, 2000);
  assert.equal(s.samples, 3);
});

Deno.test("a counter that drops means a restart: it counts from 0 again", () => {
  const samples = [
    sample(0, { generationTokensTotal: 900 }),
    sample(1000, { generationTokensTotal: 1000 }),
    sample(2000, { generationTokensTotal: 40 }), // restarted, then generated 40
    sample(3000, { generationTokensTotal: 100 }),
  ];
  assert.deepEqual(counterDelta(samples, "generationTokensTotal"), { delta: 200, ms: 3000 });
  assert.equal(summarizeServerMetrics(samples)!.generation_tokens_per_s, 200 / 3);
});

Deno.test("a gap in a counter leaves its pair out of both the delta and the time", () => {
  const samples = [
    sample(0, { promptTokensTotal: 0 }),
    sample(1000, { promptTokensTotal: 1000 }),
    sample(2000), // this scrape lacked the series
    sample(3000, { promptTokensTotal: 5000 }),
  ];
  assert.deepEqual(counterDelta(samples, "promptTokensTotal"), { delta: 1000, ms: 1000 });
});

Deno.test("peaks and the mean KV usage; prefix-cache hit rate from the deltas of hits and queries", () => {
  const s = summarizeServerMetrics([
    sample(0, {
      numRequestsWaiting: 0,
      numRequestsRunning: 2,
      kvCacheUsage: 0.1,
      prefixCacheQueriesTotal: 1000,
      prefixCacheHitsTotal: 900,
    }),
    sample(1000, {
      numRequestsWaiting: 7,
      numRequestsRunning: 8,
      kvCacheUsage: 0.9,
      prefixCacheQueriesTotal: 2000,
      prefixCacheHitsTotal: 1150,
    }),
    sample(2000, {
      numRequestsWaiting: 3,
      numRequestsRunning: 8,
      kvCacheUsage: 0.5,
      prefixCacheQueriesTotal: 3000,
      prefixCacheHitsTotal: 1400,
    }),
  ])!;
  assert.equal(s.peak_waiting, 7);
  assert.equal(s.peak_running, 8);
  assert.equal(s.peak_kv_cache_usage, 0.9);
  assert.ok(Math.abs(s.mean_kv_cache_usage! - 0.5) < 1e-12);
  assert.equal(s.prefix_cache_hit_rate, 0.25, "500 hits of 2000 queried tokens during the run");
});

Deno.test("no samples: null; series never exposed: null fields, not zeros", () => {
  assert.equal(summarizeServerMetrics([]), null);
  const s = summarizeServerMetrics([sample(0), sample(1000)])!;
  assert.deepEqual(
    [s.peak_waiting, s.peak_kv_cache_usage, s.mean_kv_cache_usage, s.preemptions],
    [null, null, null, null],
  );
  assert.deepEqual([s.prompt_tokens_per_s, s.prefix_cache_hit_rate], [null, null]);
  const one = summarizeServerMetrics([sample(0, { generationTokensTotal: 5 })])!;
  assert.equal(one.generation_tokens_per_s, null, "one sample has no delta");
  assert.equal(
    summarizeServerMetrics([
      sample(0, { prefixCacheQueriesTotal: 10, prefixCacheHitsTotal: 0 }),
      sample(1, { prefixCacheQueriesTotal: 10, prefixCacheHitsTotal: 0 }),
    ])!.prefix_cache_hit_rate,
    null,
    "nothing queried during the run: no rate",
  );
});

Deno.test("the terminal line shows what the server exposed and leaves the rest out", () => {
  const s = summarizeServerMetrics([
    sample(0, { numRequestsWaiting: 1, kvCacheUsage: 0.5, generationTokensTotal: 0 }),
    sample(2000, { numRequestsWaiting: 4, kvCacheUsage: 0.7, generationTokensTotal: 1000 }),
  ])!;
  assert.equal(
    renderServerMetricsLine(s),
    "server /metrics (2 samples): waiting peak 4 · KV cache peak 70% mean 60% · generation 500 tok/s",
  );
  assert.equal(
    renderServerMetricsLine(summarizeServerMetrics([sample(0)])!),
    "server /metrics (1 sample): no vLLM series",
  );
});
