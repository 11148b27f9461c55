import assert from "node:assert/strict";
import { type SimOptions, startSim } from "../../lib/sim/mod.ts";

/** The value of the sample of `name` (no label filter: the simulator has one engine). */
function sampleOf(page: string, name: string): number {
  const line = page.split("\n").find((l) => l.startsWith(`${name}{`));
  assert.ok(line, `${name} on /metrics`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
}

/** Sends `prompt` twice, one after the other, and returns prompt tokens and the /metrics page. */
async function twice(options: SimOptions, prompt: string): Promise<[number, string]> {
  const sim = await startSim({ ...options, port: 0 });
  try {
    let promptTokens = 0;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${sim.baseUrl}/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt, max_tokens: 2, ignore_eos: true }),
      });
      assert.equal(res.status, 200);
      promptTokens = (await res.json()).usage.prompt_tokens;
    }
    const page = await (await fetch(sim.baseUrl.replace(/\/v1$/, "/metrics"))).text();
    return [promptTokens, page];
  } finally {
    await sim.close();
  }
}

const LONG_PROMPT = Array.from({ length: 1000 }, (_, i) => `word${i % 97}`).join(" ");

Deno.test("HTTP: the same long prompt twice: /metrics counts queried tokens and the second's hits", async () => {
  const [n, page] = await twice({}, LONG_PROMPT);
  assert.equal(n, 1000);
  assert.equal(sampleOf(page, "vllm:prefix_cache_queries_total"), 2 * n);
  // Full 16-token blocks before the last token (vLLM always computes at least one token).
  assert.equal(sampleOf(page, "vllm:prefix_cache_hits_total"), Math.floor((n - 1) / 16) * 16);
  assert.match(page, /# TYPE vllm:prefix_cache_hits_total counter/);
  assert.match(page, /vllm:cache_config_info\{[^}]*enable_prefix_caching="True"/);
});

Deno.test("HTTP: with prefix caching off the counters stay at 0", async () => {
  const [n, page] = await twice({ engine: { enablePrefixCaching: false } }, LONG_PROMPT);
  assert.equal(n, 1000);
  assert.equal(sampleOf(page, "vllm:prefix_cache_queries_total"), 0);
  assert.equal(sampleOf(page, "vllm:prefix_cache_hits_total"), 0);
  assert.match(page, /vllm:cache_config_info\{[^}]*enable_prefix_caching="False"/);
});

Deno.test("HTTP: chat prompts with a shared leading message hit; a different first message does not", async () => {
  const sim = await startSim({ port: 0, engine: { blockSize: 8 } });
  try {
    const system = Array.from({ length: 200 }, (_, i) => `rule${i}`).join(" ");
    const ask = async (first: string, question: string) => {
      const res = await fetch(`${sim.baseUrl}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          messages: [{ role: "system", content: first }, { role: "user", content: question }],
          max_tokens: 1,
        }),
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    };
    const hits = async () => {
      const page = await (await fetch(sim.baseUrl.replace(/\/v1$/, "/metrics"))).text();
      return sampleOf(page, "vllm:prefix_cache_hits_total");
    };
    await ask(system, "first question");
    assert.equal(await hits(), 0);
    await ask(system, "another question entirely");
    // The system message (3 + 200 + 1 tokens) then the user header: 25 full 8-token blocks.
    assert.equal(await hits(), 25 * 8);
    await ask(`x ${system}`, "first question");
    assert.equal(await hits(), 25 * 8, "a different first token shares nothing");
  } finally {
    await sim.close();
  }
});
