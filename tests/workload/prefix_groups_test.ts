import assert from "node:assert/strict";
import { encodeText, startSim } from "../../lib/sim/mod.ts";
import { calibratePromptBook, estimatePromptBook } from "../../lib/workload/exact_prompt.ts";
import {
  groupAssignment,
  groupChooser,
  groupLabels,
  idealPrefixHitRate,
  type PrefixGroupsPlan,
  zipfCdf,
} from "../../lib/workload/prefix_groups.ts";
import { loadTextSource } from "../../lib/workload/text_sources.ts";
import { createTokenCounter } from "../../lib/workload/tokenize_client.ts";

const english = await loadTextSource("english");

const cfg = (over: Partial<PrefixGroupsPlan> = {}): PrefixGroupsPlan => ({
  groups: 4,
  promptsPerGroup: 100,
  prefixTokens: 256,
  questionTokens: 64,
  policy: "round-robin",
  zipfExponent: 1,
  ...over,
});

const counts = (plan: PrefixGroupsPlan, n: number, seed = 1) => {
  const of = groupChooser(plan, seed);
  const out = new Array(plan.groups).fill(0);
  for (let i = 0; i < n; i++) out[of(i)]++;
  return out;
};

Deno.test("round-robin gives request i group i mod G; questions of a group are used in turn", () => {
  const plan = cfg({ groups: 3, promptsPerGroup: 2 });
  const a = groupAssignment(plan, 1);
  const slots = Array.from({ length: 9 }, (_, i) => a.slotOf(i));
  assert.deepEqual(slots.map((s) => s.group), [0, 1, 2, 0, 1, 2, 0, 1, 2]);
  assert.deepEqual(slots.map((s) => s.question), [0, 0, 0, 1, 1, 1, 0, 0, 0]);
  assert.deepEqual(slots.map((s) => s.ordinal), [0, 0, 0, 1, 1, 1, 2, 2, 2]);
  // Asking out of order gives the same slots (a worker thread sees scattered indexes).
  assert.deepEqual(groupAssignment(plan, 1).slotOf(7), slots[7]);
});

Deno.test("uniform is seeded and near-even; zipf favours the first groups by 1/(k+1)^s", () => {
  const uniform = cfg({ groups: 4, policy: "uniform" });
  assert.deepEqual(counts(uniform, 500, 7), counts(uniform, 500, 7), "same seed, same groups");
  assert.notDeepEqual(counts(uniform, 500, 7), counts(uniform, 500, 8));
  for (const c of counts(uniform, 8000)) assert.ok(Math.abs(c - 2000) < 200, `${c}`);

  const zipf = cfg({ groups: 4, policy: "zipf", zipfExponent: 1 });
  const z = counts(zipf, 20000);
  // P(k) ∝ 1/(k+1): 12/25, 6/25, 4/25, 3/25.
  const expected = [0.48, 0.24, 0.16, 0.12];
  z.forEach((c, k) => assert.ok(Math.abs(c / 20000 - expected[k]) < 0.02, `group ${k}: ${c}`));
  const steep = counts(cfg({ groups: 4, policy: "zipf", zipfExponent: 2 }), 20000);
  assert.ok(steep[0] > z[0], "a larger exponent skews harder");
  const cdf = zipfCdf(5, 1.2);
  assert.ok(Math.abs(cdf[4] - 1) < 1e-12);
});

Deno.test("ideal hit rate: first request of a group misses, new questions hit full prefix blocks, repeats hit all but the last block", () => {
  // 4 groups, 40 requests in turn, S=256 (16 blocks of 16), L=320: 36 requests hit 256 tokens.
  const r = idealPrefixHitRate(cfg(), { requests: 40, blockSize: 16, seed: 1 });
  assert.equal(r.hitTokens, 36 * 256);
  assert.equal(r.queriedTokens, 40 * 320);
  assert.equal(r.rate, 0.72);
  // A prefix that is not a whole number of blocks hits its full blocks only: 250 → 240.
  const odd = idealPrefixHitRate(cfg({ prefixTokens: 250, questionTokens: 70 }), {
    requests: 40,
    blockSize: 16,
    seed: 1,
  });
  assert.equal(odd.hitTokens, 36 * 240);
  // One question per group: from the second request on, whole prompts repeat; the last token
  // is always computed, so L=320 hits 304 (19 blocks), not 320.
  const rep = idealPrefixHitRate(cfg({ promptsPerGroup: 1 }), {
    requests: 8,
    blockSize: 16,
    seed: 1,
  });
  assert.equal(rep.hitTokens, 4 * 304);
  // One group: only the very first request misses.
  const one = idealPrefixHitRate(cfg({ groups: 1 }), { requests: 10, blockSize: 16, seed: 1 });
  assert.equal(one.hitTokens, 9 * 256);
  assert.equal(idealPrefixHitRate(cfg(), { requests: 0, blockSize: 16, seed: 1 }).rate, 0);
});

