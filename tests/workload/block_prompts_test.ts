import assert from "node:assert/strict";
import { countChatTokens, countTokens, encodeText } from "../../lib/sim/tokenizer.ts";
import { createHfTokenizer } from "../../lib/tokenizer/hf_tokenizer.ts";
import { blockPrompt, type PortableBlocks } from "../../lib/workload/block_prompts.ts";
import { calibrateBlocks } from "../../lib/workload/calibrate_blocks.ts";
import { loadLocalTokenizer } from "../../lib/workload/local_tokenizer.ts";
import { preparePrompts } from "../../lib/workload/prepare_prompts.ts";
import type { TokenCounter } from "../../lib/workload/tokenize_client.ts";

const TINY_LLAMA3 = new URL("../../fixtures/tokenizers/tiny-llama3/", import.meta.url).pathname;

/** The simulator's tokenizer as a counter (what its /tokenize answers). */
function simCounter(): TokenCounter {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    count(text, form) {
      calls++;
      return Promise.resolve(
        form === "chat" ? countChatTokens([{ role: "user", content: text }]) : countTokens(text),
      );
    },
  };
}

const B = 16;
const sharing = [
  { index: 0, hashIds: [7, 8, 9], tokens: 3 * B },
  { index: 1, hashIds: [7, 8, 42], tokens: 2 * B + 5 },
];

function sharedLead(a: readonly number[], b: readonly number[]): number {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return k;
}

async function simBlocks(form: "chat" | "prompt"): Promise<PortableBlocks> {
  const book = await preparePrompts(
    { endpoint: form === "chat" ? "chat" : "completions", seed: 3, request: { promptTokens: 64 } },
    {
      baseUrl: "http://unused/v1",
      model: "m",
      log: () => {},
      tokenizer: {
        ...simCounter(),
        file: "sim",
        chatTemplate: "sim",
        countSync: countTokens,
      } as never,
      blocks: { blockSize: B, samples: sharing },
    },
  );
  assert.equal(book.approximate, false);
  return book.portable.blocks!;
}

Deno.test("sim tokenizer: requests sharing leading hash_ids share exactly those leading token ids", async () => {
  const blocks = await simBlocks("prompt");
  const [a, b] = sharing.map((s) => encodeText(blockPrompt(blocks, s.index, s.hashIds, s.tokens)));
  assert.equal(a.length, 3 * B);
  assert.equal(b.length, 2 * B + 5);
  // Ids 7 and 8 are shared: exactly 2 blocks of tokens; the third block differs from its start.
  assert.deepEqual(a.slice(0, 2 * B), b.slice(0, 2 * B));
  assert.equal(sharedLead(a, b), 2 * B);
  // A request with ids [7] alone starts with the same block, cut to its length.
  const c = encodeText(blockPrompt(blocks, 5, [7], 10));
  assert.deepEqual(c, a.slice(0, 10));
});

Deno.test("sim tokenizer, chat: the template's tokens come off the end, so the count is exact", async () => {
  const blocks = await simBlocks("chat");
  assert.equal(blocks.overhead, 4);
  for (const s of sharing) {
    const text = blockPrompt(blocks, s.index, s.hashIds, s.tokens);
    assert.equal(countChatTokens([{ role: "user", content: text }]), s.tokens);
  }
});

Deno.test("Mooncake semantics: the last block is cut, spare ids are ignored, missing ones are the request's own", () => {
  const blocks: PortableBlocks = {
    blockSize: 4,
    seed: 1,
    firsts: ["a", "b", "c"],
    letters: ["x", "y", "z", "w"],
    overhead: 0,
  };
  const full = blockPrompt(blocks, 0, [1, 2], 8).split(" ");
  assert.equal(full.length, 8);
  assert.deepEqual(blockPrompt(blocks, 0, [1, 2, 3, 4], 6).split(" "), full.slice(0, 6));
  // Fewer ids than blocks: the rest is the request's own words, so two requests differ there.
  const own0 = blockPrompt(blocks, 0, [1], 40).split(" ");
  const own1 = blockPrompt(blocks, 1, [1], 40).split(" ");
  assert.equal(own0.length, 40);
  assert.deepEqual(own0.slice(0, 4), full.slice(0, 4));
  assert.notDeepEqual(own0.slice(4), own1.slice(4));
});

