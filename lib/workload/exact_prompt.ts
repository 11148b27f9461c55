/**
 * Prompts of an exact token length, measured with the server's own tokenizer (strategy 1 of
 * issue 4), with the word-count estimate as fallback (strategy 3).
 *
 * Layout of request i's prompt (chat: the one user message; completions: the prompt):
 *
 *     [shared prefix, P tokens]  [tag_i, TAG_WORDS tokens]  [body]  [filler]
 *
 * - The shared prefix (only with `sharedPrefixTokens`) is the same text in every request and
 *   measures exactly P tokens on its own, so a server's prefix cache can be tested on purpose.
 * - The tag is TAG_WORDS words from an alphabet of words the server's tokenizer counts as one
 *   token each; request i's tag spells i in base |alphabet| (least significant word first), so
 *   tags are unique per request and every request diverges right after the shared prefix.
 * - The body is text from the chosen source, grown or shrunk by whole words until the total
 *   (template included, for chat) is at most N; the filler (one-token alphabet words) closes the
 *   last few tokens, since one source word may cost several tokens.
 * Calibration measures request 0's prompt; since tags are count-preserving by construction, any
 * other request has the same count. A few other requests are measured as a check, and a length
 * whose check fails falls back to the estimate rather than claiming exactness.
 *
 * The search is the same for any counter: the server's /tokenize (tokenize_client.ts) or a
 * local tokenizer.json (local_tokenizer.ts, strategy 2).
 */
import { createRng } from "../load/rng.ts";
import type { PortableBlocks } from "./block_prompts.ts";
import { promptForRequest } from "./synthetic_prompt.ts";
import { ENGLISH_WORDS, type TextSource, type WordStream, wordStream } from "./text_sources.ts";
import type { CountForm, TokenCounter } from "./tokenize_client.ts";

/**
 * How prompt lengths were obtained: `exact` (measured with the server's /tokenize),
 * `local_tokenizer` (measured with a tokenizer.json on disk), or `estimate` (word counts).
 */
export type PromptLengthMode = "exact" | "local_tokenizer" | "estimate";

/** Per-request prompts for a run. */
export interface PromptBook {
  mode: PromptLengthMode;
  /**
   * True when some prompt lengths are not measured exactly: estimates, or chat prompts counted
   * with a local tokenizer that has no chat template. Shown in the summary.
   */
  approximate: boolean;
  /** The prompt of request `index` meant to have `tokens` tokens; the same for the same seed. */
  promptFor(index: number, tokens: number): string;
  /** Counter calls (/tokenize requests or local encodes) spent on calibration. */
  calls: number;
  /** One line per problem met (a length that fell back to the estimate, and why). */
  warnings: string[];
  /**
   * Everything `promptFor` depends on, as plain data (structured-cloneable): a worker thread
   * rebuilds the same book with {@link promptBookFrom} instead of calibrating again.
   */
  portable: PortableBook;
}

/**
 * A prompt book as data: the text source and seed, and for each calibrated length the parts of
 * its exact prompt (shared prefix, tag alphabets, body). Lengths not listed use the estimate.
 */
export interface PortableBook {
  mode: PromptLengthMode;
  approximate: boolean;
  options: PromptOptions;
  /** Calibrated parts; absent for a book of estimates. */
  exact?: {
    shared: string;
    /** Tag alphabet of the first word, and of the others. */
    firsts: string[];
    letters: string[];
    /** [prompt tokens, body text] per exact length. */
    bodies: [number, string][];
  };
  /** A trace's prefix blocks (`hash_ids`), when it has any (see block_prompts.ts). */
  blocks?: PortableBlocks;
}

/** Rebuilds a book from {@link PromptBook.portable}: the same prompt for every index and length. */
export function promptBookFrom(portable: PortableBook): PromptBook {
  const fallback = estimatePromptBook(portable.options);
  const ex = portable.exact;
  if (!ex) return { ...fallback, mode: portable.mode, approximate: portable.approximate };
  const tag = tagOf(ex.firsts, ex.letters);
  const exact = new Map(ex.bodies);
  return {
    mode: portable.mode,
    approximate: portable.approximate,
    calls: 0,
    warnings: [],
    portable,
    promptFor(index, tokens) {
      const bodyText = exact.get(tokens);
      return bodyText === undefined
        ? fallback.promptFor(index, tokens)
        : joinParts([ex.shared, tag(index), bodyText]);
    },
  };
}

/** Request i's tag: i in base |alphabet|, least significant word first (see the file comment). */
function tagOf(firsts: readonly string[], letters: readonly string[]): (index: number) => string {
  return (index) => {
    const out: string[] = [];
    let x = index;
    for (let d = 0; d < TAG_WORDS; d++) {
      const digits = d === 0 ? firsts : letters;
      out.push(digits[x % digits.length]);
      x = Math.floor(x / digits.length);
    }
    return out.join(" ");
  };
}

/** What prompts are made of. */
export interface PromptOptions {
  source: TextSource;
  seed: number;
  /** Tokens at the start of every prompt that are identical across requests. Default 0. */
  sharedPrefixTokens?: number;
}

