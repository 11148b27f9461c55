/**
 * Synthetic, deterministic report inputs (a run, a sweep, a comparison) for the HTML report
 * tests: plain records with a few errors and a dropped request, optional LoRA adapters, and
 * GPU/server samples from synthetic_telemetry.ts.
 */

import { digestOf } from "../../lib/metrics/run_digest.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import type {
  CompareReportInput,
  RunReportInput,
  SweepReportInput,
} from "../../lib/report/report_input.ts";
import { syntheticGpuSamples, syntheticServerSamples } from "./synthetic_telemetry.ts";

/** Options of {@link syntheticRun}. */
export interface SyntheticRunOptions {
  runId?: string;
  /** Requests measured (default 60), one every `gapMs` (default 100). */
  requests?: number;
  gapMs?: number;
  /** Added to every TTFT, ms (default 0): a slower run. */
  slowerMs?: number;
  /** GPUs to make samples for (default 0: no gpu.csv). */
  gpus?: number;
  /** Adapter names requests cycle through (default none). */
  adapters?: string[];
  /** Extra meta.json keys. */
  meta?: Record<string, unknown>;
}

/** One synthetic run directory, loaded. */
export function syntheticRun(
  options: SyntheticRunOptions = {},
): RunReportInput & { records: RequestRecord[] } {
  const n = options.requests ?? 60;
  const gap = options.gapMs ?? 100;
  const records: RequestRecord[] = [];
  for (let i = 0; i < n; i++) {
    const scheduledAt = 500 + i * gap;
    const sentAt = scheduledAt + (i % 4) * 0.5;
    const base = { index: i, phase: "measure" as const, requestId: `r${i}`, scheduledAt, sentAt };
    const model = options.adapters?.length ? options.adapters[i % options.adapters.length] : "m";
    if (i === 13) {
      records.push({
        ...base,
        sentAt: scheduledAt,
        endAt: scheduledAt,
        tokenTimes: [],
        tokenCounts: [],
        outputTokens: 0,
        outputTokensSource: "counted",
        dropped: true,
        model,
      });
      continue;
    }
    if (i % 25 === 24) {
      records.push({
        ...base,
        endAt: sentAt + 30,
        tokenTimes: [],
        tokenCounts: [],
        outputTokens: 0,
        outputTokensSource: "counted",
        status: 500,
        error: { kind: "http", status: 500, message: "boom" },
        model,
      });
      continue;
    }
    const first = sentAt + 40 + (i % 7) * 5 + (options.slowerMs ?? 0);
    const tokenTimes = Array.from({ length: 20 }, (_, k) => first + k * (10 + (i % 3)));
    records.push({
      ...base,
      headersAt: sentAt + 5,
      endAt: tokenTimes[19] + 1,
      tokenTimes,
      tokenCounts: tokenTimes.map(() => 1),
      promptTokens: 128,
      requestedPromptTokens: 128,
      outputTokens: 20,
      outputTokensSource: "usage",
      finishReason: "length",
      status: 200,
      model,
    });
  }
  const gpus = options.gpus ?? 0;
  return {
    runId: options.runId ?? "20261127-100000-abcd",
    meta: {
      run_id: options.runId ?? "20261127-100000-abcd",
      llmload_version: "0.1.0",
      command_line: ["llmload", "run", "--rate", "10", "--requests", String(n)],
      target: { url: "http://127.0.0.1:8000/v1", model: "m" },
      load: { mode: "open", rate: 10, arrival: "poisson" },
      request: { prompt_tokens: 128, max_tokens: 20 },
      seed: 42,
      ...(gpus ? { gpus: { name: "NVIDIA H100 80GB HBM3", count: gpus, memory_mib: 81559 } } : {}),
      ...options.meta,
    },
    summary: summarize(records, { loadMode: "open" }),
    summaryJson: { gpu: null, server_metrics: null },
    digest: digestOf(records, { baseModel: "m" }),
    records,
    gpuSamples: gpus ? syntheticGpuSamples(records, { gpus }) : [],
    serverSamples: gpus ? syntheticServerSamples(records) : [],
    files: { gpuCsv: gpus > 0, serverMetrics: gpus > 0 },
  };
}

/** A sweep over concurrency 1, 2, 4, 8 (slower as it rises), with GPU data. */
export function syntheticSweep(): SweepReportInput {
  const levels = [1, 2, 4, 8];
  return {
    sweepId: "20261127-100000-abcd-concurrency",
    sweep: { scenario: "concurrency", axes: ["concurrency"], interrupted: false },
    axes: ["concurrency"],
    points: levels.map((c, i) => ({
      index: i + 1,
      values: { concurrency: c, rate: null, maxInFlight: null, promptTokens: 128, maxTokens: 20 },
      run: syntheticRun({ runId: `point-${i + 1}`, slowerMs: c * 10, gapMs: 100 / c, gpus: 2 }),
    })),
  };
}

/** Two runs compared: the second has slower TTFT. */
export function syntheticCompare(): CompareReportInput {
  return {
    kind: "runs",
    runs: [
      { name: "chunked-on", run: syntheticRun({ runId: "run-a", gpus: 1 }) },
      { name: "chunked-off", run: syntheticRun({ runId: "run-b", slowerMs: 30, gpus: 1 }) },
    ],
  };
}
