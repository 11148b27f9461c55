import assert from "node:assert/strict";
import { createWordStream, planOutput, planText, WORDS } from "../../lib/sim/text_source.ts";
import { countTokens } from "../../lib/sim/tokenizer.ts";

const base = { key: "req-1", maxTokens: 1000, minTokens: 0, ignoreEos: false };

Deno.test("every generated word is exactly one token with a leading space", () => {
  for (const w of WORDS) {
    assert.match(w, /^[a-z]+$/);
    assert.equal(countTokens(" " + w), 1);
  }
});

Deno.test("output plans are deterministic in seed and key, and differ across keys", () => {
  assert.deepEqual(planOutput(base, 1), planOutput(base, 1));
  assert.equal(planText(planOutput(base, 1)), planText(planOutput(base, 1)));
  const lengths = new Set<number>();
  for (let i = 0; i < 50; i++) lengths.add(planOutput({ ...base, key: `req-${i}` }, 1).tokens);
  assert.ok(lengths.size > 20, `only ${lengths.size} distinct lengths`);
  assert.notEqual(planText(planOutput(base, 1)), planText(planOutput(base, 2)));
});

Deno.test("ignore_eos plans exactly max_tokens and finishes with length", () => {
  const plan = planOutput({ ...base, maxTokens: 37, ignoreEos: true }, 0);
  assert.equal(plan.tokens, 37);
  assert.equal(plan.finishReason, "length");
  assert.equal(countTokens(planText(plan)), 37);
});

Deno.test("natural lengths are clamped to [min_tokens, max_tokens] with the right finish reason", () => {
  const fixed = { length: 10 };
  const cases: [Partial<typeof base>, number, string][] = [
    [{ maxTokens: 50 }, 10, "stop"],
    [{ maxTokens: 10 }, 10, "length"],
    [{ maxTokens: 4 }, 4, "length"],
    [{ maxTokens: 50, minTokens: 20 }, 20, "stop"],
    [{ maxTokens: 20, minTokens: 20 }, 20, "length"],
  ];
  for (const [input, tokens, reason] of cases) {
    const plan = planOutput({ ...base, ...input }, 0, fixed);
    assert.deepEqual([plan.tokens, plan.finishReason], [tokens, reason], JSON.stringify(input));
  }
});

Deno.test("lognormal natural lengths keep the configured mean within 3% over 20k requests", () => {
  let sum = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    sum += planOutput({ ...base, key: `k${i}`, maxTokens: 1e9 }, 3, {
      length: { mean: 200, cv: 0.6 },
    }).tokens;
  }
  assert.ok(Math.abs(sum / n / 200 - 1) < 0.03, `mean ${sum / n}`);
});

Deno.test("word streams index the vocabulary", () => {
  const next = createWordStream(42);
  for (let i = 0; i < 1000; i++) {
    const w = next();
    assert.ok(Number.isInteger(w) && w >= 0 && w < WORDS.length);
  }
});