Deno.test("tiny-llama3 (byte-level BPE): blocks do not merge across boundaries and lengths are exact", async () => {
  const tok = await loadLocalTokenizer(TINY_LLAMA3);
  const samples = [
    { index: 0, hashIds: [100, 101, 102], tokens: 3 * B + 1 },
    { index: 1, hashIds: [100, 101, 555], tokens: 3 * B - 3 },
  ];
  const book = await preparePrompts(
    { endpoint: "completions", seed: 11, request: { promptTokens: 64 } },
    {
      baseUrl: "http://unused/v1",
      model: "m",
      log: () => {},
      tokenizer: tok,
      blocks: { blockSize: B, samples },
    },
  );
  assert.equal(book.approximate, false);
  const blocks = book.portable.blocks!;
  assert.equal(blocks.overhead, 1, "the BOS");
  const hf = createHfTokenizer(tok.files);
  const [a, b] = samples.map((s) =>
    hf.encode(blockPrompt(blocks, s.index, s.hashIds, s.tokens), { addSpecialTokens: true })
  );
  assert.equal(a.length, samples[0].tokens);
  assert.equal(b.length, samples[1].tokens);
  // BOS + two shared blocks, and not one token more.
  assert.equal(sharedLead(a, b), 1 + 2 * B);
  // The whole prompt's ids are its blocks' ids end to end (each later block after its space).
  const text = blockPrompt(blocks, 0, [100, 101, 102], 3 * B + 1);
  const words = text.split(" ");
  const pieces = [0, 1, 2].map((k) => words.slice(k * B, (k + 1) * B).join(" "));
  const joined = [
    ...hf.encode(pieces[0], { addSpecialTokens: true }),
    ...hf.encode(" " + pieces[1], { addSpecialTokens: false }),
    ...hf.encode(" " + pieces[2], { addSpecialTokens: false }),
  ];
  assert.deepEqual(hf.encode(text, { addSpecialTokens: true }), joined);
  // Chat: the template's tokens come off the end; the message still counts exactly.
  const chat = await preparePrompts(
    { endpoint: "chat", seed: 11, request: { promptTokens: 64 } },
    {
      baseUrl: "http://unused/v1",
      model: "m",
      log: () => {},
      tokenizer: tok,
      blocks: { blockSize: B, samples },
    },
  );
  assert.equal(chat.approximate, false);
  for (const s of samples) {
    const t = blockPrompt(chat.portable.blocks!, s.index, s.hashIds, s.tokens);
    assert.equal(tok.countSync(t, "chat"), s.tokens);
  }
});

Deno.test("calibrateBlocks reports a length that does not check out", async () => {
  // A counter that adds one token to long texts: the samples miss, the blocks stay usable.
  const sim = simCounter();
  const skewed: TokenCounter = {
    get calls() {
      return sim.calls;
    },
    count: async (text, form) => (await sim.count(text, form)) + (countTokens(text) > 40 ? 1 : 0),
  };
  const book = await preparePrompts(
    { endpoint: "completions", seed: 3, request: { promptTokens: 8 } },
    {
      baseUrl: "http://unused/v1",
      model: "m",
      log: () => {},
      tokenizer: { ...skewed, file: "x", chatTemplate: null, countSync: countTokens } as never,
    },
  );
  const r = await calibrateBlocks(book.portable, skewed, {
    form: "prompt",
    blockSize: B,
    samples: sharing,
  });
  assert.equal(r.exact, false);
  assert.match(r.warnings[0], /48 → 49/);
});
