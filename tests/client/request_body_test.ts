import assert from "node:assert/strict";
import { buildRequest } from "../../lib/client/request_body.ts";
import type { RequestSpec } from "../../lib/client/types.ts";

const base: RequestSpec = { endpoint: "chat", model: "llama", prompt: "Hello", maxTokens: 64 };

Deno.test("chat requests post one user message to /chat/completions with usage streaming", () => {
  assert.deepEqual(buildRequest(base), {
    path: "/chat/completions",
    body: {
      model: "llama",
      messages: [{ role: "user", content: "Hello" }],
      max_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
    },
  });
});

Deno.test("completions requests post the prompt to /completions", () => {
  assert.deepEqual(buildRequest({ ...base, endpoint: "completions" }), {
    path: "/completions",
    body: {
      model: "llama",
      prompt: "Hello",
      max_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
    },
  });
});

Deno.test("ignore_eos is sent only when asked for", () => {
  assert.equal(buildRequest({ ...base, ignoreEos: true }).body.ignore_eos, true);
  assert.equal("ignore_eos" in buildRequest({ ...base, ignoreEos: false }).body, false);
  assert.equal("ignore_eos" in buildRequest(base).body, false);
});

Deno.test("extraBody is merged last and replaces our fields whole", () => {
  const { body } = buildRequest({
    ...base,
    ignoreEos: true,
    extraBody: {
      temperature: 0,
      top_p: 0.9,
      max_tokens: 8,
      stream_options: { include_usage: true, continuous_usage_stats: true },
    },
  });
  assert.equal(body.temperature, 0);
  assert.equal(body.top_p, 0.9);
  assert.equal(body.max_tokens, 8);
  assert.deepEqual(body.stream_options, { include_usage: true, continuous_usage_stats: true });
  assert.equal(body.ignore_eos, true);
  assert.equal(body.stream, true);
});

Deno.test("building a request does not modify the spec", () => {
  const spec: RequestSpec = { ...base, extraBody: { seed: 1 } };
  const copy = structuredClone(spec);
  buildRequest(spec).body.seed = 2;
  assert.deepEqual(spec, copy);
});

Deno.test("chat requests send a dataset conversation's messages as given, roles and all", () => {
  const messages = [
    { role: "system" as const, content: "Be brief." },
    { role: "user" as const, content: "Summarise LoRA." },
    { role: "assistant" as const, content: "Low-rank adapters." },
    { role: "user" as const, content: "Shorter." },
  ];
  const { path, body } = buildRequest({ ...base, model: "sum-lora", prompt: messages });
  assert.equal(path, "/chat/completions");
  assert.deepEqual(body.messages, messages);
  assert.equal(body.model, "sum-lora");
  assert.notStrictEqual(body.messages, messages, "the body owns its copy");
});

Deno.test("a completions request with chat messages is refused: roles cannot become a prompt", () => {
  assert.throws(
    () =>
      buildRequest({
        ...base,
        endpoint: "completions",
        prompt: [{ role: "user", content: "Hi" }],
      }),
    RangeError,
  );
});

Deno.test("sampling parameters go out under their API names, only the ones that are set", () => {
  const sampling = {
    temperature: 0,
    topP: 0.9,
    topK: 40,
    minP: 0.05,
    presencePenalty: -0.5,
    frequencyPenalty: 1.5,
    repetitionPenalty: 1.1,
    stop: ["\n\n", "END"],
    seed: 7,
  };
  for (const endpoint of ["chat", "completions"] as const) {
    const { body } = buildRequest({ ...base, endpoint, sampling });
    assert.deepEqual(body.temperature, 0, "0 is a value, not 'unset'");
    assert.deepEqual(body.top_p, 0.9);
    assert.deepEqual(body.top_k, 40);
    assert.deepEqual(body.min_p, 0.05);
    assert.deepEqual(body.presence_penalty, -0.5);
    assert.deepEqual(body.frequency_penalty, 1.5);
    assert.deepEqual(body.repetition_penalty, 1.1);
    assert.deepEqual(body.stop, ["\n\n", "END"]);
    assert.deepEqual(body.seed, 7);
  }
  const { body } = buildRequest({ ...base, sampling: { topP: 0.5 } });
  assert.deepEqual(Object.keys(body).filter((k) => !(k in buildRequest(base).body)), ["top_p"]);
});
