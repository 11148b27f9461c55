/**
 * How many worker threads a run uses (`--workers N|auto`), and why: a pure function of the plan,
 * the machine's cores and the token event rate the plan implies.
 */

import type { RunPlan } from "../../config/run_plan.ts";
import { UsageError } from "../../config/usage_error.ts";
import { shareOf, WHOLE } from "../../load/shard.ts";

/**
 * Token events per second one worker thread is given under `auto`. One core ingests ~150k
 * events/s (docs/deno_notes.md), but timing error grows well before that (TTFT error p50 ~20 ms at
 * ~50k events/s on one thread), so auto plans for under a third of a core's ceiling.
 */
export const EVENTS_PER_WORKER = 40_000;
/** ITL assumed when the plan does not know the server's (a fast server: more events). */
export const ASSUMED_ITL_MS = 10;

export type { WorkersChoice } from "../../results/meta_json.ts";
import type { WorkersChoice } from "../../results/meta_json.ts";

/** Facts from outside the plan. */
export interface WorkerFacts {
  /** `navigator.hardwareConcurrency`. */
  cores: number;
  /** Mean requests/s of a shaped open load whose rate the plan alone does not say (trace). */
  meanRate?: number;
}

/** Mean `max_tokens` of the plan's requests. */
function meanOutputTokens(plan: RunPlan): number {
  const o = plan.request.outputTokens;
  if (!o) return plan.request.maxTokens;
  if (o.shape === "fixed") return o.tokens;
  if (o.shape === "uniform") return (o.min + o.max) / 2;
  return o.mean;
}

/** Peak token events/s the plan asks for, or undefined when it cannot be told in advance. */
export function expectedEventRate(plan: RunPlan, facts: WorkerFacts): number | undefined {
  const load = plan.load;
  if (load.mode === "closed") {
    const streams = load.concurrency ?? Math.max(...(load.stages ?? []).map((s) => s.concurrency));
    const itl = plan.target.simOptions?.itlMs || ASSUMED_ITL_MS;
    return streams * (1000 / itl);
  }
  const shape = load.shape;
  const rate = shape === undefined
    ? load.rate
    : shape.kind === "ramp"
    ? Math.max(shape.from, shape.to)
    : shape.kind === "stages"
    ? Math.max(...shape.stages.map((s) => s.rate))
    : facts.meanRate;
  return rate === undefined ? undefined : rate * meanOutputTokens(plan);
}

/** True when the target shares this machine (the simulator, or a loopback address). */
export function targetIsLocal(plan: RunPlan): boolean {
  if (plan.target.sim) return true;
  try {
    const host = new URL(plan.target.url).hostname;
    return host === "localhost" || host.startsWith("127.") || host === "[::1]";
  } catch {
    return false;
  }
}

/**
 * The worker count of a run. `auto`: ceil(expected events/s ÷ {@link EVENTS_PER_WORKER}),
 * at most the cores minus one for the main thread (it writes the records) and minus one more
 * when the server runs on this machine, and at least 1. A plan whose rate is a user's function
 * cannot cross into a worker (functions are not copied between threads): auto picks 1, and an
 * explicit N > 1 is a UsageError, as is an N above `--max-in-flight` or a LoRA run. A closed
 * loop never gets more workers than virtual users (a worker without one would still take a share
 * of `--requests`).
 */
export function chooseWorkers(plan: RunPlan, facts: WorkerFacts): WorkersChoice {
  const choice = chooseUncapped(plan, facts);
  // A closed-loop worker without a virtual user would still claim a share of `--requests`.
  const users = usersOnThisHost(plan);
  if (users !== undefined && choice.count > users) {
    return {
      ...choice,
      count: users,
      reason: `${choice.reason}; capped at ${users} (one worker per virtual user at most)`,
    };
  }
  return choice;
}

/** Closed loop: the most virtual users this host runs at once (its shard's share). */
function usersOnThisHost(plan: RunPlan): number | undefined {
  if (plan.load.mode !== "closed") return undefined;
  const users = plan.load.concurrency ??
    Math.max(...(plan.load.stages ?? []).map((s) => s.concurrency));
  return Math.max(1, shareOf(plan.shard ?? WHOLE, users));
}

function chooseUncapped(plan: RunPlan, facts: WorkerFacts): WorkersChoice {
  const requested = plan.workers ?? 1;
  const cores = facts.cores;
  const unsupported = plan.load.mode === "open" && plan.load.shape?.kind === "function"
    ? "a rate function (a scenario's load.rate) cannot run in worker threads"
    : plan.lora
    ? "LoRA runs (--lora-*) use the main thread only"
    : undefined;
  if (requested === "auto") {
    if (unsupported) return { count: 1, requested, reason: `auto: ${unsupported}`, cores };
    const events = expectedEventRate(plan, facts);
    const spare = Math.max(1, cores - 1 - (targetIsLocal(plan) ? 1 : 0));
    if (events === undefined) {
      return { count: 1, requested, reason: "auto: the event rate is unknown", cores };
    }
    let count = Math.min(Math.max(1, Math.ceil(events / EVENTS_PER_WORKER)), spare);
    if (plan.load.mode === "open" && plan.load.maxInFlight !== undefined) {
      count = Math.min(count, plan.load.maxInFlight);
    }
    return {
      count,
      requested,
      reason: `auto: ~${Math.round(events)} token events/s ÷ ${EVENTS_PER_WORKER} per worker, ` +
        `at most ${spare} (${cores} cores − 1 main thread${
          targetIsLocal(plan) ? " − 1 for the local server" : ""
        })`,
      cores,
      expected_events_per_s: Math.round(events),
    };
  }
  const problems: string[] = [];
  if (requested > 1 && unsupported) problems.push(`--workers ${requested}: ${unsupported}`);
  if (
    requested > 1 && plan.load.mode === "open" && plan.load.maxInFlight !== undefined &&
    plan.load.maxInFlight < requested
  ) {
    problems.push(
      `--workers ${requested}: each worker gets a share of --max-in-flight ` +
        `${plan.load.maxInFlight}, so give at most ${plan.load.maxInFlight} workers`,
    );
  }
  if (problems.length > 0) throw new UsageError(problems);
  return { count: requested, requested, reason: "as given", cores };
}
