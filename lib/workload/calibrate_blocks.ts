/**
 * Makes trace prefix blocks (block_prompts.ts) exact for the counter a run measures with: reuses
 * the one-token word alphabets calibration already found, measures the tokens the request form
 * adds (template, BOS) once, and checks a few of the trace's own requests end to end.
 */
import { blockPrompt, type PortableBlocks } from "./block_prompts.ts";
import type { PortableBook } from "./exact_prompt.ts";
import { ENGLISH_WORDS } from "./text_sources.ts";
import type { CountForm, TokenCounter } from "./tokenize_client.ts";

/** A trace request to check: its prefix blocks and its length. */
export interface BlockSample {
  index: number;
  hashIds: readonly number[];
  tokens: number;
}

/** Blocks plus whether their lengths were measured exact, and why not. */
export interface CalibratedBlocks {
  blocks: PortableBlocks;
  exact: boolean;
  warnings: string[];
}

// Words in the probe that measures the form's overhead.
const PROBE_WORDS = 32;
// Trace requests measured end to end before the run.
const CHECKED_SAMPLES = 3;

/** Blocks of word-count length (one token per word), for a book of estimates. */
export function estimateBlocks(blockSize: number, seed: number): PortableBlocks {
  return { blockSize, seed, firsts: ENGLISH_WORDS, letters: ENGLISH_WORDS, overhead: 0 };
}

/**
 * Blocks for `book` measured with `counter`: estimates when the book has no calibrated alphabet;
 * otherwise the overhead is measured and up to three `samples` are counted, and any miss keeps
 * the blocks but reports them as not exact (with a warning saying by how much).
 */
export async function calibrateBlocks(
  book: PortableBook,
  counter: TokenCounter,
  opts: { form: CountForm; blockSize: number; samples: readonly BlockSample[] },
): Promise<CalibratedBlocks> {
  const { blockSize } = opts;
  const seed = book.options.seed;
  if (!book.exact) {
    return { blocks: estimateBlocks(blockSize, seed), exact: false, warnings: [] };
  }
  const bare: PortableBlocks = {
    blockSize,
    seed,
    firsts: book.exact.firsts,
    letters: book.exact.letters,
    overhead: 0,
  };
  const probe = blockPrompt(bare, 0, [], PROBE_WORDS);
  const overhead = (await counter.count(probe, opts.form)) - PROBE_WORDS;
  const blocks = { ...bare, overhead: Math.max(0, overhead) };
  const misses: string[] = [];
  for (const s of opts.samples.slice(0, CHECKED_SAMPLES)) {
    const counted = await counter.count(
      blockPrompt(blocks, s.index, s.hashIds, s.tokens),
      opts.form,
    );
    if (counted !== s.tokens) misses.push(`${s.tokens} → ${counted}`);
  }
  if (misses.length === 0) return { blocks, exact: true, warnings: [] };
  return {
    blocks,
    exact: false,
    warnings: [
      `trace prefix blocks: requests measured ${
        misses.join(", ")
      } tokens; their lengths are approximate`,
    ],
  };
}
