/**
 * Prompts built from Mooncake-style prefix blocks (`hash_ids`), so a trace's prefix sharing is
 * reproduced token for token.
 *
 * Each hash id names one block of `blockSize` tokens: words drawn from a seeded RNG keyed by the
 * id alone, so the same id is the same text in every request (and every worker thread). A
 * request's prompt is its blocks in order, the last one cut to what is left of its length
 * (Mooncake: `hash_ids` cover ceil(input_length / block) blocks); when the ids cover fewer
 * tokens than asked for, the rest is words of the request's own (no sharing).
 *
 * Why the token boundaries hold: every word is one token both alone (`firsts`, for the start of
 * a text) and after a space (`letters`), and words are joined by single spaces. The simulator's
 * tokenizer never merges across whitespace, and byte-level BPEs (Llama 3, Qwen) pre-split on
 * " word", so the tokens of a prompt are the tokens of its words: two prompts whose first k
 * blocks are the same ids share exactly their first k·blockSize tokens (plus any template
 * tokens before them). `overhead` (template and BOS tokens, measured at calibration) is taken off
 * the end, so the count of the whole request is exactly its `input_length`.
 */
import { createRng } from "../load/rng.ts";

/** Mooncake's block size in tokens; `--trace-block-size` changes it. */
export const DEFAULT_BLOCK_SIZE = 512;

/** Everything a block prompt depends on, as plain data (crosses to worker threads). */
export interface PortableBlocks {
  blockSize: number;
  seed: number;
  /** Words that are one token at the start of a text; each block opens with one. */
  firsts: readonly string[];
  /** Words that are one token after a space. */
  letters: readonly string[];
  /** Tokens the request form adds around the text (chat template, BOS). */
  overhead: number;
}

/** The prompt of request `index` with prefix blocks `hashIds`, meant to count `tokens` tokens. */
export function blockPrompt(
  blocks: PortableBlocks,
  index: number,
  hashIds: readonly number[],
  tokens: number,
): string {
  const { blockSize } = blocks;
  // At least one word: an empty prompt is no request.
  let left = Math.max(1, tokens - blocks.overhead);
  const parts: string[] = [];
  for (const id of hashIds) {
    if (left <= 0) break;
    const n = Math.min(blockSize, left);
    parts.push(blockWords(blocks, blockKey(blocks.seed, id), n));
    left -= n;
  }
  // Tokens past the ids' cover: the request's own words (a different key space from ids').
  if (left > 0) parts.push(blockWords(blocks, ownKey(blocks.seed, index), left));
  return parts.join(" ");
}

/** The first `n` words of the block keyed `key` (a prefix of the whole block). */
function blockWords(blocks: PortableBlocks, key: number, n: number): string {
  const rng = createRng(key);
  const words = new Array<string>(n);
  words[0] = blocks.firsts[rng.int(blocks.firsts.length)];
  for (let i = 1; i < n; i++) words[i] = blocks.letters[rng.int(blocks.letters.length)];
  return words.join(" ");
}

// Ids and request indexes are mixed with different constants so id k and request k differ.
function blockKey(seed: number, id: number): number {
  return (seed ^ Math.imul(id + 1, 0x85ebca6b) ^ 0x5bd1e995) >>> 0;
}

function ownKey(seed: number, index: number): number {
  return (seed ^ Math.imul(index + 1, 0xc2b2ae35) ^ 0x27d4eb2f) >>> 0;
}
