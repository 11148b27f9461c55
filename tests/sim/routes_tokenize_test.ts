import assert from "node:assert/strict";
import { type SimHandle, startSim } from "../../lib/sim/mod.ts";

async function withSim(fn: (sim: SimHandle, call: Caller) => Promise<void>) {
  const sim = await startSim({
    model: "tok-model",
    maxModelLen: 64,
    ttftMs: 1,
    ttftPerPromptTokenMs: 0,
    itlMs: 1,
    loraAdapters: ["ad"],
  });
  const root = sim.baseUrl.replace(/\/v1$/, "");
  const call: Caller = async (path, body) => {
    const res = await fetch(root + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  try {
    await fn(sim, call);
  } finally {
    await sim.close();
  }
}

/** The JSON fields these tests read, across the routes they call. */
interface Answer {
  count: number;
  max_model_len: number;
  tokens: number[];
  token_strs: string[] | null;
  prompt: string;
  error: { message: string; type: string; code: number };
  usage: { prompt_tokens: number };
  choices: { text: string }[];
}

type Caller = (path: string, body: unknown) => Promise<{ status: number; body: Answer }>;

Deno.test("/tokenize counts equal usage.prompt_tokens for the same prompt or messages", async () => {
  await withSim(async (_sim, call) => {
    const prompts = ["Hello, world! The model's cache.", "the model token", "漢字 😀 x"];
    for (const prompt of prompts) {
      const tok = await call("/tokenize", { model: "tok-model", prompt });
      assert.equal(tok.status, 200);
      assert.deepEqual(Object.keys(tok.body), ["count", "max_model_len", "tokens", "token_strs"]);
      assert.equal(tok.body.max_model_len, 64);
      assert.equal(tok.body.token_strs, null);
      assert.equal(tok.body.tokens.length, tok.body.count);
      const gen = await call("/v1/completions", { prompt, max_tokens: 2 });
      assert.equal(gen.status, 200);
      assert.equal(tok.body.count, gen.body.usage.prompt_tokens, prompt);
    }
    const messages = [
      { role: "system", content: "You are terse." },
      { role: "user", content: [{ type: "text", text: "Name a river." }] },
    ];
    const tok = await call("/tokenize", { messages, add_generation_prompt: true });
    const chat = await call("/v1/chat/completions", { messages, max_tokens: 2 });
    assert.equal(chat.status, 200);
    assert.equal(tok.body.count, chat.body.usage.prompt_tokens);

    // An adapter name is a valid model here too; unknown models are 404 as for generation.
    assert.equal((await call("/tokenize", { model: "ad", prompt: "x" })).status, 200);
    const unknown = await call("/tokenize", { model: "nope", prompt: "x" });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error.message, /nope/);
  });
});

Deno.test("/detokenize inverts /tokenize for the simulator's own text", async () => {
  await withSim(async (_sim, call) => {
    const gen = await call("/v1/completions", { prompt: "go", max_tokens: 20, ignore_eos: true });
    const generated: string = gen.body.choices[0].text;
    for (const text of [generated, generated.trim(), "the model, (batch) + cache!"]) {
      const tok = await call("/tokenize", { prompt: text, return_token_strs: true });
      assert.equal(tok.body.token_strs!.join(""), text);
      const detok = await call("/detokenize", { model: "tok-model", tokens: tok.body.tokens });
      assert.equal(detok.status, 200);
      assert.deepEqual(detok.body, { prompt: text });
    }
    // Arbitrary ids come back as text with exactly that many prompt tokens.
    const ids = Array.from({ length: 40 }, (_, i) => 16 + ((i * 7919) % 31900));
    const text = (await call("/detokenize", { tokens: ids })).body.prompt;
    const again = await call("/tokenize", { prompt: text });
    assert.equal(again.body.count, ids.length);
  });
});

Deno.test("/tokenize and /detokenize refuse malformed bodies with vLLM's 400", async () => {
  await withSim(async (sim, call) => {
    const cases: [string, unknown][] = [
      ["/tokenize", "{not json"],
      ["/tokenize", {}],
      ["/tokenize", { prompt: 5 }],
      ["/tokenize", { messages: [] }],
      ["/tokenize", { prompt: "x", add_special_tokens: "yes" }],
      ["/detokenize", {}],
      ["/detokenize", { tokens: [1, 32000] }],
      ["/detokenize", { tokens: [-1] }],
      ["/detokenize", { tokens: ["a"] }],
    ];
    for (const [path, body] of cases) {
      const r = await call(path, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 400);
      assert.equal(r.body.error.type, "BadRequestError");
    }
    const get = await fetch(sim.baseUrl.replace(/\/v1$/, "/tokenize"));
    assert.equal(get.status, 405);
    await get.body?.cancel();
  });
});
