import assert from "node:assert/strict";
import {
  CHAT_TOKENS_PER_MESSAGE,
  countChatTokens,
  countTokens,
  messageText,
  tokenize,
} from "../../lib/sim/tokenizer.ts";

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
