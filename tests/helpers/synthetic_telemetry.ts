/**
 * Made-up but plausible GPU and server samples that follow a run's real load: utilisation,
 * VRAM, power and KV-cache usage rise with the requests in flight. For HTML report tests and
 * screenshots when no GPU (or no vLLM /metrics) is at hand. Deterministic.
 */

import type { GpuSample, ServerMetricsSample } from "../../lib/metrics/telemetry_samples.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";

function inFlightAt(records: readonly RequestRecord[], t: number): number {
  let n = 0;
  for (const r of records) if (!r.dropped && r.sentAt <= t && t < r.endAt) n++;
  return n;
}

function endOf(records: readonly RequestRecord[]): number {
  return records.reduce((m, r) => Math.max(m, r.endAt), 0);
}

/** GPU samples every `intervalMs` (default 250) for `gpus` GPUs (default 2) of 80 GiB. */
export function syntheticGpuSamples(
  records: readonly RequestRecord[],
  options: { gpus?: number; intervalMs?: number } = {},
): GpuSample[] {
  const out: GpuSample[] = [];
  const step = options.intervalMs ?? 250;
  const end = endOf(records) + step;
  for (let t = 0, i = 0; t <= end; t += step, i++) {
    const n = inFlightAt(records, t);
    for (let g = 0; g < (options.gpus ?? 2); g++) {
      const wobble = ((i * 7 + g * 13) % 11) - 5;
      const util = Math.max(0, Math.min(100, (n > 0 ? 30 + n * 2.5 : 0) + wobble));
      out.push({
        tMs: t,
        gpu: g,
        uuid: `GPU-synthetic-${g}`,
        name: "NVIDIA H100 80GB HBM3",
        memoryUsedMiB: 71_000 + Math.min(9_000, n * 350) + g * 120,
        memoryTotalMiB: 81_559,
        utilizationGpuPct: util,
        utilizationMemoryPct: Math.round(util * 0.6),
        powerDrawW: Math.round(95 + util * 5.2 + g * 4),
        temperatureC: 40 + Math.round(util / 5),
        smClockMHz: 1980,
      });
    }
  }
  return out;
}

/** Server /metrics samples every `intervalMs` (default 500) for a server running up to 8 at once. */
export function syntheticServerSamples(
  records: readonly RequestRecord[],
  options: { intervalMs?: number; maxRunning?: number } = {},
): ServerMetricsSample[] {
  const out: ServerMetricsSample[] = [];
  const step = options.intervalMs ?? 500;
  const max = options.maxRunning ?? 8;
  const end = endOf(records) + step;
  let tokens = 0;
  for (let t = 0; t <= end; t += step) {
    const n = inFlightAt(records, t);
    tokens += n * 40;
    out.push({
      tMs: t,
      numRequestsRunning: Math.min(n, max),
      numRequestsWaiting: Math.max(0, n - max),
      kvCacheUsage: Math.min(1, n * 0.04),
      numPreemptionsTotal: Math.floor(t / 4000),
      promptTokensTotal: tokens * 2,
      generationTokensTotal: tokens,
      prefixCacheQueriesTotal: null,
      prefixCacheHitsTotal: null,
      loraRunning: null,
      loraWaiting: null,
      maxLora: null,
    });
  }
  return out;
}
