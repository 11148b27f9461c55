import { parseStartAt } from "../config/start_at.ts";
import type { RunPlan } from "../config/run_plan.ts";
import { formatShard, parseShard } from "../load/shard.ts";
import { UsageError } from "../config/usage_error.ts";

/** The multi-host flags of `llmload run` (node:util parseArgs options; merged into RUN_OPTIONS). */
export const SHARD_OPTIONS = {
  shard: { type: "string" },
  "start-at": { type: "string" },
} as const;

/**
 * `--shard i/N` and `--start-at TIME`; every problem is appended to `problems`. A closed loop's
 * `--requests` is split between the shards, so each needs at least one (`requests` ≥ N).
 */
export function shardSection(
  values: Record<string, string | boolean | string[] | undefined>,
  problems: string[],
  context: { nowMs: number; closedRequests?: number },
): Pick<RunPlan, "shard" | "startAtEpochMs"> {
  const out: Pick<RunPlan, "shard" | "startAtEpochMs"> = {};
  const shardRaw = values.shard as string | undefined;
  if (shardRaw !== undefined) {
    try {
      out.shard = parseShard(shardRaw);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      problems.push(...e.problems);
    }
  }
  const n = out.shard?.count;
  if (n !== undefined && context.closedRequests !== undefined && context.closedRequests < n) {
    problems.push(
      `--requests ${context.closedRequests} cannot be split over ${n} shards ` +
        `(--shard ${formatShard(out.shard!)}): a closed loop's shard sends its share of ` +
        `--requests, so give at least ${n}`,
    );
  }
  const startRaw = values["start-at"] as string | undefined;
  if (startRaw !== undefined) {
    const parsed = parseStartAt(startRaw, { nowMs: context.nowMs });
    if ("problem" in parsed) problems.push(parsed.problem);
    else out.startAtEpochMs = parsed.epochMs;
  }
  return out;
}
