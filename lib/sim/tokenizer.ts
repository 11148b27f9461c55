/**
 * The simulator's tokenizer: a deterministic, documented rule rather than a real BPE vocabulary,
 * so that prompt builders and tests can predict token counts exactly without model files.
 *
 * Rule (applied left to right, whitespace never counts):
 * 1. Each Han (CJK ideograph), Hiragana or Katakana character is one token (these scripts are
 *    written without spaces, so a run rule would make whole sentences one token).
 * 2. Each maximal run of other letters, combining marks and digits (`\p{L}\p{M}\p{N}`, which
 *    includes Hangul, accented Latin, Cyrillic, ...) is one token: `"Hello"` = 1, `"été"` = 1.
 * 3. Every other non-whitespace code point (punctuation, symbols, emoji, `_`) is one token:
 *    `"don't"` = 3, `"3.14"` = 3.
 *
 * Chat prompts add {@link CHAT_TOKENS_PER_MESSAGE} tokens of template overhead per message
 * (role header and end-of-turn markers, roughly what Llama-3's template adds).
 */

const CJK = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}`;
// The `v` flag allows the set difference that keeps CJK characters out of the run class.
const TOKEN_SOURCE = String.raw`[${CJK}]|[[\p{L}\p{M}\p{N}]--[${CJK}]]+|\S`;

/** Template overhead tokens added per chat message (see the module comment). */
export const CHAT_TOKENS_PER_MESSAGE = 4;

/** Splits `text` into tokens by the module's rule; joining them drops only whitespace. */
export function tokenize(text: string): string[] {
  const re = new RegExp(TOKEN_SOURCE, "gv");
  const out: string[] = [];
  for (const m of text.matchAll(re)) out.push(m[0]);
  return out;
}

/** Number of tokens in `text` by the module's rule, without allocating the token list. */
export function countTokens(text: string): number {
  const re = new RegExp(TOKEN_SOURCE, "gv");
  let n = 0;
  // Bounded: every match consumes at least one code point.
  while (re.exec(text) !== null) n++;
  return n;
}

/** A chat message as far as token counting cares: string content or OpenAI text parts. */
export interface ChatMessageLike {
  role?: unknown;
  content?: unknown;
}

/** Text of a message's `content`: a string, or the `text` of each part of a parts array. */
export function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string") {
      text += (text ? " " : "") + (part as { text: string }).text;
    }
  }
  return text;
}

/**
 * Prompt tokens of a chat request: the tokens of every message's content plus
 * {@link CHAT_TOKENS_PER_MESSAGE} per message.
 */
export function countChatTokens(messages: readonly ChatMessageLike[]): number {
  let n = 0;
  for (const m of messages) n += countTokens(messageText(m.content)) + CHAT_TOKENS_PER_MESSAGE;
  return n;
}
