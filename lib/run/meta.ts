import type { RunPlan } from "../config/run_plan.ts";
import { VERSION } from "../version.ts";
import { describeOutputLength } from "../workload/output_length.ts";

/**
 * The contents of meta.json: what ran, against what, when, and how to rebuild times. Record
 * times in requests.jsonl are ms from `time_origin_epoch_ms`. The API key never appears here.
 */
export function buildMeta(
  plan: RunPlan,
  run: {
    runId: string;
    baseUrl: string;
    model: string;
    originEpochMs: number;
    endedAtEpochMs?: number;
    interrupted: boolean;
    /** `exact`: prompts measured with the server's /tokenize; `estimate`: word counts. */
    promptLengthMode?: "exact" | "estimate";
    /** The dataset the prompts came from (`describeDataset`); absent for synthetic prompts. */
    dataset?: Record<string, unknown>;
    /** LoRA mode, strategy, adapter set and load timings (`loraMeta`); absent without LoRA. */
    lora?: Record<string, unknown>;
  },
): Record<string, unknown> {
  return {
    run_id: run.runId,
    llmload_version: VERSION,
    command_line: plan.commandLine,
    target: { url: run.baseUrl, model: run.model, sim: plan.target.sim },
    endpoint: plan.endpoint,
    transport: plan.transport,
    load: plan.load.mode === "open"
      ? {
        mode: "open",
        rate: plan.load.rate,
        arrival: plan.load.arrival,
        burstiness: plan.load.burstiness,
        max_in_flight: plan.load.maxInFlight ?? null,
        queue: plan.load.queue,
      }
      : { mode: "closed", concurrency: plan.load.concurrency, ramp_ms: plan.load.rampMs ?? null },
    stop: { duration_ms: plan.stop.durationMs ?? null, requests: plan.stop.requests ?? null },
    warmup: {
      duration_ms: plan.warmup.durationMs ?? null,
      requests: plan.warmup.requests ?? null,
    },
    request: {
      // With a dataset the synthetic-prompt settings are unused: null rather than misleading.
      prompt_tokens: plan.dataset ? null : plan.request.promptTokens,
      max_tokens: plan.request.maxTokens,
      output_tokens: plan.request.outputTokens
        ? describeOutputLength(plan.request.outputTokens)
        : null,
      ignore_eos: plan.request.ignoreEos,
      shared_prefix_tokens: plan.dataset ? null : plan.request.sharedPrefixTokens,
      text_source: plan.dataset ? null : plan.request.textSource,
    },
    dataset: run.dataset ?? null,
    lora: run.lora ?? null,
    prompt_length_mode: run.promptLengthMode ?? null,
    timeouts: {
      request_ms: plan.timeouts.requestMs,
      connect_ms: plan.timeouts.connectMs ?? null,
      ttft_ms: plan.timeouts.ttftMs ?? null,
    },
    seed: plan.seed,
    started_at: new Date(run.originEpochMs).toISOString(),
    ended_at: run.endedAtEpochMs === undefined ? null : new Date(run.endedAtEpochMs).toISOString(),
    time_origin_epoch_ms: Math.round(run.originEpochMs * 1000) / 1000,
    interrupted: run.interrupted,
    client: {
      deno: Deno.version.deno,
      os: Deno.build.os,
      arch: Deno.build.arch,
      hostname: safeHostname(),
    },
  };
}

function safeHostname(): string | null {
  try {
    return Deno.hostname();
  } catch {
    return null;
  }
}
