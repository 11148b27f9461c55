/**
 * Generated shared-prefix groups (issue 20): G groups, each with its own prefix of exactly S
 * tokens, followed by a question of exactly Q tokens (P distinct questions per group, cycled);
 * each request's group is chosen by a stated policy. The flags that set it live in
 * lib/cli/prefix_group_args.ts; prompts and the ideal hit rate in lib/workload/prefix_groups.ts.
 */
import { z } from "zod";

/** How request i's group is chosen: in turn, uniformly at random, or Zipf-skewed (seeded). */
export const GROUP_POLICIES = ["round-robin", "uniform", "zipf"] as const;
export type GroupPolicy = (typeof GROUP_POLICIES)[number];

/**
 * Most groups: each group's prefix opens with its own word from the built-in English list, so
 * groups differ from their first token.
 */
export const MAX_PREFIX_GROUPS = 128;

const positiveInt = z.number().int().positive();

export const PrefixGroupsSchema = z.object({
  groups: positiveInt.max(MAX_PREFIX_GROUPS),
  /** Distinct questions per group, used in turn. */
  promptsPerGroup: positiveInt,
  /** Tokens of each group's prefix. */
  prefixTokens: positiveInt,
  /** Tokens after the prefix (the question); prompt tokens = prefix + question. */
  questionTokens: positiveInt,
  policy: z.enum(GROUP_POLICIES),
  /** Zipf exponent s: P(group k) ∝ 1 / (k + 1)^s. Used with `zipf` only. */
  zipfExponent: z.number().positive(),
});

/** A run's prefix groups, as planned. */
export type PrefixGroupsPlan = z.infer<typeof PrefixGroupsSchema>;
