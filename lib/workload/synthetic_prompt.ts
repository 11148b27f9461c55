/**
 * Synthetic prompts of a requested length. Each prompt is a run of common English words drawn
 * with the run's seeded RNG, so no two requests share a prefix (a shared prefix would let a
 * server's prefix cache hide prefill cost). Each word is one token under the simulator's
 * tokenizer and one token in most BPE vocabularies; exact lengths on real tokenizers need
 * calibration against the server's /tokenize (scenario issue).
 */
const WORDS = (
  "time year people way day man thing woman life child world school state family student " +
  "group country problem hand part place case week company system program question work " +
  "government number night point home water room mother area money story fact month lot " +
  "right study book eye job word business issue side kind head house service friend father " +
  "power hour game line end member law car city community name president team minute idea " +
  "kid body information back parent face others level office door health person art war " +
  "history party result change morning reason research girl guy moment air teacher force " +
  "education foot boy age policy music market sense nation plan college interest death " +
  "experience effect use class control care field development role effort rate heart drug " +
  "show leader light voice wife police mind price report decision son view relationship town"
).split(" ");

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
