import { describeThinkTime } from "../load/think_time.ts";
import { effectiveConcurrency, type RunPlan } from "../config/run_plan.ts";
export type { MetaJson } from "../results/meta_json.ts";
import { RECORDS_FILE, RECORDS_FILE_GZ } from "../results/results_files.ts";
import { resolveEngineParams } from "../sim/mod.ts";
import type { SimOptions } from "../sim/mod.ts";
import type { ParsedTrace } from "../load/trace_replay.ts";
import { DEFAULT_BLOCK_SIZE } from "../workload/block_prompts.ts";
import { prefixGroupsMeta } from "./prefix_groups_meta.ts";
import type { LengthBuckets } from "../workload/length_buckets.ts";
import { VERSION } from "../version.ts";
import { describeOutputLength } from "../workload/output_length.ts";
import { samplingFields } from "../client/request_body.ts";
import { formatShard } from "../load/shard.ts";
import { redactArgv, redactDeep, redactText, redactUrl } from "../config/redact.ts";
import type { MetaJson, TelemetryMeta } from "../results/meta_json.ts";

type Nullable<T> = T | null;

/** What a run adds to its plan in meta.json. */
export interface RunFacts {
  runId: string;
  baseUrl: string;
  model: string;
  originEpochMs: number;
  endedAtEpochMs?: number;
  interrupted: boolean;
  /**
   * `exact`: prompts measured with the server's /tokenize; `local_tokenizer`: with a local
   * tokenizer.json (`--tokenizer`); `estimate`: word counts.
   */
  promptLengthMode?: "exact" | "local_tokenizer" | "estimate";
  /** The local tokenizer that measured prompts: its file and chat template source. */
  promptTokenizer?: { file: string; chatTemplate: string | null };
  /** The dataset the prompts came from (`describeDataset`); absent for synthetic prompts. */
  dataset?: Record<string, unknown>;
  /** A scenario's setup/teardown timings (ScenarioHooks.record); absent without hooks. */
  hooks?: unknown;
  /** With `--target sim`: the options the simulator was started with, and its truth log. */
  sim?: { options: SimOptions; truthLogFile?: string };
  /** The arrival shape or concurrency stages ({@link describeShape}); absent for none. */
  shape?: Record<string, unknown> | null;
  /** LoRA mode, strategy, adapter set and load timings (`loraMeta`); absent without LoRA. */
  lora?: Record<string, unknown>;
  /** What the server says about itself (`serverMeta`: version, models, engine, headers). */
  server?: Record<string, unknown>;
  /** `system`, `gpus`, `tags`, `notes`, `gpu_sampler` (telemetry_record.ts); appended as is. */
  telemetry?: TelemetryMeta;
  /** The transport actually used (`--transport auto` resolved: socket, or fetch for a proxy). */
  transportResolved?: "fetch" | "socket";
  /** What `--preconnect` opened before time 0 (preconnect.ts `PreconnectMeta`). */
  preconnect?: object;
}

/**
 * The contents of meta.json: what ran, against what, when, and how to rebuild times. Record
 * times in requests.jsonl are ms from `time_origin_epoch_ms`. The API key never appears here,
 * nor any other secret of the command line, the URL's userinfo or the server command (redact.ts):
 * meta.json feeds the reports and the history files, so this is where they are hidden.
 */
export function buildMeta(plan: RunPlan, run: RunFacts): MetaJson {
  // Every string, not only the target's: the server record repeats the URL (its /metrics).
  return redactDeep({
    run_id: run.runId,
    llmload_version: VERSION,
    command_line: redactArgv(plan.commandLine),
    target: {
      url: redactUrl(run.baseUrl),
      model: run.model,
      sim: plan.target.sim,
      ...(run.sim ? describeSim(run.sim.options, { truthLogFile: run.sim.truthLogFile }) : {}),
    },
    endpoint: plan.endpoint,
    transport: plan.transport,
    // `transport` is the flag as given (auto, fetch, socket); this is what the run used.
    transport_resolved: run.transportResolved ??
      (plan.transport === "auto" ? null : plan.transport),
    preconnect: run.preconnect ?? null,
    load: loadMeta(plan, run.shape ?? null),
    stop: { duration_ms: plan.stop.durationMs ?? null, requests: plan.stop.requests ?? null },
    records: {
      file: plan.gzipRecords ? RECORDS_FILE_GZ : RECORDS_FILE,
      token_times: plan.tokenTimes ?? "all",
    },
    warmup: {
      duration_ms: plan.warmup.durationMs ?? null,
      requests: plan.warmup.requests ?? null,
    },
    request: requestMeta(plan),
    dataset: run.dataset ?? null,
    hooks: run.hooks ?? null,
    lora: run.lora ?? null,
    server: run.server ?? null,
    ...serverVariantMeta(plan),
    ...sessionsMeta(plan),
    prompt_length_mode: run.promptLengthMode ?? null,
    // Which tokenizer.json measured the prompts, and whether a chat template was counted.
    prompt_tokenizer: run.promptTokenizer
      ? { file: run.promptTokenizer.file, chat_template: run.promptTokenizer.chatTemplate }
      : null,
    timeouts: {
      request_ms: plan.timeouts.requestMs,
      connect_ms: plan.timeouts.connectMs ?? null,
      ttft_ms: plan.timeouts.ttftMs ?? null,
    },
    seed: plan.seed,
    ...timesMeta(run),
    ...shardMeta(plan),
    client: {
      deno: Deno.version.deno,
      os: Deno.build.os,
      arch: Deno.build.arch,
      hostname: safeHostname(),
    },
    ...run.telemetry,
  });
}

