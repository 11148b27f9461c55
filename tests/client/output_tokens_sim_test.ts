/**
 * Issue 18, "Honest numbers": a server that sends no `usage` and streams multi-token text chunks
 * (as `@dwmkerr/mock-llm` does) must not have its chunks reported as tokens. Played by the real
 * simulator over HTTP on 127.0.0.1 (`usage: false`, `chunkTokens`), no fetch mock.
 */
import assert from "node:assert/strict";
import { sendRequest } from "../../lib/client/stream_client.ts";
import type { ClientConfig, Job } from "../../lib/client/types.ts";
import { type SimHandle, type SimOptions, startSim } from "../../lib/sim/mod.ts";
import { countTokens } from "../../lib/sim/tokenizer.ts";

const TOKENS = 100;

function job(endpoint: "chat" | "completions" = "chat"): Job {
  return {
    index: 0,
    phase: "measure",
    scheduledAt: 0,
    spec: { endpoint, model: "sim-llama-8b", prompt: "Hello", maxTokens: TOKENS, ignoreEos: true },
  };
}

async function withSim(options: SimOptions, fn: (sim: SimHandle) => Promise<void>) {
  const sim = await startSim({ ttftMs: 5, ttftPerPromptTokenMs: 0, itlMs: 1, ...options });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

function config(sim: SimHandle, extra: Partial<ClientConfig> = {}): ClientConfig {
  return { baseUrl: sim.baseUrl, timeoutMs: 10_000, origin: performance.now(), ...extra };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

Deno.test("no usage, 10-token chunks, no tokenizer: output tokens are estimated from the text, not counted as chunks", async () => {
  await withSim({ usage: false, chunkTokens: 10 }, async (sim) => {
    for (const endpoint of ["chat", "completions"] as const) {
      const r = await sendRequest(job(endpoint), config(sim));
      assert.equal(r.error, undefined);
      assert.equal(r.tokenTimes.length, 10, "10 events of 10 tokens");
      assert.equal(r.outputTokensSource, "estimate", endpoint);
      // The truth is 100; counting chunks said 10. An estimate within a factor 1.5 is honest.
      assert.ok(
        r.outputTokens >= TOKENS / 1.5 && r.outputTokens <= TOKENS * 1.5,
        `${endpoint}: ${r.outputTokens} output tokens, truth ${TOKENS}`,
      );
      // Each event's ITL weight follows its text, and the weights add up to the total.
      assert.equal(sum(r.tokenCounts), r.outputTokens);
      assert.ok(r.tokenCounts.every((k) => k >= 5 && k <= 15), r.tokenCounts.join(","));
    }
  });
});

Deno.test("no usage with a tokenizer: output tokens are the tokenizer's count of the streamed text", async () => {
  await withSim({ usage: false, chunkTokens: 10 }, async (sim) => {
    const r = await sendRequest(job(), config(sim, { countOutputTokens: countTokens }));
    assert.equal(r.outputTokensSource, "tokenizer");
    assert.equal(r.outputTokens, TOKENS);
    assert.deepEqual(r.tokenCounts, new Array(10).fill(10));
  });
});

Deno.test("usage sent at the end of 10-token chunks: usage is the total and ITL weights spread it", async () => {
  await withSim({ chunkTokens: 10 }, async (sim) => {
    const r = await sendRequest(job(), config(sim));
    assert.equal(r.outputTokensSource, "usage");
    assert.equal(r.outputTokens, TOKENS);
    assert.deepEqual(r.tokenCounts, new Array(10).fill(10));
  });
});

Deno.test("no usage, one token per event (vLLM without include_usage): the estimate is the event count", async () => {
  await withSim({ usage: false }, async (sim) => {
    const r = await sendRequest(job(), config(sim));
    assert.equal(r.tokenTimes.length, TOKENS);
    assert.equal(r.outputTokens, TOKENS);
    assert.deepEqual(r.tokenCounts, new Array(TOKENS).fill(1));
    assert.equal(r.outputTokensSource, "estimate");
  });
});

Deno.test("usage from vLLM as usual: records are unchanged", async () => {
  await withSim({}, async (sim) => {
    const r = await sendRequest(job(), config(sim, { countOutputTokens: () => 1 }));
    assert.equal(r.outputTokensSource, "usage");
    assert.equal(r.outputTokens, TOKENS);
    assert.deepEqual(r.tokenCounts, new Array(TOKENS).fill(1));
  });
});
