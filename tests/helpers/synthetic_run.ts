/**
 * Writes run directories with chosen numbers (no server): records with fixed timings, the
 * summary.json a run would write, a fixed meta.json (times and versions normalised, so reports
 * rendered from it can be golden files), and optional gpu.csv / server_metrics.jsonl.
 */
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import {
  GPU_CSV_COLUMNS,
  type GpuSample,
  type ServerMetricsSample,
} from "../../lib/metrics/telemetry_samples.ts";
import { recordToJsonl } from "../../lib/report/files/record_jsonl.ts";
import { summaryToJson } from "../../lib/report/files/summary_json.ts";

/** Shape of the synthetic requests. */
export interface SyntheticRun {
  runId: string;
  /** Measured requests. */
  requests: number;
  /** ms between scheduled starts (one request after another when ≥ e2e). */
  intervalMs: number;
  ttftMs: number;
  itlMs: number;
  outputTokens: number;
  promptTokens: number;
  /** Server-counted prompt tokens (default promptTokens). */
  actualPromptTokens?: number;
  /** Indexes (0-based) of requests that fail with http 503. */
  failing?: number[];
  /** ms the client sent late (sentAt - scheduledAt) for every request. */
  lateMs?: number;
  loadMode?: "open" | "closed";
  concurrency?: number;
  rate?: number;
  /** Merged over the default meta.json. */
  meta?: Record<string, unknown>;
  gpu?: GpuSample[];
  server?: ServerMetricsSample[];
}

/** The records of `s`: request i scheduled at i × intervalMs. */
export function syntheticRecords(s: SyntheticRun): RequestRecord[] {
  return Array.from({ length: s.requests }, (_, i): RequestRecord => {
    const scheduledAt = 100 + i * s.intervalMs;
    const sentAt = scheduledAt + (s.lateMs ?? 0);
    if (s.failing?.includes(i)) {
      return {
        index: i,
        phase: "measure",
        requestId: `r${i}`,
        scheduledAt,
        sentAt,
        headersAt: sentAt + 2,
        endAt: sentAt + 5,
        tokenTimes: [],
        tokenCounts: [],
        outputTokens: 0,
        outputTokensSource: "counted",
        requestedPromptTokens: s.promptTokens,
        status: 503,
        error: { kind: "http", message: "Service Unavailable", status: 503 },
      };
    }
    const tokenTimes = Array.from(
      { length: s.outputTokens },
      (_, k) => sentAt + s.ttftMs + k * s.itlMs,
    );
    return {
      index: i,
      phase: "measure",
      requestId: `r${i}`,
      scheduledAt,
      sentAt,
      headersAt: sentAt + 1,
      endAt: tokenTimes[tokenTimes.length - 1] + 1,
      tokenTimes,
      tokenCounts: tokenTimes.map(() => 1),
      outputTokens: s.outputTokens,
      outputTokensSource: "usage",
      promptTokens: s.actualPromptTokens ?? s.promptTokens,
      requestedPromptTokens: s.promptTokens,
      finishReason: "length",
      status: 200,
    };
  });
}

/** A meta.json with fixed times and version, as `buildMeta` shapes it. */
export function syntheticMeta(s: SyntheticRun): Record<string, unknown> {
  const mode = s.loadMode ?? "closed";
  return {
    run_id: s.runId,
    llmload_version: "0.0.0-test",
    command_line: ["llmload", "run", "--target", "sim", "--requests", String(s.requests)],
    target: { url: "http://127.0.0.1:8000/v1", model: "test-model", sim: true },
    endpoint: "chat",
    transport: "fetch",
    load: mode === "closed"
      ? { mode, concurrency: s.concurrency ?? 1, ramp_ms: null, shape: null }
      : {
        mode,
        rate: s.rate ?? 1,
        arrival: "poisson",
        burstiness: 1,
        max_in_flight: null,
        queue: false,
        shape: null,
      },
    stop: { duration_ms: null, requests: s.requests },
    warmup: { duration_ms: null, requests: null },
    request: {
      prompt_tokens: s.promptTokens,
      max_tokens: s.outputTokens,
      output_tokens: null,
      ignore_eos: true,
      shared_prefix_tokens: 0,
      text_source: "lorem",
      sampling: null,
      tokenizer: null,
    },
    dataset: null,
    hooks: null,
    lora: null,
    prompt_length_mode: null,
    prompt_tokenizer: null,
    seed: 42,
    started_at: "2026-01-01T00:00:00.000Z",
    ended_at: "2026-01-01T00:01:00.000Z",
    time_origin_epoch_ms: 1767225600000,
    interrupted: false,
    client: { deno: "2.9.6", os: "linux", arch: "x86_64", hostname: "test" },
    ...s.meta,
  };
}

