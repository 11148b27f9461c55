/**
 * Which tokenizer counts output text when a server sends no `usage` (lib/client/output_tokens.ts):
 * the run's `--tokenizer` when given, else, against the built-in simulator, the simulator's own
 * rule (it is that model's tokenizer, so the count is exact); otherwise none and the client
 * estimates. Worker threads get a plain-data {@link OutputCounterSpec} and build the same counter.
 */
import type { OutputCounter } from "../client/output_tokens.ts";
import type { TokenizerFiles } from "../tokenizer/hf_tokenizer.ts";
import { createHfTokenizer } from "../tokenizer/hf_tokenizer.ts";
import { countTokens } from "../sim/mod.ts";
import type { LocalTokenizer } from "../workload/local_tokenizer.ts";

/** A counter as plain data, for a worker: tokenizer files, or the simulator's rule. */
export type OutputCounterSpec = { tokenizer: TokenizerFiles } | { sim: true };

export type { OutputCounter };

/** The main thread's counter and the spec workers rebuild it from; both absent when none. */
export function chooseOutputCounter(
  opts: { tokenizer?: LocalTokenizer; sim: boolean },
): { counter?: OutputCounter; spec?: OutputCounterSpec } {
  const t = opts.tokenizer;
  // Output is a piece of text: no special tokens, no chat template ("raw").
  if (t) return { counter: (text) => t.countSync(text, "raw"), spec: { tokenizer: t.files } };
  if (opts.sim) return { counter: countTokens, spec: { sim: true } };
  return {};
}

/** The counter a worker builds from the main thread's spec. */
export function outputCounterFrom(spec: OutputCounterSpec | undefined): OutputCounter | undefined {
  if (spec === undefined) return undefined;
  if ("sim" in spec) return countTokens;
  const tokenizer = createHfTokenizer(spec.tokenizer);
  return (text) => tokenizer.encode(text, { addSpecialTokens: false }).length;
}