/** meta.json `load`: open or closed loop, as planned, with the arrival shape. */
function loadMeta(plan: RunPlan, shape: Record<string, unknown> | null): MetaJson["load"] {
  if (plan.load.mode === "open") {
    return {
      mode: "open",
      rate: plan.load.rate ?? null,
      arrival: plan.load.shape?.kind === "trace" ? null : plan.load.arrival,
      burstiness: plan.load.burstiness,
      max_in_flight: plan.load.maxInFlight ?? null,
      queue: plan.load.queue,
      shape,
    };
  }
  return {
    mode: "closed",
    concurrency: plan.load.concurrency ?? null,
    // Fewer than `concurrency` when --requests stops the run before every user sent.
    effective_concurrency: effectiveConcurrency(plan) ?? null,
    ramp_ms: plan.load.rampMs ?? null,
    shape,
  };
}

/** meta.json `request`: what every request asks for. */
function requestMeta(plan: RunPlan): MetaJson["request"] {
  const r = plan.request;
  // With a dataset the synthetic-prompt settings are unused: null rather than misleading.
  const synthetic = !plan.dataset;
  return {
    prompt_tokens: synthetic ? r.promptTokens : null,
    max_tokens: r.maxTokens,
    output_tokens: r.outputTokens ? describeOutputLength(r.outputTokens) : null,
    ignore_eos: r.ignoreEos,
    shared_prefix_tokens: synthetic ? r.sharedPrefixTokens : null,
    text_source: synthetic ? r.textSource : null,
    // As sent in every request body (API names); null: none set, the server's defaults apply.
    sampling: r.sampling ? samplingFields(r.sampling) : null,
    tokenizer: synthetic ? r.tokenizer ?? null : null,
    // Only with --prefix-groups: earlier runs' meta.json stays as it was.
    ...(r.prefixGroups && { prefix_groups: prefixGroupsMeta(plan) }),
  };
}

/** Only with `--sessions`: how the sessions were shaped. */
function sessionsMeta(plan: RunPlan): Pick<MetaJson, "sessions"> {
  const s = plan.sessions;
  if (!s) return {};
  return {
    sessions: {
      turns: plan.dataset ? "dataset" : describeOutputLength(s.turns),
      turn_tokens: plan.dataset ? null : s.turnTokens ?? plan.request.promptTokens,
      answer_tokens: s.answerTokens ? describeOutputLength(s.answerTokens) : null,
      think_time: describeThinkTime(s.thinkTime),
      history: s.history,
    },
  };
}

/** Only in a server-variants sweep: which server configuration this run measured. */
function serverVariantMeta(plan: RunPlan): Pick<MetaJson, "server_variant"> {
  const v = plan.serverVariant;
  if (!v) return {};
  return {
    server_variant: {
      sweep_id: v.sweepId,
      index: v.index,
      label: v.label,
      params: v.params,
      argv: redactArgv(v.argv),
      template: redactText(v.template),
      port: v.port,
    },
  };
}

/** When the run started and ended, and the origin its record times count from. */
function timesMeta(
  run: RunFacts,
): Pick<MetaJson, "started_at" | "ended_at" | "time_origin_epoch_ms" | "interrupted"> {
  return {
    started_at: new Date(run.originEpochMs).toISOString(),
    ended_at: run.endedAtEpochMs === undefined ? null : new Date(run.endedAtEpochMs).toISOString(),
    time_origin_epoch_ms: Math.round(run.originEpochMs * 1000) / 1000,
    interrupted: run.interrupted,
  };
}

/**
 * A shard's keys (only in sharded runs, so other runs' meta.json is unchanged): `shard` "i/N",
 * `start_at` (ISO; then `time_origin_epoch_ms` is exactly it) and the verdict settings
 * `gates`, so `llmload merge` can recompute the SLOs and gates of the whole plan.
 */
