/**
 * The server side of `/metrics`: what the HTTP layer observes itself (time to first token and
 * end-to-end latency histograms, finished requests by reason, prompt tokens, adapters of
 * requests in flight) merged with whatever the engine's `stats()` reports, into the plain
 * {@link MetricsSnapshot} that prom_metrics.ts renders.
 *
 * Engine fields win when present, so a richer engine slots in without changes here; a field no
 * source provides renders as 0 (waiting, KV-cache usage, preemptions, max_lora) or, for the
 * cache config, as the defaults in {@link DEFAULT_CACHE_CONFIG}.
 */

import {
  E2E_BUCKETS_S,
  Histogram,
  type HistogramData,
  type MetricsSnapshot,
  TTFT_BUCKETS_S,
} from "./prom_metrics.ts";

/**
 * Engine statistics the metrics page reads, named as the batching engine's `EngineMetrics`
 * (engine_metrics.ts) names them. Only `running` and `tokens` exist in every engine; the rest
 * are optional so an engine that reports them is picked up as is, and the server's own
 * observations fill in for the ones it lacks.
 */
export interface EngineStatsView {
  /** Sequences running. */
  running: number;
  /** Output tokens generated since start. */
  tokens: number;
  waiting?: number;
  /** KV-cache usage, fraction in [0, 1]. */
  kvCacheUsage?: number;
  numPreemptions?: number;
  /** Prompt tokens of requests whose first token was emitted. */
  promptTokensTotal?: number;
  generationTokensTotal?: number;
  /** Ended requests by finish reason. */
  requestSuccessTotal?: Readonly<Record<string, number>>;
  runningAdapters?: readonly string[];
  waitingAdapters?: readonly string[];
  maxLoras?: number;
  cacheConfig?: { blockSize: number; numGpuBlocks: number; gpuMemoryUtilization: number };
  /** Prefix cache counters in tokens; present only when the engine caches prefixes. */
  prefixCache?: { queries: number; hits: number };
  /** Engine-side histograms, seconds; when absent the server's own observations are used. */
  ttftSeconds?: HistogramData;
  e2eSeconds?: HistogramData;
}

/** Cache config labels rendered until the engine reports its own (vLLM's defaults, no blocks). */
export const DEFAULT_CACHE_CONFIG: Readonly<Record<string, string | number | boolean | null>> = {
  block_size: 16,
  cache_dtype: "auto",
  enable_prefix_caching: false,
  gpu_memory_utilization: 0.9,
  num_cpu_blocks: 0,
  num_gpu_blocks: 0,
  swap_space: 4,
};

/** Per-request observations of the HTTP layer. Times in seconds. */
export interface ServerMetrics {
  /** A generation request was handed to the engine (`adapter`: its LoRA adapter, if any). */
  started(adapter?: string): void;
  /** Its first token went out `ttftS` after the request arrived. */
  firstToken(promptTokens: number, ttftS: number): void;
  /** It ended (`reason`: stop, length or abort) `e2eS` after it arrived. Once per `started`. */
  finished(reason: string, e2eS: number, adapter?: string): void;
  /** Merges these observations with the engine's stats. `now` gives Unix seconds. */
  snapshot(stats: EngineStatsView, options: { model: string; now?: () => number }): MetricsSnapshot;
}

/** Creates an empty set of server-side observations. */
export function createServerMetrics(): ServerMetrics {
  const ttft = new Histogram(TTFT_BUCKETS_S);
  const e2e = new Histogram(E2E_BUCKETS_S);
  const success: Record<string, number> = {};
  const liveAdapters = new Map<string, number>();
  let promptTokens = 0;

  return {
    started(adapter) {
      if (adapter !== undefined) liveAdapters.set(adapter, (liveAdapters.get(adapter) ?? 0) + 1);
    },
    firstToken(prompt, s) {
      promptTokens += prompt;
      ttft.observe(s);
    },
    finished(reason, s, adapter) {
      success[reason] = (success[reason] ?? 0) + 1;
      e2e.observe(s);
      if (adapter === undefined) return;
      const n = (liveAdapters.get(adapter) ?? 0) - 1;
      if (n > 0) liveAdapters.set(adapter, n);
      else liveAdapters.delete(adapter);
    },
    snapshot(stats, options) {
      const now = options.now ?? (() => Date.now() / 1000);
      return {
        model: options.model,
        running: stats.running,
        waiting: stats.waiting ?? 0,
        kvCacheUsage: stats.kvCacheUsage ?? 0,
        preemptions: stats.numPreemptions ?? 0,
        promptTokens: stats.promptTokensTotal ?? promptTokens,
        generationTokens: stats.generationTokensTotal ?? stats.tokens,
        requestSuccess: { ...(stats.requestSuccessTotal ?? success) },
        ttft: stats.ttftSeconds ?? ttft.snapshot(),
        e2e: stats.e2eSeconds ?? e2e.snapshot(),
        lora: {
          maxLora: stats.maxLoras ?? 0,
          running: stats.runningAdapters ?? [...liveAdapters.keys()].sort(),
          waiting: stats.waitingAdapters ?? [],
          timestamp: now(),
        },
        cacheConfig: cacheLabels(stats.cacheConfig, stats.prefixCache !== undefined),
        // vLLM V1 exposes the counters whether or not caching is on (0 when off).
        prefixCache: stats.prefixCache ?? { queries: 0, hits: 0 },
      };
    },
  };
}

function cacheLabels(
  config: EngineStatsView["cacheConfig"],
  prefixCaching: boolean,
): Record<string, string | number | boolean | null> {
  if (!config) return { ...DEFAULT_CACHE_CONFIG };
  return {
    ...DEFAULT_CACHE_CONFIG,
    enable_prefix_caching: prefixCaching,
    block_size: config.blockSize,
    gpu_memory_utilization: config.gpuMemoryUtilization,
    num_gpu_blocks: config.numGpuBlocks,
  };
}
