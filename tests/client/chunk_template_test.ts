import assert from "node:assert/strict";
import { createStreamState, interpretChunk, type StreamState } from "../../lib/client/chunk.ts";
import {
  type ChunkTemplate,
  learnChunkTemplate,
  matchesChunkTemplate,
} from "../../lib/client/chunk_template.ts";
import { createRng } from "../../lib/load/rng.ts";

const VLLM = (content: string, extra = "") =>
  `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${
    JSON.stringify(content)
  }},"logprobs":null,"finish_reason":null}]${extra}}`;

/** Learns from `data` the way the client does: parse, interpret, then learn. */
function learn(data: string): { template: ChunkTemplate | undefined; state: StreamState } {
  const state = createStreamState();
  const chunk = JSON.parse(data);
  const tokens = interpretChunk(chunk, state);
  return { template: learnChunkTemplate(data, { chunk, tokens, state }), state };
}

/** The slow path's verdict on `data`: tokens and resulting state, or "parse" for invalid JSON. */
function slow(data: string, state: StreamState): { tokens: number; state: StreamState } | "parse" {
  const s = structuredClone(state);
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return "parse";
  }
  return { tokens: interpretChunk(chunk, s), state: s };
}

Deno.test("a vLLM chat token chunk yields a template that matches other non-empty outputs only", () => {
  const { template } = learn(VLLM(" word"));
  assert.ok(template);
  assert.ok(template.prefix.endsWith(`"delta":{"content":`));
  assert.equal(matchesChunkTemplate(VLLM(" other"), template), true);
  assert.equal(matchesChunkTemplate(VLLM('quote " and \\ and \n é 😀 \u2028'), template), true);
  assert.equal(matchesChunkTemplate(VLLM(""), template), false); // empty: not a token
  assert.equal(
    matchesChunkTemplate(
      VLLM("x").replace('"finish_reason":null', '"finish_reason":"stop"'),
      template,
    ),
    false,
  );
  assert.equal(
    matchesChunkTemplate(VLLM("x", ',"usage":{"completion_tokens":9}'), template),
    false,
  );
  assert.equal(
    matchesChunkTemplate(VLLM("x").replace("chatcmpl-1", "chatcmpl-2"), template),
    false,
  );
});

Deno.test("no template from chunks that are not one plain token: finish, usage, role-only, two choices, errors", () => {
  const cases = [
    VLLM("x").replace('"finish_reason":null', '"finish_reason":"length"'),
    VLLM("x", ',"usage":{"prompt_tokens":1,"completion_tokens":1}'),
    VLLM(""),
    VLLM("x").replace('"choices":[{', '"choices":[{"index":1,"delta":{"content":"y"}},{'),
    '{"error":{"message":"boom"}}',
    // The output string also appears elsewhere: the hole would be ambiguous.
    VLLM("m").replace('"model":"m"', '"model":"\\"m\\""').replace(
      '"content":"m"',
      '"content":"\\"m\\""',
    ),
  ];
  for (const data of cases) assert.equal(learn(data).template, undefined, data);
});

Deno.test("the hole must be the output field itself, not an equal string elsewhere", () => {
  // `"x"` appears once as the model (escaped differently in content), so indexOf finds the model.
  const data =
    `{"id":"a","model":"x","choices":[{"delta":{"content":"\\u0078"},"finish_reason":null}]}`;
  assert.equal(learn(data).template, undefined);
});

Deno.test("completions text chunks and reasoning deltas get templates too", () => {
  const text = (t: string) =>
    `{"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":${
      JSON.stringify(t)
    },"logprobs":null,"finish_reason":null,"stop_reason":null}]}`;
  const t = learn(text(" a")).template;
  assert.ok(t);
  assert.equal(matchesChunkTemplate(text(" b"), t), true);
  const reasoning = (r: string) =>
    `{"id":"c","choices":[{"index":0,"delta":{"reasoning_content":${
      JSON.stringify(r)
    }},"finish_reason":null}]}`;
  const r = learn(reasoning("think")).template;
  assert.ok(r);
  assert.equal(matchesChunkTemplate(reasoning("more"), r), true);
});

Deno.test("template matches agree with JSON.parse + interpretChunk on 20k mutated chunks", () => {
  const { template, state } = learn(VLLM(" word"));
  assert.ok(template);
  const r = createRng(7);
  const rng = () => r.next();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
  const pieces = ['"', "\\", "\\u00", "\\u0041", "\\n", "\\x", "a", "é", "\u0001", "}", "", " "];
  let matched = 0;
  for (let i = 0; i < 20_000; i++) {
    let data = VLLM(" word");
    const hole = data.indexOf('" word"');
    const mutate = rng();
    if (mutate < 0.6) {
      // Replace the literal's inside with random escape-ish pieces, valid or not.
      let inner = "";
      const n = Math.floor(rng() * 4);
      for (let k = 0; k < n; k++) inner += pick(pieces);
      data = data.slice(0, hole) + `"${inner}"` + data.slice(hole + 7);
    } else {
      // Mutate one random character anywhere (or truncate).
      const at = Math.floor(rng() * data.length);
      data = rng() < 0.2
        ? data.slice(0, at)
        : data.slice(0, at) + pick(pieces) + data.slice(at + 1);
    }
    const fast = matchesChunkTemplate(data, template);
    const ref = slow(data, state);
    if (fast) {
      matched++;
      assert.notEqual(ref, "parse", data);
      if (ref === "parse") continue;
      assert.equal(ref.tokens, 1, data);
      assert.deepEqual(ref.state, { ...state, countedTokens: state.countedTokens + 1 }, data);
    }
  }
  assert.ok(matched > 2000, `only ${matched} matched`);
});
