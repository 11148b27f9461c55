/**
 * Shared-prefix groups (issue 20) as pure functions: which group and which question request i
 * gets, the words that open each group's prefix, and the prefix-cache hit rate the plan allows.
 *
 * Assignment: `round-robin` gives request i group i mod G; `uniform` and `zipf` draw the group
 * from an RNG seeded by (seed, i) alone, so any thread computes the same group for the same
 * index. Request i's question is the k-th of its group (k = requests of that group before i)
 * modulo P: questions are used in turn, and after P of them a group repeats whole prompts.
 */
import { createRng } from "../load/rng.ts";
import type { PrefixGroupsPlan } from "../config/prefix_groups_plan.ts";
import { ENGLISH_WORDS } from "./text_sources.ts";

export type { PrefixGroupsPlan };

/** Where request i's prompt comes from. */
export interface GroupSlot {
  group: number;
  /** The question within its group, in [0, P). */
  question: number;
  /** Requests of the same group before this one: 0 for the first (nothing of it is cached yet). */
  ordinal: number;
}

/** Request index → group and question; remembers earlier indexes (questions count them). */
export interface GroupAssignment {
  slotOf(index: number): GroupSlot;
}

/** The assignment of `cfg` under `seed`: the same slots for the same index in every thread. */
export function groupAssignment(cfg: PrefixGroupsPlan, seed: number): GroupAssignment {
  const groupOf = groupChooser(cfg, seed);
  const groups: number[] = [];
  const ordinals: number[] = [];
  const seen = new Array<number>(cfg.groups).fill(0);
  return {
    slotOf(index) {
      while (groups.length <= index) {
        const g = groupOf(groups.length);
        groups.push(g);
        ordinals.push(seen[g]++);
      }
      const k = ordinals[index];
      return { group: groups[index], question: k % cfg.promptsPerGroup, ordinal: k };
    },
  };
}

/** Request index → group under the plan's policy. */
export function groupChooser(cfg: PrefixGroupsPlan, seed: number): (index: number) => number {
  const g = cfg.groups;
  if (cfg.policy === "round-robin") return (i) => i % g;
  if (cfg.policy === "uniform") return (i) => createRng(groupKey(seed, i)).int(g);
  const cdf = zipfCdf(g, cfg.zipfExponent);
  return (i) => {
    const u = createRng(groupKey(seed, i)).next();
    const k = cdf.findIndex((c) => u < c);
    return k < 0 ? g - 1 : k;
  };
}

/** Cumulative Zipf probabilities over groups 0..n-1: P(k) ∝ 1 / (k + 1)^s. */
export function zipfCdf(n: number, s: number): number[] {
  const w = Array.from({ length: n }, (_, k) => 1 / Math.pow(k + 1, s));
  const total = w.reduce((a, b) => a + b, 0);
  let acc = 0;
  return w.map((x) => (acc += x / total));
}

/** A question's id across groups (its tag and seed): unique per (group, question). */
export function questionId(cfg: PrefixGroupsPlan, slot: GroupSlot): number {
  return slot.group * cfg.promptsPerGroup + slot.question;
}

/**
 * The word that opens each group's prefix: distinct per group (a seeded draw without
 * replacement from the built-in English words), so groups share not even their first token.
 * The draw depends on the group count too, so sweep points with different counts (one
 * simulator, its cache kept between points) share no prefix either.
 */
export function groupLabels(groups: number, seed: number): string[] {
  const words = ENGLISH_WORDS.slice();
  const rng = createRng(groupKey(groupSeed(seed, groups), -7));
  for (let i = words.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [words[i], words[j]] = [words[j], words[i]];
  }
  return words.slice(0, groups);
}

/** The ideal prefix-cache hit rate of a plan, and the token counts behind it. */
export interface IdealHitRate {
  rate: number;
  hitTokens: number;
  queriedTokens: number;
  requests: number;
  blockSize: number;
}

/**
 * The hit rate an infinite prefix cache with vLLM V1 semantics would report for the first
 * `requests` requests of the plan, sent one after another: hit tokens / queried prompt tokens
 * (vLLM's `prefix_cache_hits` / `prefix_cache_queries`). A request of L = S + Q tokens hits only
 * full blocks of `blockSize`, and never its last token (vLLM always computes it):
 * - the first request of a group hits nothing;
 * - a later request with a question not asked before in its group hits its prefix's full
 *   blocks, floor(S / B)·B tokens (the question's tag diverges at its first token);
 * - a repeated question (the group's P questions are used in turn) hits floor((L - 1) / B)·B.
 * Tokens a chat template puts before the prefix are not counted (they can add one block).
 */
export function idealPrefixHitRate(
  cfg: PrefixGroupsPlan,
  opts: { requests: number; blockSize: number; seed: number },
): IdealHitRate {
  const b = opts.blockSize;
  const promptTokens = cfg.prefixTokens + cfg.questionTokens;
  const cap = Math.floor((promptTokens - 1) / b) * b;
  const prefixHit = Math.min(Math.floor(cfg.prefixTokens / b) * b, cap);
  const assign = groupAssignment(cfg, opts.seed);
  let hitTokens = 0;
  for (let i = 0; i < opts.requests; i++) {
    const { ordinal } = assign.slotOf(i);
    if (ordinal === 0) continue;
    hitTokens += ordinal >= cfg.promptsPerGroup ? cap : prefixHit;
  }
  const queriedTokens = opts.requests * promptTokens;
  return {
    rate: queriedTokens > 0 ? hitTokens / queriedTokens : 0,
    hitTokens,
    queriedTokens,
    requests: opts.requests,
    blockSize: b,
  };
}

/** The seed of a plan's group prefixes: the run's seed mixed with the group count. */
export function groupSeed(seed: number, groups: number): number {
  return (seed ^ Math.imul(groups, 0x9e3779b1) ^ 0x7f4a7c15) >>> 0;
}

// Group draws use their own key space, apart from prompt and output-length seeds.
function groupKey(seed: number, index: number): number {
  return (seed ^ Math.imul(index + 1, 0x27d4eb2f) ^ 0x165667b1) >>> 0;
}
