import assert from "node:assert/strict";
import { createStreamState, interpretChunk, type StreamState } from "../../lib/client/chunk.ts";
import { createSseDecoder } from "../../lib/client/sse.ts";

const chat = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
  ...extra,
});
const usage = (completion: number, prompt = 12) => ({
  usage: {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  },
});

Deno.test("chunk: which single chunks are token events (table)", () => {
  const cases: [string, unknown, number][] = [
    ["content delta", chat({ content: "Hi" }), 1],
    ["reasoning_content delta", chat({ reasoning_content: "think" }), 1],
    ["reasoning delta", chat({ reasoning: "think" }), 1],
    ["tool call delta", chat({ tool_calls: [{ index: 0, function: { arguments: "{" } }] }), 1],
    ["role-only chunk", chat({ role: "assistant" }), 0],
    ["role chunk with empty content", chat({ role: "assistant", content: "" }), 0],
    ["empty delta", chat({}), 0],
    ["null content", chat({ content: null }), 0],
    ["completions text", { id: "cmpl-1", choices: [{ index: 0, text: "x" }] }, 1],
    ["completions empty text", { id: "cmpl-1", choices: [{ index: 0, text: "" }] }, 0],
    ["usage-only final chunk", { id: "chatcmpl-1", choices: [], ...usage(50) }, 0],
    ["usage without choices key", { id: "chatcmpl-1", ...usage(50) }, 0],
    ["role chunk with continuous usage 0", chat({ role: "assistant" }, usage(0)), 0],
    ["3 tokens in one chunk (continuous usage)", chat({ content: "abc" }, usage(3)), 3],
    ["usage rise without text", chat({ content: "" }, usage(2)), 2],
    ["text with usage not above total", chat({ content: "a" }, usage(0)), 1],
    ["not an object", 42, 0],
    ["null", null, 0],
    ["array", [1, 2], 0],
    ["choices not an array", { choices: "x" }, 0],
  ];
  for (const [name, chunk, want] of cases) {
    const state = createStreamState();
    assert.equal(interpretChunk(chunk, state), want, name);
    assert.equal(state.countedTokens, want, `${name}: running total`);
  }
});

Deno.test("chunk: continuous usage counts the rise over the running total, chunk by chunk", () => {
  const state = createStreamState();
  const counts = [
    chat({ role: "assistant", content: "" }, usage(0)),
    chat({ content: "ab" }, usage(2)),
    chat({ content: "c" }, usage(3)),
    chat({ content: "defg" }, usage(7)),
    { id: "chatcmpl-1", choices: [], ...usage(7) },
  ].map((c) => interpretChunk(c, state));
  assert.deepEqual(counts, [0, 2, 1, 4, 0]);
  assert.equal(state.countedTokens, 7);
  assert.equal(state.usageOutputTokens, 7);
  assert.equal(state.promptTokens, 12);
});

Deno.test("chunk: without continuous usage each output chunk counts 1 and the final usage wins", () => {
  const state = createStreamState();
  for (let i = 0; i < 3; i++) assert.equal(interpretChunk(chat({ content: "xx" }), state), 1);
  assert.equal(interpretChunk({ id: "chatcmpl-1", choices: [], ...usage(6) }, state), 0);
  assert.equal(state.countedTokens, 3);
  assert.equal(state.usageOutputTokens, 6);
});

Deno.test("chunk: keeps the first id and the latest finish_reason of any choice", () => {
  const state = createStreamState();
  interpretChunk(chat({ content: "a" }), state);
  interpretChunk({ id: "other", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }, state);
  assert.equal(state.responseId, "chatcmpl-1");
  assert.equal(state.finishReason, "stop");
  interpretChunk({ id: "x", choices: [{ index: 0, text: "", finish_reason: "length" }] }, state);
  assert.equal(state.finishReason, "length");
  interpretChunk({ id: "x", choices: [{ index: 0, text: "", finish_reason: null }] }, state);
  assert.equal(state.finishReason, "length");
});

Deno.test("chunk: an error object in the stream is reported, not counted", () => {
  const shapes: [unknown, string][] = [
    [{ error: { message: "engine died", code: 500 } }, "engine died"],
    [{ object: "error", message: "bad things", code: 400 }, "bad things"],
    [{ error: "plain" }, "plain"],
  ];
  for (const [chunk, message] of shapes) {
    const state = createStreamState();
    assert.equal(interpretChunk(chunk, state), 0);
    assert.equal(state.serverError, message);
  }
});

/** Runs a raw SSE transcript through decoder + interpreter, `reads` bytes at a time. */
function replay(transcript: string, readSize: number) {
  const bytes = new TextEncoder().encode(transcript);
  const state: StreamState = createStreamState();
  const counts: number[] = [];
  let done = false;
  const decoder = createSseDecoder((data) => {
    if (data === "[DONE]") {
      done = true;
      return;
    }
    const n = interpretChunk(JSON.parse(data), state);
    if (n > 0) counts.push(n);
  });
  for (let i = 0; i < bytes.length; i += readSize) decoder.push(bytes.subarray(i, i + readSize));
  decoder.end();
  return { state, counts, done };
}

const VLLM_CHAT = [
  chat({ role: "assistant", content: "" }),
  chat({ content: "안녕" }),
  chat({ content: "하세요" }),
  {
    ...chat({ content: "!" }),
    choices: [{ index: 0, delta: { content: "!" }, finish_reason: "length" }],
  },
  { id: "chatcmpl-1", object: "chat.completion.chunk", choices: [], ...usage(3, 5) },
].map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";

Deno.test("chunk: a vLLM chat transcript gives the same result however the reads are cut", () => {
  for (const readSize of [1, 2, 3, 5, 17, 64, 100_000]) {
    const { state, counts, done } = replay(VLLM_CHAT, readSize);
    assert.deepEqual(counts, [1, 1, 1], `read size ${readSize}`);
    assert.equal(done, true);
    assert.equal(state.finishReason, "length");
    assert.equal(state.usageOutputTokens, 3);
    assert.equal(state.promptTokens, 5);
    assert.equal(state.responseId, "chatcmpl-1");
  }
});

Deno.test("chunk: a transcript missing [DONE] still reports its finish_reason", () => {
  const noDone = VLLM_CHAT.replace("data: [DONE]\n\n", "");
  const { state, done } = replay(noDone, 7);
  assert.equal(done, false);
  assert.equal(state.finishReason, "length");
});
