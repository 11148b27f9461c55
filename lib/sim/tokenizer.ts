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
 *
 * Token ids (for `/tokenize` and `/detokenize`), a vocabulary of {@link SIM_VOCAB_SIZE} ids:
 * - 0-15, special tokens ({@link SPECIAL_TOKENS}): `<unk>`, `<|begin_of_text|>`,
 *   `<|end_of_text|>`, `<|start_header_id|>`, `<|end_header_id|>`, `<|eot_id|>`, the chat roles
 *   `system`, `user`, `assistant`, `tool`, `developer`, then reserved ids. No special token is
 *   ever added to a plain prompt (the simulated tokenizer has no BOS, like Qwen's), so a prompt's
 *   id count equals its token count.
 * - 16 and up, the fixed pieces: the 94 printable ASCII characters `!`..`~`, then the
 *   simulator's output words ({@link WORDS}) that are not single characters. Piece k has two
 *   ids: `16 + 2k` when the token follows no whitespace, `16 + 2k + 1` when whitespace precedes
 *   it (it decodes with one leading space, like GPT-2's `Ġword`).
 * - The rest, up to 31999, synthetic slots j = 0, 1, ... spelled as the CJK ideograph
 *   U+4E00 + j (`一`, `丁`, ...; a Han character is always a token of its own, so synthetic
 *   tokens never merge with their neighbours), with the same two-ids-per-slot rule. Those
 *   ideographs map to their own slot; any other token (e.g. `Hello`, `é`, `😀`, a later Han
 *   character) maps to slot `FNV-1a(token) mod slots`: its count is kept, its spelling is not.
 *
 * Hence: encoding the decoded text of ids that came from encoding text gives the same ids;
 * for any other plain (non-special) ids it gives the same number of ids (decoding puts a space
 * between two letter/digit pieces that would otherwise merge into one token). Encoding then
 * decoding text made of pieces and single spaces (the simulator's own output `" w1 w2"`, prompts
 * from its word list) gives the text back exactly. Runs of whitespace decode as one space.
 * Chat encoding is, per message, `<|start_header_id|>`, role, `<|end_header_id|>`, the
 * content's ids, `<|eot_id|>`; special ids decode to their names, which do not re-encode as
 * specials.
 */

import { hashString, WORDS } from "./text_source.ts";
import { countWordPieces, WORD_PIECE_SOURCE } from "../tokenizer/word_pieces.ts";

const TOKEN_SOURCE = WORD_PIECE_SOURCE;

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
  return countWordPieces(text);
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

/** Size of the simulated vocabulary: valid token ids are 0 ..= 31999. */
export const SIM_VOCAB_SIZE = 32000;

/** Special tokens by id (see the module comment); ids 11-15 are reserved. */
export const SPECIAL_TOKENS: readonly string[] = [
  "<unk>",
  "<|begin_of_text|>",
  "<|end_of_text|>",
  "<|start_header_id|>",
  "<|end_header_id|>",
  "<|eot_id|>",
  "system",
  "user",
  "assistant",
  "tool",
  "developer",
  ...Array.from({ length: 5 }, (_, i) => `<|reserved_special_token_${i}|>`),
];

const SPECIAL_IDS = 16;
const START_HEADER = 3;
const END_HEADER = 4;
const EOT = 5;
const ROLE_IDS = new Map([["system", 6], ["user", 7], ["assistant", 8], ["tool", 9], [
  "developer",
  10,
]]);

const PIECES: readonly string[] = (() => {
  const ascii = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i));
  const seen = new Set(ascii);
  const out = [...ascii];
  for (const w of WORDS) {
    if (!seen.has(w)) {
      seen.add(w);
      out.push(w);
    }
  }
  return out;
})();
const PIECE_INDEX = new Map(PIECES.map((p, i) => [p, i]));
const SYNTHETIC_BASE = SPECIAL_IDS + 2 * PIECES.length;
const SYNTHETIC_SLOTS = Math.floor((SIM_VOCAB_SIZE - SYNTHETIC_BASE) / 2);
// First code point of the synthetic spellings (CJK Unified Ideographs, all Han script).
const SYNTHETIC_FIRST = 0x4e00;
const WORDISH_END = /[A-Za-z0-9]$/;
const WORDISH_START = /^[A-Za-z0-9]/;