function shardMeta(plan: RunPlan): Pick<MetaJson, "shard" | "start_at" | "gates"> {
  const start = plan.startAtEpochMs === undefined
    ? {}
    : { start_at: new Date(plan.startAtEpochMs).toISOString() };
  if (!plan.shard) return start;
  const g = plan.gates;
  return {
    shard: formatShard(plan.shard),
    ...start,
    gates: g
      ? { slo: g.slo, fail_on: g.failOn, default_gates: g.defaultGates }
      : { slo: [], fail_on: [], default_gates: true },
  };
}

/**
 * Which simulated engine produced a run: `sim_options` as given (flags, plus the served
 * adapters and the seed), `sim_engine` every engine parameter after the profile and overrides
 * were applied (so a later change of a profile's defaults cannot make old results ambiguous).
 * Keys in snake_case like the rest of meta.json.
 */
export function describeSim(
  options: SimOptions,
  extra: { truthLogFile?: string } = {},
): Record<string, unknown> {
  const { truthLog: _, port: _port, hostname: _host, tokenizer, ...given } = options;
  const engine = resolveEngineParams(options.profile, {
    timing: { ttftMs: options.ttftMs, itlMs: options.itlMs },
    overrides: { seed: options.seed, maxModelLen: options.maxModelLen, ...options.engine },
  });
  return {
    sim_options: snakeKeys({
      profile: "fixed",
      ...given,
      // The files themselves are large; request.tokenizer in meta.json names where they came from.
      ...(tokenizer ? { tokenizer: "local" } : {}),
      truthLogFile: extra.truthLogFile,
    }),
    sim_engine: snakeKeys(engine),
  };
}

/** `{ maxNumSeqs: 1, kvReadMsPer1kTokens: 0 }` → `{ max_num_seqs: 1, kv_read_ms_per_1k_tokens: 0 }`. */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([a-z])(\d+k_)/g, "$1_$2").toLowerCase(),
      snakeKeys(v),
    ]),
  );
}

function safeHostname(): string | null {
  try {
    return Deno.hostname();
  } catch {
    return null;
  }
}

/** Longest function source kept in meta.json; a longer one is cut and marked. */
const MAX_SOURCE_CHARS = 4000;

/**
 * The load's arrival shape (or concurrency stages) for meta.json, in snake_case, with what was
 * found before the run: expected requests and end for a rate, arrivals and prompt-length
 * bucketing for a trace. A rate function is not data, so its source text is recorded. Null when
 * the load has no shape.
 */
export function describeShape(
  plan: RunPlan,
  found: {
    trace?: ParsedTrace;
    forecast?: { expectedRequests: number; endsAtMs?: number };
    buckets?: LengthBuckets;
  } = {},
): Record<string, unknown> | null {
  const load = plan.load;
  if (load.mode === "closed") {
    if (!load.stages) return null;
    return {
      kind: "concurrency_stages",
      stages: load.stages.map((s) => ({ duration_ms: s.durationMs, concurrency: s.concurrency })),
      ends_at_ms: load.stages.reduce((t, s) => t + s.durationMs, 0),
    };
  }
  const shape = load.shape;
  if (!shape) return null;
  const forecast = found.forecast
    ? {
      expected_requests: Math.round(found.forecast.expectedRequests * 10) / 10,
      ends_at_ms: found.forecast.endsAtMs ?? null,
    }
    : {};
  switch (shape.kind) {
    case "ramp":
      return {
        kind: "ramp",
        from: shape.from,
        to: shape.to,
        duration_ms: shape.durationMs,
        curve: shape.curve,
        ...forecast,
      };
    case "stages":
      return {
        kind: "rate_stages",
        stages: shape.stages.map((s) => ({ duration_ms: s.durationMs, rate: s.rate })),
        ...forecast,
      };
    case "function": {
      const source = shape.source.length > MAX_SOURCE_CHARS
        ? shape.source.slice(0, MAX_SOURCE_CHARS) + " …(cut)"
        : shape.source;
      return { kind: "function", source, ...forecast };
    }
    case "trace": {
      const b = found.buckets;
      return {
        kind: "trace",
        path: shape.path,
        speed: shape.timeScale,
        time_unit: shape.timeUnit,
        on_error: shape.onError,
        block_size: shape.blockSize ?? DEFAULT_BLOCK_SIZE,
        arrivals: found.trace?.arrivals.length ?? null,
        skipped_lines: found.trace?.skipped.length ?? null,
        prompt_lengths: b
          ? {
            distinct: b.distinct,
            calibrated: b.lengths.length,
            bucketed: b.bucketed,
            max_relative_error: Math.round(b.maxRelativeError * 10000) / 10000,
          }
          : null,
        // Mooncake hash_ids are read but not turned into shared prompt prefixes (yet).
        hash_ids_used: false,
        ...forecast,
      };
    }
  }
}
