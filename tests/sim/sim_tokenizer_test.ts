import assert from "node:assert/strict";
import { parseSimArgs } from "../../lib/cli/sim_args.ts";
import { startSim } from "../../lib/sim/mod.ts";
import { loadLocalTokenizer } from "../../lib/workload/local_tokenizer.ts";

const FIXTURE = new URL("../../fixtures/tokenizers/tiny-llama3/", import.meta.url).pathname;
const tok = await loadLocalTokenizer(FIXTURE);

async function post(root: string, path: string, body: unknown) {
  const res = await fetch(root + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("the simulator given a tokenizer counts usage and /tokenize with it, as vLLM would", async () => {
  const sim = await startSim({ tokenizer: tok.files, ttftMs: 1, itlMs: 1, seed: 3 });
  const root = sim.baseUrl.replace(/\/v1$/, "");
  try {
    const text = "time day information 시간 사람";
    const plain = await post(root, "/tokenize", { prompt: text });
    assert.equal(plain.status, 200);
    assert.equal(plain.body.count, tok.countSync(text, "prompt"));
    const raw = await post(root, "/tokenize", {
      prompt: text,
      add_special_tokens: false,
      return_token_strs: true,
    });
    assert.equal(raw.body.count, plain.body.count - 1, "no BOS");
    assert.deepEqual(plain.body.tokens.slice(1), raw.body.tokens);
    assert.ok(raw.body.token_strs.includes("Ġday"));
    const chat = await post(root, "/tokenize", { messages: [{ role: "user", content: text }] });
    assert.equal(chat.body.count, tok.countSync(text, "chat"));
    const back = await post(root, "/detokenize", { tokens: raw.body.tokens });
    assert.equal(back.body.prompt, text);
    const wrong = await post(root, "/detokenize", { tokens: [1, 999999] });
    assert.equal(wrong.status, 400);

    const comp = await post(sim.baseUrl, "/completions", { prompt: text, max_tokens: 2 });
    assert.equal(comp.body.usage.prompt_tokens, tok.countSync(text, "prompt"));
    const cc = await post(sim.baseUrl, "/chat/completions", {
      messages: [{ role: "user", content: [{ type: "text", text }] }],
      max_tokens: 2,
    });
    assert.equal(cc.body.usage.prompt_tokens, tok.countSync(text, "chat"));
  } finally {
    await sim.close();
  }
});

Deno.test("llmload sim --tokenizer takes a path; the CLI reads it before listening", () => {
  assert.equal(parseSimArgs(["--tokenizer", FIXTURE]).tokenizer, FIXTURE);
  assert.equal(parseSimArgs([]).tokenizer, undefined);
});
