import assert from "node:assert/strict";
import {
  E2E_BUCKETS_S,
  formatPromNumber,
  Histogram,
  type MetricsSnapshot,
  PROM_CONTENT_TYPE,
  renderPromMetrics,
  TTFT_BUCKETS_S,
} from "../../lib/sim/prom_metrics.ts";
import { startSim } from "../../lib/sim/mod.ts";
import { parsePromText, type PromFamily } from "../../lib/telemetry/prom_text.ts";

/** Metric families vLLM serves and the simulator must too, with their types. */
const EXPECTED: [string, PromFamily["type"]][] = [
  ["vllm:num_requests_running", "gauge"],
  ["vllm:num_requests_waiting", "gauge"],
  ["vllm:gpu_cache_usage_perc", "gauge"],
  ["vllm:kv_cache_usage_perc", "gauge"],
  ["vllm:num_preemptions_total", "counter"],
  ["vllm:prompt_tokens_total", "counter"],
  ["vllm:generation_tokens_total", "counter"],
  ["vllm:request_success_total", "counter"],
  ["vllm:time_to_first_token_seconds", "histogram"],
  ["vllm:e2e_request_latency_seconds", "histogram"],
  ["vllm:lora_requests_info", "gauge"],
  ["vllm:cache_config_info", "gauge"],
];

function snapshot(over: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  const ttft = new Histogram(TTFT_BUCKETS_S);
  for (const v of [0.0005, 0.001, 0.03, 0.3, 5000]) ttft.observe(v);
  const e2e = new Histogram(E2E_BUCKETS_S);
  e2e.observe(1.2);
  return {
    model: 'we"ird\\model\nname',
    running: 3,
    waiting: 2,
    kvCacheUsage: 0.25,
    preemptions: 4,
    promptTokens: 1234567,
    generationTokens: 890,
    requestSuccess: { stop: 5, length: 1 },
    ttft: ttft.snapshot(),
    e2e: e2e.snapshot(),
    lora: { maxLora: 2, running: ["a", "b"], waiting: [], timestamp: 1_723_456_789.25 },
    cacheConfig: { block_size: 16, gpu_memory_utilization: 0.9, num_gpu_blocks: 4096 },
    ...over,
  };
}

Deno.test("numbers are formatted as prometheus_client formats them", () => {
  const cases: [number, string][] = [
    [0, "0.0"],
    [3, "3.0"],
    [0.25, "0.25"],
    [0.001, "0.001"],
    [2560, "2560.0"],
    [123456, "123456.0"],
    [1234567, "1.234567e+06"],
    [1_723_456_789.25, "1.72345678925e+09"],
    [0.00005, "5e-05"],
    [1e16, "1e+16"],
    [Infinity, "+Inf"],
    [NaN, "NaN"],
  ];
  for (const [x, want] of cases) assert.equal(formatPromNumber(x), want, String(x));
});

Deno.test("histogram counts a value equal to a bound in that bound's bucket", () => {
  const h = new Histogram([1, 2]);
  for (const v of [0.5, 1, 1.5, 2, 3]) h.observe(v);
  assert.deepEqual(h.snapshot(), { bounds: [1, 2], cumulative: [2, 4], count: 5, sum: 8 });
});

Deno.test("rendered page parses strictly with every vLLM family, type and label", () => {
  const text = renderPromMetrics(snapshot());
  const families = parsePromText(text);
  assert.deepEqual([...families.keys()], EXPECTED.map(([n]) => n));
  for (const [name, type] of EXPECTED) {
    const f = families.get(name)!;
    assert.equal(f.type, type, name);
    assert.ok(f.help.length > 0, `${name} has no help text`);
  }
  const one = (name: string, labels: Record<string, string> = {}) => {
    const f = families.get(name.replace(/_(bucket|count|sum)$/, ""))!;
    const s = f.samples.filter((x) =>
      x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v)
    );
    assert.equal(s.length, 1, `${name} ${JSON.stringify(labels)}`);
    return s[0];
  };
  const model = 'we"ird\\model\nname';
  assert.deepEqual(one("vllm:num_requests_running").labels, { engine: "0", model_name: model });
  assert.equal(one("vllm:num_requests_running").value, 3);
  assert.equal(one("vllm:num_requests_waiting").value, 2);
  assert.equal(one("vllm:kv_cache_usage_perc").value, 0.25);
  assert.equal(one("vllm:gpu_cache_usage_perc").value, 0.25);
  assert.equal(one("vllm:num_preemptions_total").value, 4);
  assert.equal(one("vllm:prompt_tokens_total").value, 1234567);
  assert.equal(one("vllm:generation_tokens_total").value, 890);
  const success = families.get("vllm:request_success_total")!.samples;
  assert.deepEqual(
    success.map((s) => [s.labels.finished_reason, s.value]),
    [["stop", 5], ["length", 1], ["abort", 0]],
  );

  const ttft = families.get("vllm:time_to_first_token_seconds")!.samples;
  const buckets = ttft.filter((s) => s.name.endsWith("_bucket"));
  assert.deepEqual(
    buckets.map((s) => s.labels.le),
    [...TTFT_BUCKETS_S.map(formatPromNumber), "+Inf"],
  );
  assert.equal(one("vllm:time_to_first_token_seconds_bucket", { le: "0.001" }).value, 2);
  assert.equal(one("vllm:time_to_first_token_seconds_bucket", { le: "2560.0" }).value, 4);
  assert.equal(one("vllm:time_to_first_token_seconds_count").value, 5);
  assert.ok(Math.abs(one("vllm:time_to_first_token_seconds_sum").value - 5000.3315) < 1e-9);
  const e2eLe = families.get("vllm:e2e_request_latency_seconds")!.samples
    .filter((s) => s.name.endsWith("_bucket")).map((s) => s.labels.le);
  assert.deepEqual(e2eLe, [...E2E_BUCKETS_S.map(formatPromNumber), "+Inf"]);

  const lora = one("vllm:lora_requests_info");
  assert.deepEqual(lora.labels, {
    max_lora: "2",
    running_lora_adapters: "a,b",
    waiting_lora_adapters: "",
  });
  assert.ok(Math.abs(lora.value - 1_723_456_789.25) < 1e-3);
  const cache = one("vllm:cache_config_info");
  assert.equal(cache.value, 1);
  assert.deepEqual(cache.labels, {
    block_size: "16",
    engine: "0",
    gpu_memory_utilization: "0.9",
    num_gpu_blocks: "4096",
  });
});

