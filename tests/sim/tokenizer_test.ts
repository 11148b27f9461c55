import assert from "node:assert/strict";
import {
  CHAT_TOKENS_PER_MESSAGE,
  countChatTokens,
  countTokens,
  decodeTokens,
  encodeChat,
  encodeText,
  isTokenId,
  messageText,
  SIM_VOCAB_SIZE,
  SPECIAL_TOKENS,
  tokenize,
  tokenText,
} from "../../lib/sim/tokenizer.ts";
import { planOutput, planText } from "../../lib/sim/text_source.ts";

Deno.test("tokenizer splits text by the documented rule (table)", () => {
  const cases: [string, string[]][] = [
    ["", []],
    ["   \n\t ", []],
    ["Hello", ["Hello"]],
    ["Hello, world!", ["Hello", ",", "world", "!"]],
    ["don't", ["don", "'", "t"]],
    ["3.14 is pi", ["3", ".", "14", "is", "pi"]],
    ["x_y", ["x", "_", "y"]],
    ["abc123def", ["abc123def"]],
    ["été naïve", ["été", "naïve"]],
    ["e\u0301te", ["e\u0301te"]], // combining mark stays inside the run
    ["안녕하세요 세계", ["안녕하세요", "세계"]], // Hangul counts as letters
    ["Привет мир", ["Привет", "мир"]],
    ["漢字abc", ["漢", "字", "abc"]], // each Han character is its own token
    ["カタカナ", ["カ", "タ", "カ", "ナ"]],
    ["ひらがな", ["ひ", "ら", "が", "な"]],
    ["😀👍", ["😀", "👍"]],
    ["a  b\n\nc", ["a", "b", "c"]],
    ["(x+y)*2", ["(", "x", "+", "y", ")", "*", "2"]],
  ];
  for (const [text, tokens] of cases) {
    assert.deepEqual(tokenize(text), tokens, JSON.stringify(text));
    assert.equal(countTokens(text), tokens.length, JSON.stringify(text));
  }
});

Deno.test("tokenizer counts one token per space-separated word of the generated vocabulary", () => {
  assert.equal(countTokens(" the model token batch"), 4);
});

Deno.test("chat prompt tokens add the fixed per-message template overhead", () => {
  assert.equal(CHAT_TOKENS_PER_MESSAGE, 4);
  const messages = [
    { role: "system", content: "You are terse." }, // 4 tokens
    { role: "user", content: [{ type: "text", text: "Hi there" }, { type: "text", text: "!" }] },
    { role: "assistant", content: null },
  ];
  assert.equal(countChatTokens(messages), 4 + 3 + 0 + 3 * CHAT_TOKENS_PER_MESSAGE);
  assert.equal(messageText([{ type: "text", text: "a" }, { type: "image_url" }]), "a");
});

Deno.test("tokenizer counts a 100k-character prompt exactly", () => {
  const text = "lorem ipsum, dolor sit amet. ".repeat(3500);
  assert.equal(countTokens(text), 7 * 3500);
});

// ---- token ids (/tokenize, /detokenize) ----

Deno.test("token ids: one id per counted token, all inside the 32000-id vocabulary", () => {
  const texts = [
    "",
    "Hello, world! don't 3.14",
    "漢字abc カタカナ 😀👍 été",
    "lorem ipsum, dolor sit amet. ".repeat(50),
  ];
  for (const t of texts) {
    const ids = encodeText(t);
    assert.equal(ids.length, countTokens(t), JSON.stringify(t));
    assert.ok(ids.every((id) => isTokenId(id) && id >= 16), JSON.stringify(t));
  }
  const messages = [{ role: "system", content: "Be terse." }, { role: "user", content: "Hi!" }];
  assert.equal(encodeChat(messages).length, countChatTokens(messages));
  assert.equal(SIM_VOCAB_SIZE, 32000);
  assert.ok(!isTokenId(32000) && !isTokenId(-1) && !isTokenId(1.5) && isTokenId(31999));
});

Deno.test("the simulator's own output and word-list prompts round-trip exactly through ids", () => {
  for (let i = 0; i < 50; i++) {
    const plan = planOutput({ key: `k${i}`, maxTokens: 40, minTokens: 0, ignoreEos: true }, 3);
    const generated = planText(plan); // " w1 w2 ...", as non-streaming responses carry it
    assert.equal(decodeTokens(encodeText(generated)), generated);
    const prompt = generated.trim();
    assert.equal(decodeTokens(encodeText(prompt)), prompt);
  }
  const ascii = "x = (a + b) * 2; y != z? {x}";
  assert.equal(decodeTokens(encodeText(ascii)), ascii);
});

Deno.test("decoding any ids re-encodes to the same number of tokens, and to the same ids when they came from text", () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 200; round++) {
    // Random plain (non-special) ids: counts survive a decode/encode cycle.
    const ids = Array.from(
      { length: 1 + Math.floor(rand() * 30) },
      () => 16 + Math.floor(rand() * (SIM_VOCAB_SIZE - 16)),
    );
    assert.equal(encodeText(decodeTokens(ids)).length, ids.length, JSON.stringify(ids));
  }
  for (
    const t of ["Hello, world!", "漢字 and 😀😀", "naïve café, x1 (y)", "abc漢x", "ひらがな"]
  ) {
    const ids = encodeText(t);
    assert.deepEqual(encodeText(decodeTokens(ids)), ids, t);
  }
  // Early CJK ideographs are their own synthetic spelling; other tokens keep only their count.
  assert.equal(decodeTokens(encodeText("漢字 一")), "漢字 一");
  assert.match(decodeTokens(encodeText("Hello")), /^\p{sc=Han}$/u);
});

Deno.test("chat ids frame each message with header and end-of-turn specials", () => {
  const ids = encodeChat([{ role: "user", content: "the model" }, { role: "robot", content: "" }]);
  assert.deepEqual(ids.map(tokenText), [
    "<|start_header_id|>",
    "user",
    "<|end_header_id|>",
    "the",
    " model",
    "<|eot_id|>",
    "<|start_header_id|>",
    "<unk>",
    "<|end_header_id|>",
    "<|eot_id|>",
  ]);
  assert.equal(tokenText(1), SPECIAL_TOKENS[1]);
  assert.throws(() => decodeTokens([5, 32000]), /32000 is out of vocabulary/);
});