function pieceId(token: string, spaced: boolean): number {
  const flag = spaced ? 1 : 0;
  const k = PIECE_INDEX.get(token);
  if (k !== undefined) return SPECIAL_IDS + 2 * k + flag;
  const canonical = token.length === 1 ? token.charCodeAt(0) - SYNTHETIC_FIRST : -1;
  const slot = canonical >= 0 && canonical < SYNTHETIC_SLOTS
    ? canonical
    : hashString(token) % SYNTHETIC_SLOTS;
  return SYNTHETIC_BASE + 2 * slot + flag;
}

/**
 * Token ids of `text` by the module's rule; `encodeText(t).length === countTokens(t)`.
 * Pure and deterministic across runs and processes.
 */
export function encodeText(text: string): number[] {
  const re = new RegExp(TOKEN_SOURCE, "gv");
  const ids: number[] = [];
  for (const m of text.matchAll(re)) {
    const spaced = m.index > 0 && /\s/.test(text[m.index - 1]);
    ids.push(pieceId(m[0], spaced));
  }
  return ids;
}

/**
 * Token ids of a chat prompt under the simulated template (see the module comment);
 * `encodeChat(m).length === countChatTokens(m)`. Roles other than system, user, assistant, tool
 * and developer encode as `<unk>`.
 */
export function encodeChat(messages: readonly ChatMessageLike[]): number[] {
  const ids: number[] = [];
  for (const m of messages) {
    const role = typeof m.role === "string" ? ROLE_IDS.get(m.role) ?? 0 : 0;
    ids.push(START_HEADER, role, END_HEADER, ...encodeText(messageText(m.content)), EOT);
  }
  return ids;
}

/** Whether `id` is a valid token id of the simulated vocabulary. */
export function isTokenId(id: unknown): id is number {
  return Number.isInteger(id) && (id as number) >= 0 && (id as number) < SIM_VOCAB_SIZE;
}

/**
 * The text of one token id: a special token's name, or the piece (an ideograph for a synthetic
 * slot) with one leading space when the id is the "after whitespace" variant. Throws a
 * RangeError for ids outside the vocabulary.
 */
export function tokenText(id: number): string {
  if (!isTokenId(id)) {
    throw new RangeError(`Token id ${id} is out of vocabulary (0-${SIM_VOCAB_SIZE - 1}).`);
  }
  if (id < SPECIAL_IDS) return SPECIAL_TOKENS[id];
  const spaced = (id - SPECIAL_IDS) % 2 === 1;
  const piece = id < SYNTHETIC_BASE ? PIECES[(id - SPECIAL_IDS) >> 1] : String.fromCharCode(
    SYNTHETIC_FIRST + Math.min((id - SYNTHETIC_BASE) >> 1, SYNTHETIC_SLOTS - 1),
  );
  return spaced ? " " + piece : piece;
}

/**
 * Text of a token id sequence (the inverse of {@link encodeText}; see the module comment for
 * what round-trips). A space is put between two letter/digit pieces that would otherwise merge
 * into one token. Throws a RangeError naming the first id outside the vocabulary.
 */
export function decodeTokens(ids: readonly number[]): string {
  let out = "";
  let prevEndsWordish = false;
  for (const id of ids) {
    const text = tokenText(id);
    // Only fixed pieces (ASCII) can merge: synthetic ideographs are always tokens of their own.
    const piece = id >= SPECIAL_IDS && id < SYNTHETIC_BASE;
    out += piece && prevEndsWordish && WORDISH_START.test(text) ? " " + text : text;
    prevEndsWordish = piece && WORDISH_END.test(text);
  }
  return out;
}