Deno.test("group labels are distinct per group and depend on the group count", () => {
  const labels = groupLabels(16, 42);
  assert.equal(new Set(labels).size, 16);
  assert.deepEqual(groupLabels(16, 42), labels);
  assert.notDeepEqual(groupLabels(8, 42), labels.slice(0, 8));
});

Deno.test("group prompts are exact per request: S shared tokens per group, distinct from the first token across groups, Q-token questions that repeat after P", async () => {
  const sim = await startSim({ seed: 1 });
  try {
    const model = (await (await fetch(`${sim.baseUrl}/models`)).json()).data[0].id;
    const plan = cfg({ groups: 4, promptsPerGroup: 3, prefixTokens: 100, questionTokens: 40 });
    const n = plan.prefixTokens + plan.questionTokens;
    for (const form of ["prompt", "chat"] as const) {
      const counter = createTokenCounter(sim.baseUrl, { model });
      const book = await calibratePromptBook([n], counter, {
        source: english,
        seed: 5,
        form,
        prefixGroups: plan,
      });
      assert.equal(book.mode, "exact", book.warnings.join("; "));
      const check = createTokenCounter(sim.baseUrl, { model });
      for (let i = 0; i < 16; i++) {
        assert.equal(await check.count(book.promptFor(i, n), form), n, `${form} #${i}`);
      }
    }
    const counter = createTokenCounter(sim.baseUrl, { model });
    const book = await calibratePromptBook([n], counter, {
      source: english,
      seed: 5,
      form: "prompt",
      prefixGroups: plan,
    });
    const ids = Array.from({ length: 16 }, (_, i) => encodeText(book.promptFor(i, n)));
    // Round-robin: requests 0..3 open groups 0..3.
    assert.equal(new Set(ids.slice(0, 4).map((t) => t[0])).size, 4, "groups differ at token 1");
    for (let i = 4; i < 16; i++) {
      const same = ids[i % 4];
      assert.deepEqual(ids[i].slice(0, 100), same.slice(0, 100), `#${i} shares its group prefix`);
    }
    // Within a group: questions 0, 1, 2 differ right after the prefix; the 4th request repeats
    // question 0 whole.
    const group0 = [0, 4, 8, 12].map((i) => ids[i]);
    assert.equal(new Set(group0.slice(0, 3).map((t) => t[100])).size, 3);
    assert.deepEqual(group0[3], group0[0]);
    // Workers rebuild the same prompts from the portable book.
    const { promptBookFrom } = await import("../../lib/workload/exact_prompt.ts");
    const copy = promptBookFrom(structuredClone(book.portable));
    for (const i of [0, 5, 13]) assert.equal(copy.promptFor(i, n), book.promptFor(i, n));
  } finally {
    await sim.close();
  }
});

Deno.test("the estimate book keeps the group layout: S words of the group's prefix, then the question", () => {
  const plan = cfg({ groups: 2, promptsPerGroup: 2, prefixTokens: 30, questionTokens: 10 });
  const book = estimatePromptBook({ source: english, seed: 3, prefixGroups: plan });
  const words = (i: number) => book.promptFor(i, 40).split(" ");
  for (let i = 0; i < 6; i++) assert.equal(words(i).length, 40);
  assert.deepEqual(words(2).slice(0, 30), words(0).slice(0, 30));
  assert.notEqual(words(1)[0], words(0)[0]);
  assert.notDeepEqual(words(2).slice(30), words(0).slice(30));
  assert.deepEqual(words(4), words(0), "question 0 again after P=2");
});