Deno.test("the strict parser rejects pages that break the format", () => {
  const good = renderPromMetrics(snapshot());
  const broken = [
    good.replace("# HELP vllm:num_requests_waiting", "# HALP vllm:num_requests_waiting"),
    good.replace(/# TYPE vllm:prompt_tokens_total counter\n/, ""),
    good.replace(
      "# TYPE vllm:num_preemptions_total counter",
      "# TYPE vllm:num_preemptions_total gauge",
    )
      .replace("vllm:num_preemptions_total{", "vllm:num_preemptions{"),
    good.replace(
      /(time_to_first_token_seconds_bucket\{engine="0",le="0\.005",[^}]*\}) 2\.0/,
      "$1 1.0",
    ),
    good.replace(
      /(time_to_first_token_seconds_bucket\{engine="0",le="\+Inf",[^}]*\}) 5\.0/,
      "$1 6.0",
    ),
    good.replace('le="+Inf"', 'le="9999.0"'),
    good.replace("vllm:num_requests_running{", "vllm:num-requests{"),
    good.replace('model_name="we', "model_name=we"),
    good + "vllm:extra 1.0\n",
    good.slice(0, -1),
  ];
  for (const [i, page] of broken.entries()) {
    assert.notEqual(page, good, `case ${i} did not change the page`);
    assert.throws(() => parsePromText(page), Error, `case ${i} parsed`);
  }
});

Deno.test("GET /metrics serves the simulator's live counts in vLLM's format", async () => {
  const sim = await startSim({
    model: "m",
    ttftMs: 5,
    ttftPerPromptTokenMs: 0,
    itlMs: 2,
    loraAdapters: ["ad1"],
  });
  const root = sim.baseUrl.replace(/\/v1$/, "");
  const scrape = async () => {
    const res = await fetch(root + "/metrics");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), PROM_CONTENT_TYPE);
    return parsePromText(await res.text());
  };
  const value = (fs: Map<string, PromFamily>, name: string, sample = name, label?: string) => {
    const s = fs.get(name)!.samples.filter((x) =>
      x.name === sample && (label === undefined || x.labels.finished_reason === label)
    );
    return s.reduce((a, x) => a + x.value, 0);
  };
  try {
    const empty = await scrape();
    assert.equal(value(empty, "vllm:generation_tokens_total"), 0);

    // One long stream for the adapter stays open while we scrape.
    const open = await fetch(sim.baseUrl + "/completions", {
      method: "POST",
      body: JSON.stringify({
        model: "ad1",
        prompt: "keep going",
        max_tokens: 2000,
        ignore_eos: true,
        stream: true,
      }),
    });
    const reader = open.body!.getReader();
    await reader.read();
    const during = await scrape();
    assert.equal(value(during, "vllm:num_requests_running"), 1);
    const lora = during.get("vllm:lora_requests_info")!.samples[0];
    assert.equal(lora.labels.running_lora_adapters, "ad1");
    await reader.cancel();

    const prompts = ["one two three", "four five"];
    for (const [i, prompt] of prompts.entries()) {
      const res = await fetch(sim.baseUrl + "/completions", {
        method: "POST",
        body: JSON.stringify({ prompt, max_tokens: 4 + i, ignore_eos: true, stream: i === 0 }),
      });
      await res.text();
    }
    // The cancelled stream is counted once the server notices the disconnect.
    let after = await scrape();
    for (let i = 0; i < 100 && value(after, "vllm:num_requests_running") > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      after = await scrape();
    }
    assert.equal(value(after, "vllm:num_requests_running"), 0);
    const ttftCount = value(
      after,
      "vllm:time_to_first_token_seconds",
      "vllm:time_to_first_token_seconds_count",
    );
    assert.equal(ttftCount, 3);
    assert.equal(value(after, "vllm:request_success_total", undefined, "length"), 2);
    assert.equal(value(after, "vllm:request_success_total", undefined, "abort"), 1);
    // Finished requests; whether the aborted one counts too depends on the engine's source.
    const e2eCount = value(
      after,
      "vllm:e2e_request_latency_seconds",
      "vllm:e2e_request_latency_seconds_count",
    );
    assert.ok(e2eCount === 2 || e2eCount === 3, `e2e count ${e2eCount}`);
    const generated = value(after, "vllm:generation_tokens_total");
    assert.ok(generated >= 4 + 5 + 1, `generated ${generated}`);
    assert.equal(value(after, "vllm:generation_tokens_total"), sim.stats().tokens);
    // 2 tokens of "keep going" plus the two prompts.
    assert.equal(value(after, "vllm:prompt_tokens_total"), 2 + 3 + 2);
  } finally {
    await sim.close();
  }
});
