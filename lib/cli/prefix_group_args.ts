/**
 * The shared-prefix group flags of `llmload run` (issue 20), in one place: their names, defaults
 * and checks. `--prefix-groups G` turns them on; prompt tokens are then
 * `--prefix-tokens` + `--question-tokens`.
 */
import {
  GROUP_POLICIES,
  MAX_PREFIX_GROUPS,
  type PrefixGroupsPlan,
} from "../config/prefix_groups_plan.ts";
import type { FlagReaders, FlagValues } from "./flag_readers.ts";

/** Flag names (keys of the plan's `request.prefixGroups`) as typed on the command line. */
export const PREFIX_GROUP_FLAGS = {
  groups: "prefix-groups",
  promptsPerGroup: "prompts-per-group",
  prefixTokens: "prefix-tokens",
  questionTokens: "question-tokens",
  policy: "group-policy",
  zipfExponent: "zipf-exponent",
} as const;

/** The flags as node:util parseArgs options. */
export const PREFIX_GROUP_OPTIONS = Object.fromEntries(
  Object.values(PREFIX_GROUP_FLAGS).map((f) => [f, { type: "string" as const }]),
) as Record<(typeof PREFIX_GROUP_FLAGS)[keyof typeof PREFIX_GROUP_FLAGS], { type: "string" }>;

/** Defaults of the flags besides `--prefix-groups`. */
export const PREFIX_GROUP_DEFAULTS = {
  promptsPerGroup: 100,
  prefixTokens: 1024,
  questionTokens: 128,
  policy: "round-robin",
  zipfExponent: 1.0,
} as const;

// Flags whose prompts the groups replace: combining them would leave one silently unused.
const REPLACED = ["prompt-tokens", "shared-prefix-tokens", "dataset", "trace"] as const;

/**
 * The plan's `request.prefixGroups`, or undefined without `--prefix-groups`; problems (a group
 * flag alone, a flag the groups replace, a bad value) are appended to `problems`.
 */
export function prefixGroupsSection(
  r: FlagReaders,
  values: FlagValues,
  problems: string[],
): PrefixGroupsPlan | undefined {
  const f = PREFIX_GROUP_FLAGS;
  const groups = r.num(
    f.groups,
    (n) => Number.isInteger(n) && n >= 1 && n <= MAX_PREFIX_GROUPS,
    `a whole number from 1 to ${MAX_PREFIX_GROUPS}`,
  );
  if (values[f.groups] === undefined) {
    for (const flag of Object.values(f)) {
      if (values[flag] !== undefined) problems.push(`--${flag} needs --${f.groups} G`);
    }
    return undefined;
  }
  for (const flag of REPLACED) {
    if (values[flag] !== undefined) {
      problems.push(
        `--${flag} cannot be combined with --${f.groups}: each group's prompts are --${f.prefixTokens} + --${f.questionTokens} tokens`,
      );
    }
  }
  const d = PREFIX_GROUP_DEFAULTS;
  const plan = {
    groups: groups ?? 1,
    promptsPerGroup: r.posInt(f.promptsPerGroup) ?? d.promptsPerGroup,
    prefixTokens: r.posInt(f.prefixTokens) ?? d.prefixTokens,
    questionTokens: r.posInt(f.questionTokens) ?? d.questionTokens,
    policy: r.oneOf(f.policy, GROUP_POLICIES, d.policy),
    zipfExponent: r.num(f.zipfExponent, (n) => n > 0, "a number > 0") ?? d.zipfExponent,
  };
  if (values[f.zipfExponent] !== undefined && plan.policy !== "zipf") {
    problems.push(`--${f.zipfExponent} needs --${f.policy} zipf`);
  }
  return plan;
}