/**
 * Words in each request's unique tag: |alphabet|^4 distinct tags (over 1M with ≥ 32 words);
 * fewer when only some words are one token at the start of a text (see startWords).
 */
export const TAG_WORDS = 4;
const ALPHABET_CANDIDATES = 64;
const MIN_ALPHABET = 16;
const ALPHABET_CALLS = 8;
// Start forms are rarer than spaced forms (a few misses split most big groups): more calls.
const START_CALLS = 24;
const FIT_CALLS = 20;
const VERIFY_INDEXES = [1, 2, 99_991];
// Close the last gap with filler once the body is within this many tokens of the target.
const FILL_GAP = 16;

/**
 * Word-count prompts (today's behaviour for the English source: one token per word): no
 * calibration, lengths approximate on real tokenizers and off by the template for chat.
 */
export function estimatePromptBook(opts: PromptOptions, warnings: string[] = []): PromptBook {
  const shared = opts.sharedPrefixTokens ?? 0;
  const sharedWords = shared > 0
    ? wordStream(opts.source, mix(opts.seed, -1)).take(shared).join(" ")
    : "";
  return {
    mode: "estimate",
    approximate: true,
    calls: 0,
    warnings,
    portable: { mode: "estimate", approximate: true, options: opts },
    promptFor(index, tokens) {
      if (opts.source.name === "english" && opts.source.order === "random" && shared === 0) {
        return promptForRequest(opts.seed, index, tokens);
      }
      const rest = Math.max(tokens - shared, 0);
      const seed = mix(opts.seed, index);
      const words = wordStream(opts.source, seed, { offset: seed % opts.source.words.length })
        .take(rest).join(" ");
      return joinParts([sharedWords, words]);
    },
  };
}

/**
 * Calibrates prompts for each distinct length in `lengths` against `counter`, before any load is
 * sent; `mode` is what a fully exact book reports (default `exact`). At most ~8 calls for the tag alphabet, ~20 for the shared prefix and ~24 per length.
 * A length that cannot be made exact falls back to the estimate, with a line in `warnings`;
 * counter failures (TokenizeUnavailable) propagate so the caller can fall back wholesale.
 */
export async function calibratePromptBook(
  lengths: readonly number[],
  counter: TokenCounter,
  opts: PromptOptions & { form: CountForm; exactMode?: PromptLengthMode },
): Promise<PromptBook> {
  const callsBefore = counter.calls;
  const warnings: string[] = [];
  const fallback = estimatePromptBook(opts, warnings);
  const alphabet = await singleTokenWords(counter);
  if (alphabet.length < MIN_ALPHABET) {
    warnings.push(
      `exact prompt lengths: the tokenizer splits common English words; using estimates`,
    );
    return { ...fallback, calls: counter.calls - callsBefore };
  }
  const letters = shuffled(alphabet, opts.seed);
  // Without a shared prefix the tag's first word opens the prompt, where byte-level BPEs (Llama 3,
  // Qwen) see it without its leading space: "time" may cost 2 tokens where " time" costs 1.
  const firsts = (opts.sharedPrefixTokens ?? 0) > 0 ? letters : await startWords(counter, letters);
  const tag = tagOf(firsts, letters);
  const filler = (n: number) =>
    Array.from({ length: n }, (_, i) => letters[(i * 7 + 3) % letters.length]).join(" ");

  let shared = "";
  const sharedTokens = opts.sharedPrefixTokens ?? 0;
  if (sharedTokens > 0) {
    const words = wordStream(opts.source, mix(opts.seed, -1));
    const fit = await fitWords(
      sharedTokens,
      (w, f) => counter.count(joinParts([words.take(w).join(" "), filler(f)]), "raw"),
    );
    if (!fit) {
      warnings.push(
        `exact prompt lengths: could not fit a shared prefix of ${sharedTokens} tokens; using estimates`,
      );
      return { ...fallback, calls: counter.calls - callsBefore };
    }
    shared = joinParts([words.take(fit.words).join(" "), filler(fit.fill)]);
  }

  const body: WordStream = wordStream(opts.source, opts.seed);
  const exact = new Map<number, string>();
  for (const n of new Set(lengths)) {
    const prompt = (index: number, bodyText: string) => joinParts([shared, tag(index), bodyText]);
    const bodyOf = (w: number, f: number) => joinParts([body.take(w).join(" "), filler(f)]);
    const fit = await fitWords(n, (w, f) => counter.count(prompt(0, bodyOf(w, f)), opts.form));
    if (!fit) {
      warnings.push(
        `exact prompt lengths: could not reach exactly ${n} tokens (shorter than the template, shared prefix and tag?); using the estimate for it`,
      );
      continue;
    }
    const bodyText = bodyOf(fit.words, fit.fill);
    const counts = [];
    for (const i of VERIFY_INDEXES) {
      counts.push(await counter.count(prompt(i, bodyText), opts.form));
    }
    if (counts.some((c) => c !== n)) {
      warnings.push(
        `exact prompt lengths: per-request prompts of ${n} tokens measured ${
          counts.join(", ")
        }; using the estimate for it`,
      );
      continue;
    }
    exact.set(n, bodyText);
  }
  const allExact = exact.size === new Set(lengths).size;
  const book = promptBookFrom({
    mode: allExact ? opts.exactMode ?? "exact" : "estimate",
    approximate: !allExact,
    options: { source: opts.source, seed: opts.seed, sharedPrefixTokens: opts.sharedPrefixTokens },
    exact: { shared, firsts, letters, bodies: [...exact] },
  });
  return { ...book, calls: counter.calls - callsBefore, warnings };
}