/** Writes the run directory `<parent>/<runId>` and returns its path. */
export async function writeSyntheticRun(parent: string, s: SyntheticRun): Promise<string> {
  const dir = join(parent, s.runId);
  await Deno.mkdir(dir, { recursive: true });
  const records = syntheticRecords(s);
  await Deno.writeTextFile(
    join(dir, "requests.jsonl"),
    records.map((r) => recordToJsonl(r) + "\n").join(""),
  );
  const summary = summarize(records, { loadMode: s.loadMode ?? "closed" });
  await Deno.writeTextFile(join(dir, "summary.json"), summaryToJson(summary));
  await Deno.writeTextFile(
    join(dir, "meta.json"),
    JSON.stringify(syntheticMeta(s), null, 2) + "\n",
  );
  if (s.gpu) {
    const rows = s.gpu.map((g) =>
      [
        g.tMs,
        g.gpu,
        g.uuid,
        g.name,
        g.memoryUsedMiB,
        g.memoryTotalMiB,
        g.utilizationGpuPct,
        g.utilizationMemoryPct,
        g.powerDrawW,
        g.temperatureC,
        g.smClockMHz,
      ].map((v) => (v === null ? "" : String(v)))
    );
    await Deno.writeTextFile(join(dir, "gpu.csv"), stringify([[...GPU_CSV_COLUMNS], ...rows]));
  }
  if (s.server) {
    const lines = s.server.map((x) =>
      JSON.stringify({
        t_ms: x.tMs,
        num_requests_running: x.numRequestsRunning,
        num_requests_waiting: x.numRequestsWaiting,
        kv_cache_usage: x.kvCacheUsage,
        num_preemptions_total: x.numPreemptionsTotal,
        prompt_tokens_total: x.promptTokensTotal,
        generation_tokens_total: x.generationTokensTotal,
        prefix_cache_queries_total: x.prefixCacheQueriesTotal,
        prefix_cache_hits_total: x.prefixCacheHitsTotal,
        lora_running: x.loraRunning,
        lora_waiting: x.loraWaiting,
        max_lora: x.maxLora,
      }) + "\n"
    );
    await Deno.writeTextFile(join(dir, "server_metrics.jsonl"), lines.join(""));
  }
  return dir;
}

/** `n` GPU samples of 2 GPUs, 1 s apart: memory rising to `peakMiB` of `totalMiB`, 300 W. */
export function gpuSamples(n: number, peakMiB: number, totalMiB: number): GpuSample[] {
  return Array.from({ length: n * 2 }, (_, i): GpuSample => {
    const t = Math.floor(i / 2);
    const gpu = i % 2;
    return {
      tMs: t * 1000,
      gpu,
      uuid: `GPU-000${gpu}`,
      name: "NVIDIA H100 80GB HBM3, rev A",
      memoryUsedMiB: gpu === 0 ? Math.round(peakMiB * (t + 1) / n) : 1000,
      memoryTotalMiB: totalMiB,
      utilizationGpuPct: gpu === 0 ? 90 : null,
      utilizationMemoryPct: 40,
      powerDrawW: 300,
      temperatureC: 60,
      smClockMHz: 1980,
    };
  });
}

/** `n` server scrapes 1 s apart, with `waiting` requests queued in the last one. */
export function serverSamples(n: number, waiting: number): ServerMetricsSample[] {
  return Array.from({ length: n }, (_, i): ServerMetricsSample => ({
    tMs: i * 1000,
    numRequestsRunning: 4,
    numRequestsWaiting: i === n - 1 ? waiting : 0,
    kvCacheUsage: 0.1 * (i + 1),
    numPreemptionsTotal: i,
    promptTokensTotal: 1000 * i,
    generationTokensTotal: 500 * i,
    prefixCacheQueriesTotal: null,
    prefixCacheHitsTotal: null,
    loraRunning: null,
    loraWaiting: null,
    maxLora: null,
  }));
}
