/**
 * meta.json's shape: the results directory's contract, shared by the run that writes it
 * (lib/run/meta.ts builds it) and everything that reads a run back.
 */
import type { RunPlan } from "../config/run_plan.ts";
import type { SystemInfo } from "../telemetry/system_info.ts";

type Nullable<T> = T | null;

/**
 * meta.json, key by key (snake_case, the results directory's contract): what ran, against what,
 * when, and how to rebuild times. Keys marked optional appear only in some runs.
 */
export interface MetaJson extends Partial<TelemetryMeta> {
  run_id: string;
  llmload_version: string;
  command_line: string[];
  target: {
    url: string;
    model: string;
    sim: boolean;
    /** With `--target sim` ({@link describeSim}). */
    sim_options?: unknown;
    sim_engine?: unknown;
  };
  endpoint: RunPlan["endpoint"];
  transport: RunPlan["transport"];
  transport_resolved: Nullable<"fetch" | "socket">;
  preconnect: Nullable<object>;
  load: Record<string, unknown> & { mode: "open" | "closed" };
  stop: { duration_ms: Nullable<number>; requests: Nullable<number> };
  records: { file: string; token_times: string };
  warmup: { duration_ms: Nullable<number>; requests: Nullable<number> };
  request: Record<string, unknown>;
  dataset: Nullable<Record<string, unknown>>;
  hooks: unknown;
  lora: Nullable<Record<string, unknown>>;
  server: Nullable<Record<string, unknown>>;
  /** Only in a server-variants sweep: which server configuration this run measured. */
  server_variant?: Record<string, unknown>;
  /** Sessions (`--sessions`, docs/sessions.md): how they were shaped; absent without sessions. */
  sessions?: Record<string, unknown>;
  prompt_length_mode: Nullable<"exact" | "local_tokenizer" | "estimate">;
  prompt_tokenizer: Nullable<{ file: string; chat_template: string | null }>;
  timeouts: { request_ms: number; connect_ms: Nullable<number>; ttft_ms: Nullable<number> };
  seed: number;
  started_at: string;
  ended_at: Nullable<string>;
  time_origin_epoch_ms: number;
  interrupted: boolean;
  /** Sharded runs ({@link shardMeta}) and `--start-at`. */
  shard?: string;
  start_at?: string;
  gates?: { slo: unknown; fail_on: unknown; default_gates: boolean };
  client: { deno: string; os: string; arch: string; hostname: Nullable<string> };
  /** Worker threads of the run (run_benchmark.ts). */
  workers?: WorkersChoice;
  /** Why an interrupted run stopped (SIGINT, SIGTERM, max-runtime). */
  interrupt_reason?: string;
  /** `llmload merge`: the shards a merged run came from (merge_runs.ts). */
  shards?: number;
  merged_from?: unknown[];
}

/** What meta.json records of the machine, GPUs, tags and notes (telemetry_record.ts). */
export interface TelemetryMeta {
  system: SystemInfo;
  gpus: unknown[] | null;
  tags: Record<string, string>;
  notes: string[];
  /** `status: "running"` until the sampler's own record replaces it at the end. */
  gpu_sampler: unknown;
}

/** What meta.json records under `workers`. */
export interface WorkersChoice {
  /** Worker threads used; 1 = the main thread sends everything (no worker threads). */
  count: number;
  /** As asked: a number or `auto`. */
  requested: number | "auto";
  /** Why this count (auto's arithmetic, or "as given"). */
  reason: string;
  cores: number;
  /** Token events/s the plan implies (auto only). */
  expected_events_per_s?: number;
}