/** Where a fit landed: body words and filler words. */
interface Fit {
  words: number;
  fill: number;
}

/**
 * Finds word and filler counts whose measure is exactly `target`: proportional steps within a
 * shrinking bracket until the count is within a few tokens below the target, then filler words
 * (one token each) close the gap. Assumes the measure grows with words; at most ~24 calls.
 */
async function fitWords(
  target: number,
  measure: (words: number, fill: number) => Promise<number>,
): Promise<Fit | undefined> {
  const c0 = await measure(0, 0);
  if (c0 > target) return undefined;
  let lo = { w: 0, c: c0 };
  let hi: { w: number; c: number } | undefined;
  let w = target - c0; // first guess: one token per word
  for (let calls = 1; calls < FIT_CALLS && target - lo.c > FILL_GAP; calls++) {
    const c = await measure(w, 0);
    if (c === target) return { words: w, fill: 0 };
    if (c < target) lo = { w, c };
    else hi = { w, c };
    if (hi && hi.w - lo.w <= 1) break;
    // Secant step through the bracket (or from the origin while unbracketed), kept strictly
    // inside it; every third step bisects so a skewed secant cannot stall.
    let next: number;
    if (hi && calls % 3 === 0) next = Math.floor((lo.w + hi.w) / 2);
    else if (hi) next = lo.w + Math.round((target - lo.c) * (hi.w - lo.w) / (hi.c - lo.c));
    else next = Math.round(lo.w * (target - c0) / Math.max(lo.c - c0, 1));
    next = Math.max(next, lo.w + 1);
    if (hi) next = Math.min(next, hi.w - 1);
    w = next;
  }
  let fill = target - lo.c;
  for (let tries = 0; tries < 4 && fill >= 0; tries++) {
    const c = fill === 0 ? lo.c : await measure(lo.w, fill);
    if (c === target) return { words: lo.w, fill };
    fill += target - c;
  }
  return undefined;
}

/**
 * Common English words that the counter measures as one token each, found by group testing:
 * a group whose count equals its size is kept whole, any other is halved and retried.
 */
async function singleTokenWords(counter: TokenCounter): Promise<string[]> {
  const good: string[] = [];
  // Short words first: they are the likeliest to be single tokens in any vocabulary.
  const byLength = ENGLISH_WORDS.map((w, i) => ({ w, i }))
    .sort((a, b) => a.w.length - b.w.length || a.i - b.i).map((x) => x.w);
  const queue = [byLength.slice(0, ALPHABET_CANDIDATES)];
  for (let calls = 0; queue.length > 0 && calls < ALPHABET_CALLS; calls++) {
    const group = queue.shift()!;
    const c = await counter.count(group.join(" "), "raw");
    if (c === group.length) good.push(...group);
    else if (group.length > 1) {
      const half = group.length >> 1;
      queue.push(group.slice(0, half), group.slice(half));
    }
  }
  return good;
}

/**
 * Alphabet words that are one token also at the start of a text (no leading space), by group
 * testing on newline-separated groups: k words cost at least k tokens and k - 1 newlines at
 * least 0, so a count of k (newlines free) or 2k - 1 (one token each) means every word is one
 * token where a newline, like the start of a text, leaves it without a space. Falls back to all
 * of `letters` when fewer than two pass (the check of a few requests' counts then decides).
 */
async function startWords(counter: TokenCounter, letters: string[]): Promise<string[]> {
  const good: string[] = [];
  const queue = [letters];
  for (let calls = 0; queue.length > 0 && calls < START_CALLS; calls++) {
    const group = queue.shift()!;
    const c = await counter.count(group.join("\n"), "raw");
    if (c === group.length || c === 2 * group.length - 1) good.push(...group);
    else if (group.length > 1) {
      const half = group.length >> 1;
      queue.push(group.slice(0, half), group.slice(half));
    }
  }
  return good.length >= 2 ? good : letters;
}

function shuffled(words: readonly string[], seed: number): string[] {
  const out = words.slice();
  const rng = createRng(mix(seed, -2));
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function joinParts(parts: string[]): string {
  return parts.filter((p) => p.length > 0).join(" ");
}

/** A 32-bit seed for (run seed, request index), the same mixing as synthetic prompts. */
function mix(seed: number, index: number): number {
  return (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
}
