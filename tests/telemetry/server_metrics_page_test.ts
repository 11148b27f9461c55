import assert from "node:assert/strict";
import { readPromText } from "../../lib/telemetry/prom_text.ts";
import {
  engineInfoFromPage,
  hasVllmSeries,
  serverSampleFromPage,
  serverSampleToJsonl,
} from "../../lib/telemetry/server_metrics_page.ts";
import {
  E2E_BUCKETS_S,
  Histogram,
  renderPromMetrics,
  TTFT_BUCKETS_S,
} from "../../lib/sim/prom_metrics.ts";

/** A page as the simulator renders it (vLLM's names and formatting). */
function simPage(): string {
  return renderPromMetrics({
    model: "m",
    running: 3,
    waiting: 2,
    kvCacheUsage: 0.25,
    preemptions: 4,
    promptTokens: 1234567,
    generationTokens: 890,
    requestSuccess: { stop: 5 },
    ttft: new Histogram(TTFT_BUCKETS_S).snapshot(),
    e2e: new Histogram(E2E_BUCKETS_S).snapshot(),
    lora: { maxLora: 2, running: ["a", "b"], waiting: ["c"], timestamp: 1_723_456_789.25 },
    cacheConfig: { block_size: 16, gpu_memory_utilization: 0.9, num_gpu_blocks: 4096 },
  });
}

Deno.test("a vLLM page becomes one sample with every kept series", () => {
  const page = readPromText(simPage());
  assert.ok(hasVllmSeries(page));
  assert.deepEqual(serverSampleFromPage(page, 1500), {
    tMs: 1500,
    numRequestsRunning: 3,
    numRequestsWaiting: 2,
    kvCacheUsage: 0.25,
    numPreemptionsTotal: 4,
    promptTokensTotal: 1234567,
    generationTokensTotal: 890,
    prefixCacheQueriesTotal: null,
    prefixCacheHitsTotal: null,
    loraRunning: ["a", "b"],
    loraWaiting: ["c"],
    maxLora: 2,
  });
});

Deno.test("several engines: counts and counters add up, KV usage is their mean; the old KV name is read; the newest LoRA series wins", () => {
  const text = [
    'vllm:num_requests_running{engine="0",model_name="m"} 4.0',
    'vllm:num_requests_running{engine="1",model_name="m"} 6.0',
    'vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.2',
    'vllm:gpu_cache_usage_perc{engine="1",model_name="m"} 0.6',
    'vllm:prefix_cache_queries_total{engine="0",model_name="m"} 100.0',
    'vllm:prefix_cache_queries_total{engine="1",model_name="m"} 50.0',
    'vllm:prefix_cache_hits_total{engine="0",model_name="m"} 30.0',
    'vllm:lora_requests_info{max_lora="4",running_lora_adapters="new",waiting_lora_adapters=""} 1.7e+09',
    'vllm:lora_requests_info{max_lora="4",running_lora_adapters="old",waiting_lora_adapters="x"} 1.6e+09',
    "",
  ].join("\n");
  const s = serverSampleFromPage(readPromText(text), 0);
  assert.equal(s.numRequestsRunning, 10);
  assert.equal(s.numRequestsWaiting, null, "a series the page lacks is null");
  assert.ok(Math.abs(s.kvCacheUsage! - 0.4) < 1e-12);
  assert.equal(s.prefixCacheQueriesTotal, 150);
  assert.equal(s.prefixCacheHitsTotal, 30);
  assert.deepEqual([s.loraRunning, s.loraWaiting, s.maxLora], [["new"], [], 4]);
});

Deno.test("a Prometheus page without vLLM series is recognised, and gives an all-null sample", () => {
  const page = readPromText("# TYPE tgi_queue_size gauge\ntgi_queue_size 3\n");
  assert.equal(hasVllmSeries(page), false);
  const s = serverSampleFromPage(page, 7);
  assert.equal(s.numRequestsRunning, null);
  assert.equal(s.loraRunning, null, "no LoRA gauge: null, not an empty list");
});

Deno.test("engine settings come from every *_info series, without the engine label or live adapter lists", () => {
  const info = engineInfoFromPage(
    readPromText(simPage() + 'vllm:model_config_info{dtype="bfloat16",engine="0"} 1.0\n'),
  );
  assert.deepEqual(info, {
    lora_requests_info: { max_lora: "2" },
    cache_config_info: { block_size: "16", gpu_memory_utilization: "0.9", num_gpu_blocks: "4096" },
    model_config_info: { dtype: "bfloat16" },
  });
});

Deno.test("server_metrics.jsonl lines use the contract's snake_case keys, in order", () => {
  const line = serverSampleToJsonl(serverSampleFromPage(readPromText(simPage()), 12.3456789));
  assert.deepEqual(Object.keys(JSON.parse(line)), [
    "t_ms",
    "num_requests_running",
    "num_requests_waiting",
    "kv_cache_usage",
    "num_preemptions_total",
    "prompt_tokens_total",
    "generation_tokens_total",
    "prefix_cache_queries_total",
    "prefix_cache_hits_total",
    "lora_running",
    "lora_waiting",
    "max_lora",
  ]);
  assert.equal(JSON.parse(line).t_ms, 12.346);
});
