/**
 * Deterministic generated output: which words a request produces and how many.
 *
 * Everything is derived from the simulator's seed and a per-request key (the `x-request-id`
 * header, the prompt and the body's `seed`), so the same request to a simulator with the same
 * seed produces the same text and length, while distinct requests differ.
 * Each output token is `" " + word` with a lowercase ASCII word, so the simulator's tokenizer
 * counts exactly one token per emitted delta.
 */

/** Words the simulator "generates"; lowercase ASCII letters only (one token each). */
export const WORDS: readonly string[] = (
  "the of and to in is that it for on with as was at by be this are from or have an they " +
  "which one you were all we when there can been has more if will would about their what so " +
  "up out into than them some could time these two may first then do any like other how our " +
  "over also new after use work only most way well where back through much before " +
  "model token batch cache queue prefill decode latency throughput request stream server " +
  "memory kernel tensor layer weight window context prompt sample length budget engine step " +
  "river mountain forest ocean desert valley island meadow harbor canyon glacier prairie " +
  "copper silver amber violet crimson golden indigo scarlet ivory cobalt emerald saffron"
).split(" ");

/** A 32-bit hash (FNV-1a) of a string; the seed mixes in so simulators with other seeds differ. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A small seeded PRNG (mulberry32): returns floats in [0, 1). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Output length when the request does not ignore EOS: a fixed count, or a lognormal with the
 * given mean (tokens) and coefficient of variation (sd / mean; 0 = always the mean).
 */
export type OutputLengthSpec = number | { mean: number; cv?: number };

/** Default natural output length: lognormal, mean 200 tokens, cv 0.6. */
export const DEFAULT_OUTPUT_LENGTH: OutputLengthSpec = { mean: 200, cv: 0.6 };

/** What a request will generate, decided when it arrives. */
export interface OutputPlan {
  /** Tokens to emit (>= 1). */
  tokens: number;
  /** "length" when max_tokens cut the output, "stop" when the simulated EOS came first. */
  finishReason: "length" | "stop";
  /** Seed of this request's word stream (see {@link createWordStream}). */
  wordSeed: number;
}

/** Inputs to {@link planOutput}; token counts are already validated (integers, max >= 1). */
export interface PlanInput {
  /** Per-request key (request id, prompt digest, body seed), hashed with the simulator seed. */
  key: string;
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
}

/** Decides a request's output length and finish reason, deterministically from seed and key. */
export function planOutput(
  input: PlanInput,
  seed: number,
  options: { length?: OutputLengthSpec } = {},
): OutputPlan {
  const h = hashString(input.key, seed);
  const wordSeed = hashString(input.key, h);
  if (input.ignoreEos) return { tokens: input.maxTokens, finishReason: "length", wordSeed };
  const natural = sampleLength(options.length ?? DEFAULT_OUTPUT_LENGTH, createRng(h));
  const tokens = Math.min(input.maxTokens, Math.max(input.minTokens, natural, 1));
  return { tokens, finishReason: tokens >= input.maxTokens ? "length" : "stop", wordSeed };
}

function sampleLength(spec: OutputLengthSpec, rng: () => number): number {
  if (typeof spec === "number") return Math.max(1, Math.round(spec));
  const cv = spec.cv ?? 0;
  if (cv <= 0) return Math.max(1, Math.round(spec.mean));
  // Lognormal parameterised so its mean and cv are the requested ones.
  const sigma2 = Math.log(1 + cv * cv);
  const mu = Math.log(spec.mean) - sigma2 / 2;
  const u1 = 1 - rng(); // (0, 1]: log is finite
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng());
  return Math.max(1, Math.round(Math.exp(mu + Math.sqrt(sigma2) * z)));
}

/** Returns the index into {@link WORDS} of each successive output token of a request. */
export function createWordStream(wordSeed: number): () => number {
  const rng = createRng(wordSeed);
  return () => Math.floor(rng() * WORDS.length);
}

/** The full output text of a plan (non-streaming responses): `" w1 w2 ..."`. */
export function planText(plan: OutputPlan): string {
  const next = createWordStream(plan.wordSeed);
  let text = "";
  for (let i = 0; i < plan.tokens; i++) text += " " + WORDS[next()];
  return text;
}
