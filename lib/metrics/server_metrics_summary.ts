import type { ServerMetricsSample } from "./telemetry_samples.ts";

/**
 * What the server's own `/metrics` said over a run (summary.json `server_metrics`): how full
 * its queue and KV cache got, how often it preempted, and the token rates it counted. Pure:
 * samples in, numbers out. Counters are turned into deltas between consecutive samples, so a
 * server that was busy before the run does not count its earlier work; a counter that drops (the
 * server restarted) counts from 0 again. A field whose series the server never exposed is null.
 */
export interface ServerMetricsSummary {
  /** Scrapes that produced a sample. */
  samples: number;
  /** From the first sample to the last, ms (the span the counter deltas cover). */
  window_ms: number;
  /** Highest `vllm:num_requests_waiting`. */
  peak_waiting: number | null;
  /** Highest `vllm:num_requests_running`. */
  peak_running: number | null;
  /** Highest KV-cache usage, fraction 0–1. */
  peak_kv_cache_usage: number | null;
  /** Mean KV-cache usage over the samples (evenly spaced in time), fraction 0–1. */
  mean_kv_cache_usage: number | null;
  /** Preemptions during the run (`vllm:num_preemptions_total` delta). */
  preemptions: number | null;
  /** Prompt (prefill) tokens/s the server counted (`vllm:prompt_tokens_total` delta / time). */
  prompt_tokens_per_s: number | null;
  /** Generated tokens/s the server counted (`vllm:generation_tokens_total` delta / time). */
  generation_tokens_per_s: number | null;
  /** Prefix-cache hits / queries during the run (tokens), 0–1; null when nothing was queried. */
  prefix_cache_hit_rate: number | null;
}

type Counter =
  | "numPreemptionsTotal"
  | "promptTokensTotal"
  | "generationTokensTotal"
  | "prefixCacheQueriesTotal"
  | "prefixCacheHitsTotal";

/**
 * How much a counter rose over the samples and over how many ms of pairs where both ends were
 * read; undefined when no pair had both. A drop means the server restarted: the new value is
 * what it counted since.
 */
export function counterDelta(
  samples: readonly ServerMetricsSample[],
  key: Counter,
): { delta: number; ms: number } | undefined {
  let delta = 0;
  let ms = 0;
  let pairs = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1][key];
    const b = samples[i][key];
    if (a === null || b === null) continue;
    delta += b >= a ? b - a : b;
    ms += samples[i].tMs - samples[i - 1].tMs;
    pairs++;
  }
  return pairs ? { delta, ms } : undefined;
}

function values(
  samples: readonly ServerMetricsSample[],
  key: "numRequestsWaiting" | "numRequestsRunning" | "kvCacheUsage",
): number[] {
  return samples.map((s) => s[key]).filter((v): v is number => v !== null && Number.isFinite(v));
}

const max = (xs: number[]) => xs.length ? Math.max(...xs) : null;

/** Summarises a run's samples (in time order); null when there are none. */
export function summarizeServerMetrics(
  samples: readonly ServerMetricsSample[],
): ServerMetricsSummary | null {
  if (samples.length === 0) return null;
  const kv = values(samples, "kvCacheUsage");
  const rate = (key: Counter) => {
    const d = counterDelta(samples, key);
    return d && d.ms > 0 ? d.delta / (d.ms / 1000) : null;
  };
  const hits = counterDelta(samples, "prefixCacheHitsTotal");
  const queries = counterDelta(samples, "prefixCacheQueriesTotal");
  return {
    samples: samples.length,
    window_ms: samples[samples.length - 1].tMs - samples[0].tMs,
    peak_waiting: max(values(samples, "numRequestsWaiting")),
    peak_running: max(values(samples, "numRequestsRunning")),
    peak_kv_cache_usage: max(kv),
    mean_kv_cache_usage: kv.length ? kv.reduce((a, b) => a + b, 0) / kv.length : null,
    preemptions: counterDelta(samples, "numPreemptionsTotal")?.delta ?? null,
    prompt_tokens_per_s: rate("promptTokensTotal"),
    generation_tokens_per_s: rate("generationTokensTotal"),
    prefix_cache_hit_rate: hits && queries && queries.delta > 0
      ? Math.min(1, hits.delta / queries.delta)
      : null,
  };
}
