/**
 * Issue 20, reasoning streams on the simulator: `reasoningTokens: N` sends the first N output
 * tokens of each chat stream as `delta.reasoning_content`, over real HTTP; the client counts
 * them apart, and a whole run (`--target sim --sim-reasoning-tokens N`) puts reasoning totals,
 * answer tokens/s and `ttfat_ms` in summary.json and requests.jsonl.
 */
import assert from "node:assert/strict";
import { sendRequest } from "../../lib/client/stream_client.ts";
import type { Job } from "../../lib/client/types.ts";
import { type SimOptions, startSim } from "../../lib/sim/mod.ts";
import { requestMetrics } from "../../lib/metrics/per_request.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { runInProcess } from "../helpers/run_in_process.ts";

const FAST = { ttftMs: 5, ttftPerPromptTokenMs: 0, itlMs: 2 };

function job(endpoint: "chat" | "completions", maxTokens: number): Job {
  return {
    index: 0,
    phase: "measure",
    scheduledAt: 0,
    spec: { endpoint, model: "sim-llama-8b", prompt: "Why?", maxTokens, ignoreEos: true },
  };
}

async function simRecord(
  options: SimOptions,
  endpoint: "chat" | "completions",
  maxTokens: number,
): Promise<RequestRecord> {
  const sim = await startSim({ ...FAST, ...options });
  try {
    return await sendRequest(job(endpoint, maxTokens), {
      baseUrl: sim.baseUrl,
      timeoutMs: 10_000,
      origin: performance.now(),
    });
  } finally {
    await sim.close();
  }
}

Deno.test("sim reasoningTokens: the first N chat tokens are reasoning; usage counts them all", async () => {
  const r = await simRecord({ reasoningTokens: 5 }, "chat", 12);
  assert.equal(r.error, undefined);
  assert.equal(r.outputTokens, 12);
  assert.equal(r.outputTokensSource, "usage");
  assert.equal(r.reasoningTokens, 5);
  assert.equal(r.firstAnswerAt, r.tokenTimes[5]);
  const m = requestMetrics(r);
  assert.ok(m.ttfatMs! > m.ttftMs!, `ttfat ${m.ttfatMs} > ttft ${m.ttftMs}`);
});

Deno.test("sim reasoningTokens with multi-token chunks: an event straddling the end splits its delta", async () => {
  const r = await simRecord({ reasoningTokens: 6, chunkTokens: 4 }, "chat", 12);
  assert.equal(r.error, undefined);
  assert.equal(r.outputTokens, 12);
  // Events: [4 reasoning], [2 reasoning + 2 answer: the answer starts here], [4 answer].
  assert.equal(r.tokenTimes.length, 3);
  assert.equal(r.reasoningTokens, 4, "the straddling event counts as the answer's start");
  assert.equal(r.firstAnswerAt, r.tokenTimes[1]);
});

Deno.test("sim reasoningTokens leaves completions streams and reasoning-free runs alone", async () => {
  const completions = await simRecord({ reasoningTokens: 5 }, "completions", 8);
  assert.equal(completions.outputTokens, 8);
  assert.equal(completions.reasoningTokens, undefined);
  const plain = await simRecord({}, "chat", 8);
  assert.equal(plain.reasoningTokens, undefined);
  assert.equal(plain.firstAnswerAt, undefined);
});

Deno.test("sim reasoningTokens must be a whole number >= 0", async () => {
  await assert.rejects(() => startSim({ reasoningTokens: -1 }), /reasoningTokens/);
});

Deno.test("run --target sim --sim-reasoning-tokens: summary.json reasoning totals and ttfat_ms, requests.jsonl fields", async () => {
  const r = await runInProcess([
    "--target",
    "sim",
    "--sim-reasoning-tokens",
    "10",
    "--sim-itl",
    "2ms",
    "--sim-ttft",
    "5ms",
    "--concurrency",
    "2",
    "--requests",
    "4",
    "--max-tokens",
    "30",
    "--ignore-eos",
  ]);
  const s = r.summary;
  assert.equal(s.tokens.output_total, 120);
  assert.equal(s.tokens.reasoning_requests, 4);
  assert.equal(s.tokens.reasoning_total, 40);
  assert.equal(s.tokens.answer_total, 80);
  assert.ok(s.throughput.answer_tokens_per_s > 0);
  assert.ok(s.throughput.answer_tokens_per_s < s.throughput.output_tokens_per_s);
  assert.equal(s.ttfat_ms.count, 4);
  assert.ok(s.ttfat_ms.p50 > s.ttft_ms.p50, `ttfat ${s.ttfat_ms.p50} > ttft ${s.ttft_ms.p50}`);
  for (const rec of r.records) {
    assert.equal(rec.reasoning_tokens, 10);
    assert.ok(rec.ttfat_ms > rec.ttft_ms);
    assert.equal(rec.first_answer_at_ms, rec.token_times_ms[10]);
  }
});

Deno.test("a run without reasoning has no reasoning keys in summary.json or requests.jsonl", async () => {
  const r = await runInProcess(["--target", "sim", "--requests", "2", "--max-tokens", "8"]);
  assert.equal("ttfat_ms" in r.summary, false);
  assert.equal("reasoning_total" in r.summary.tokens, false);
  assert.equal("answer_tokens_per_s" in r.summary.throughput, false);
  for (const rec of r.records) {
    assert.equal("reasoning_tokens" in rec, false);
    assert.equal("ttfat_ms" in rec, false);
  }
});
