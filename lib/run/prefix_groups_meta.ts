/**
 * meta.json `request.prefix_groups` (issue 20): the groups as planned and the prefix-cache hit
 * rate an ideal cache would report for them (lib/workload/prefix_groups.ts), so a run's measured
 * `/metrics` rate can be read against it.
 */
import type { RunPlan } from "../config/run_plan.ts";
import { resolveEngineParams } from "../sim/mod.ts";
import { idealPrefixHitRate } from "../workload/prefix_groups.ts";

/** vLLM's default KV block size, in tokens (the simulator's profiles use it too). */
export const DEFAULT_KV_BLOCK_SIZE = 16;

/** The KV block size of the target: the simulator's as configured (profile and flags), else vLLM's. */
function kvBlockSize(plan: RunPlan): number {
  const sim = plan.target.sim ? plan.target.simOptions : undefined;
  if (!sim) return DEFAULT_KV_BLOCK_SIZE;
  return resolveEngineParams(sim.profile, { overrides: { ...sim.engine } }).blockSize;
}

/**
 * The ideal hit rate of `plan` over `requests` requests (warm-up included: the server counts
 * those too); null without prefix groups. The block size is the simulator's when it is the
 * target, else vLLM's default.
 */
export function idealPlanHitRate(plan: RunPlan, requests: number): number | null {
  const cfg = plan.request.prefixGroups;
  if (!cfg || requests <= 0) return null;
  return idealPrefixHitRate(cfg, { requests, blockSize: kvBlockSize(plan), seed: plan.seed }).rate;
}

/** Requests the plan sends when it is bounded by count (warm-up included); else null. */
export function plannedRequests(plan: RunPlan): number | null {
  if (plan.stop.requests === undefined || plan.stop.durationMs !== undefined) return null;
  if (plan.warmup.durationMs !== undefined) return null;
  return plan.stop.requests + (plan.warmup.requests ?? 0);
}

/** meta.json's `request.prefix_groups` (snake_case); the rate is null for a run bounded by time. */
export function prefixGroupsMeta(plan: RunPlan): Record<string, unknown> | null {
  const cfg = plan.request.prefixGroups;
  if (!cfg) return null;
  const requests = plannedRequests(plan);
  const rate = requests === null ? null : idealPlanHitRate(plan, requests);
  return {
    groups: cfg.groups,
    prompts_per_group: cfg.promptsPerGroup,
    prefix_tokens: cfg.prefixTokens,
    question_tokens: cfg.questionTokens,
    policy: cfg.policy,
    zipf_exponent: cfg.policy === "zipf" ? cfg.zipfExponent : null,
    block_size: kvBlockSize(plan),
    ideal_requests: requests,
    ideal_hit_rate: rate === null ? null : Math.round(rate * 10000) / 10000,
  };
}

/**
 * The ideal hit rate for the requests a finished run sent (measured and warm-up, dropped ones
 * left out); null without prefix groups.
 */
export function idealRunHitRate(
  plan: RunPlan,
  counts: { total: number; dropped: number; warmup: number },
): number | null {
  return idealPlanHitRate(plan, counts.total - counts.dropped + counts.warmup);
}
