/**
 * Synthetic prompts of a requested length. Each prompt is a run of common English words drawn
 * with the run's seeded RNG, so no two requests share a prefix (a shared prefix would let a
 * server's prefix cache hide prefill cost). Each word is one token under the simulator's
 * tokenizer and one token in most BPE vocabularies; exact lengths on real tokenizers need
 * calibration against the server's /tokenize (exact_prompt.ts); this is the estimate fallback.
 */
import { ENGLISH_WORDS as WORDS } from "./text_sources.ts";
import { createRng } from "../load/rng.ts";

/**
 * The prompt of request `index` in a run seeded with `seed`: the same in every run with that
 * seed, whatever order requests were sent or answered in.
 */
export function promptForRequest(seed: number, index: number, tokens: number): string {
  return syntheticPrompt(tokens, createRng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0));
}

/** Something that yields integers in [0, n); the run's seeded RNG fits. */
export interface IntSource {
  int(n: number): number;
}

/** Builds a prompt of `tokens` words chosen by `rng`. */
export function syntheticPrompt(tokens: number, rng: IntSource): string {
  const words = new Array<string>(tokens);
  for (let i = 0; i < tokens; i++) words[i] = WORDS[rng.int(WORDS.length)];
  return words.join(" ");
}
