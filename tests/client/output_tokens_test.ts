import assert from "node:assert/strict";
import { estimateTextTokens, resolveOutputTokens, spread } from "../../lib/client/output_tokens.ts";
import { OutputText } from "../../lib/client/output_text.ts";
import { chunkOutputText } from "../../lib/client/chunk.ts";
import { countTokens } from "../../lib/sim/tokenizer.ts";
import { WORDS } from "../../lib/sim/mod.ts";

Deno.test("estimateTextTokens follows the simulator's rule on its words, CJK and punctuation", () => {
  const samples = [
    " the model",
    "Hello, world!",
    "don't 3.14",
    "abc漢字def",
    "été 😀",
    WORDS.map((w) => " " + w).join(""),
  ];
  for (const t of samples) assert.equal(estimateTextTokens(t), countTokens(t), t);
  assert.equal(estimateTextTokens(""), 0);
  assert.equal(estimateTextTokens("   \n"), 0);
  // A long run (a URL slug, base64) is split as BPE would, one token per 12 characters.
  assert.equal(estimateTextTokens("a".repeat(30)), 3);
});

Deno.test("spread gives each event at least 1 and the rest in proportion, adding up to the total", () => {
  assert.deepEqual(spread(100, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]), new Array(10).fill(10));
  assert.deepEqual(spread(9, [1, 1, 1]), [3, 3, 3]);
  assert.deepEqual(spread(12, [1, 3, 5]), [2, 4, 6]);
  for (const [total, w] of [[17, [2, 7, 1, 4]], [5, [9, 9, 9]], [1000, [1, 50, 3]]] as const) {
    const got = spread(total, [...w]);
    assert.equal(got.reduce((a, b) => a + b, 0), total);
    assert.ok(got.every((k) => k >= 1));
  }
  // A total below the number of events leaves every event at 1.
  assert.deepEqual(spread(2, [4, 4, 4]), [1, 1, 1]);
});

Deno.test("resolveOutputTokens: usage first, then the tokenizer, then the estimate, then events", () => {
  const texts = () => [" alpha beta", " gamma delta epsilon", " zeta"];
  const base = { counts: [1, 1, 1], texts };
  assert.deepEqual(resolveOutputTokens({ ...base, usage: 3 }), {
    total: 3,
    counts: [1, 1, 1],
    source: "usage",
  });
  assert.deepEqual(resolveOutputTokens({ ...base, usage: 6 }), {
    total: 6,
    counts: [2, 3, 1],
    source: "usage",
  });
  assert.deepEqual(resolveOutputTokens({ ...base, counter: () => 12 }), {
    total: 12,
    counts: [4, 6, 2],
    source: "tokenizer",
  });
  assert.deepEqual(resolveOutputTokens(base), {
    total: 6,
    counts: [2, 3, 1],
    source: "estimate",
  });
  // Tool calls only: nothing to count but the events.
  assert.deepEqual(resolveOutputTokens({ counts: [1, 1], texts: () => ["", ""] }), {
    total: 2,
    counts: [1, 1],
    source: "counted",
  });
});

Deno.test("resolveOutputTokens decodes the text only when usage does not already add up", () => {
  let decoded = 0;
  const texts = () => {
    decoded++;
    return ["a", "b"];
  };
  resolveOutputTokens({ counts: [1, 1], usage: 2, texts });
  assert.equal(decoded, 0);
  resolveOutputTokens({ counts: [1, 1], texts });
  assert.equal(decoded, 1);
});

Deno.test("OutputText keeps one decoded string per event across decode batches", () => {
  const out = new OutputText();
  const want: string[] = [];
  for (let i = 0; i < 150; i++) {
    const t = i % 3 === 0 ? `"q\\"${i}\\n"` : `" w${i}"`;
    out.addLiteral(t);
    want.push(JSON.parse(t));
  }
  out.addText("é\u0000");
  want.push("é\u0000");
  assert.deepEqual(out.texts(), want);
});

Deno.test("chunkOutputText reads content, reasoning and completions text; tool calls give none", () => {
  const chat = (delta: unknown) => ({ choices: [{ index: 0, delta }] });
  assert.equal(chunkOutputText(chat({ content: " hi" })), " hi");
  assert.equal(chunkOutputText(chat({ reasoning_content: "think", content: "!" })), "think!");
  assert.equal(chunkOutputText({ choices: [{ index: 0, text: " yo" }] }), " yo");
  assert.equal(chunkOutputText(chat({ tool_calls: [{ index: 0 }] })), "");
  assert.equal(chunkOutputText({ choices: [] }), "");
  assert.equal(chunkOutputText(null), "");
});
