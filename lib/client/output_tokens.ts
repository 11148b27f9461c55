/**
 * Output token counts of one finished stream, and how each token event is weighted in ITL.
 *
 * The total, best source first (the record's `outputTokensSource`):
 * - `usage`: the server's `usage.completion_tokens`;
 * - `tokenizer`: no usage; the local tokenizer (`--tokenizer`, or the simulator's own rule)
 *   counts the streamed text, joined, so tokens split across events are counted once;
 * - `estimate`: no usage, no tokenizer; each event's text estimated by {@link estimateTextTokens},
 *   at least 1 per event (each event carried at least one token);
 * - `counted`: no usage and no text at all (tool calls only): one token per event.
 *
 * Weights: when the total is not the sum of the events' counts (a server streaming multi-token
 * chunks), the total is spread over the events by each one's estimated text, each event keeping
 * at least 1, so ITL is per token rather than per chunk. A total below the number
 * of events (a tokenizer merging what the server sent apart) leaves every weight at 1.
 */
import type { TokenSource } from "../metrics/record.ts";
import { countWordPieces } from "../tokenizer/word_pieces.ts";

/** Counts the tokens of a piece of output text (no special tokens added). */
export type OutputCounter = (text: string) => number;

/** A stream's output token total, per-event weights and where the total came from. */
export interface OutputTokens {
  total: number;
  /** Tokens per token event; same length as the events. */
  counts: number[];
  source: TokenSource;
}

/** What the stream gave: the per-event counts from chunk.ts, usage, and the text on demand. */
export interface OutputTokensInput {
  counts: number[];
  /** `usage.completion_tokens`, when the server sent one. */
  usage?: number;
  /** Each event's output text (decoded only when needed). */
  texts: () => string[];
  counter?: OutputCounter;
}

/** Resolves the total and weights of one stream (see the module doc). */
export function resolveOutputTokens(input: OutputTokensInput): OutputTokens {
  const { counts, usage } = input;
  const counted = sum(counts);
  if (usage !== undefined) {
    // vLLM's one token per event, or continuous usage: the counts already add up.
    if (usage === counted || counts.length === 0) {
      return { total: usage, counts, source: "usage" };
    }
    return { total: usage, counts: spread(usage, estimates(input.texts())), source: "usage" };
  }
  const texts = input.texts();
  if (texts.every((t) => t === "")) return { total: counted, counts, source: "counted" };
  const weights = estimates(texts);
  if (input.counter) {
    const total = input.counter(texts.join(""));
    return { total, counts: spread(total, weights), source: "tokenizer" };
  }
  return { total: sum(weights), counts: weights, source: "estimate" };
}

/**
 * The tokens of `text` by the simulator's rule (lib/sim/tokenizer.ts), so runs against the
 * simulator estimate exactly: each Han, Hiragana or Katakana character is one token, each run of
 * other letters and digits one, each other non-space character one. BPE vocabularies split long
 * rare words, so a run longer than {@link LONG_RUN} counts one token per LONG_RUN characters.
 * English on BPE comes out about 10-25% low (roughly 1.3 tokens per word).
 */
export function estimateTextTokens(text: string): number {
  return countWordPieces(text, LONG_RUN);
}

const LONG_RUN = 12;

/** Per-event estimates, at least 1: every token event carried at least one token. */
function estimates(texts: string[]): number[] {
  return texts.map((t) => Math.max(1, estimateTextTokens(t)));
}

/**
 * `total` over the events: 1 each (every event carried a token), the rest in proportion to
 * `weights`, rounded cumulatively so the counts add up to `total`. A total below the number of
 * events leaves each at 1.
 */
export function spread(total: number, weights: number[]): number[] {
  const n = weights.length;
  if (total < n) return new Array(n).fill(1);
  const whole = sum(weights);
  const rest = total - n;
  const out: number[] = [];
  let acc = 0;
  let given = 0;
  for (const w of weights) {
    acc += w;
    const upTo = whole > 0 ? Math.round(rest * acc / whole) : 0;
    out.push(1 + upTo - given);
    given = upTo;
  }
  return out;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
