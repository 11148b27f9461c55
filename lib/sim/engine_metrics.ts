/**
 * What the engine reports about itself: the counters and gauges behind the simulator's
 * `/metrics` page (vLLM's metric names are given beside each field) and the fixed-bucket
 * histograms vLLM keeps. The engine fills these; a renderer only reads {@link EngineMetrics}.
 *
 * Times in the histograms are the engine's own (model) times: from `submit()` to the end of the
 * step that produced the token, in seconds, without HTTP or network time.
 */

/** vLLM's `vllm:time_to_first_token_seconds` bucket bounds, seconds. */
export const TTFT_BUCKETS_S: readonly number[] = [
  0.001,
  0.005,
  0.01,
  0.02,
  0.04,
  0.06,
  0.08,
  0.1,
  0.25,
  0.5,
  0.75,
  1.0,
  2.5,
  5.0,
  7.5,
  10.0,
  20.0,
  40.0,
  80.0,
  160.0,
  640.0,
  2560.0,
];

/** vLLM's `vllm:inter_token_latency_seconds` bucket bounds, seconds. */
export const ITL_BUCKETS_S: readonly number[] = [
  0.01,
  0.025,
  0.05,
  0.075,
  0.1,
  0.15,
  0.2,
  0.3,
  0.4,
  0.5,
  0.75,
  1.0,
  2.5,
  5.0,
  7.5,
  10.0,
  20.0,
  40.0,
  80.0,
];

/** vLLM's request-lifetime bucket bounds (`e2e_request_latency_seconds`, queue time), seconds. */
export const REQUEST_LATENCY_BUCKETS_S: readonly number[] = [
  0.3,
  0.5,
  0.8,
  1.0,
  1.5,
  2.0,
  2.5,
  5.0,
  10.0,
  15.0,
  20.0,
  30.0,
  40.0,
  50.0,
  60.0,
  120.0,
  240.0,
  480.0,
  960.0,
  1920.0,
  7680.0,
];

/** A Prometheus histogram's state, ready to render. */
export interface HistogramSnapshot {
  /** Upper bounds (`le`), ascending, seconds; `+Inf` is implicit. */
  bounds: readonly number[];
  /** Cumulative count of observations <= each bound (the `_bucket{le=...}` values). */
  cumulative: number[];
  /** All observations (the `+Inf` bucket and `_count`). */
  count: number;
  /** Sum of observations, seconds (`_sum`). */
  sum: number;
}

/** A fixed-bucket histogram (Prometheus semantics: a value equal to a bound counts in it). */
export class Histogram {
  readonly bounds: readonly number[];
  #counts: number[];
  #count = 0;
  #sum = 0;

  /** `bounds`: ascending upper bounds, e.g. {@link TTFT_BUCKETS_S}. */
  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.#counts = new Array(bounds.length).fill(0);
  }

  /** Records one value (seconds). */
  observe(value: number): void {
    this.#count++;
    this.#sum += value;
    const b = this.bounds;
    // Linear scan: ~20 bounds, and most values land in the first few.
    for (let i = 0; i < b.length; i++) {
      if (value <= b[i]) {
        this.#counts[i]++;
        return;
      }
    }
  }

  /** A copy of the state with cumulative bucket counts. */
  snapshot(): HistogramSnapshot {
    const cumulative: number[] = [];
    let run = 0;
    for (const c of this.#counts) cumulative.push(run += c);
    return { bounds: this.bounds, cumulative, count: this.#count, sum: this.#sum };
  }
}

/** Why a request ended, as in vLLM's `finished_reason` label. */
export type FinishReason = "stop" | "length" | "abort";

/** Counters and gauges of the engine, cheap to read (for tests, progress and `/metrics`). */
export interface EngineStats {
  /** Sequences in the running set (admitted, holding KV): `vllm:num_requests_running`. */
  running: number;
  /**
   * Sequences not yet admitted, including preempted ones and ones still in the front-end delay
   * (`apiOverheadMs`): `vllm:num_requests_waiting`.
   */
  waiting: number;
  /** Sequences ever submitted. */
  submitted: number;
  /** Sequences that emitted their last token. */
  finished: number;
  /** Sequences cancelled by the caller, or aborted by `close()`. */
  cancelled: number;
  /** Output tokens emitted, all sequences (same as generationTokensTotal). */
  tokens: number;
  /** Fraction of KV blocks in use, 0..1: `vllm:kv_cache_usage_perc` (and `gpu_cache_usage_perc`). */
  kvCacheUsage: number;
  /** KV blocks in use. */
  kvBlocksUsed: number;
  /** Preemptions so far (a sequence preempted twice counts twice): `vllm:num_preemptions_total`. */
  numPreemptions: number;
  /** Prompt tokens of requests whose first token was emitted: `vllm:prompt_tokens_total`. */
  promptTokensTotal: number;
  /** Output tokens emitted: `vllm:generation_tokens_total`. */
  generationTokensTotal: number;
  /** Ended requests by reason: `vllm:request_success_total{finished_reason}`. */
  requestSuccessTotal: Record<FinishReason, number>;
  /** Distinct adapters of running sequences (label `running_lora_adapters`, comma-joined). */
  runningAdapters: string[];
  /** Distinct adapters of waiting sequences (label `waiting_lora_adapters`). */
  waitingAdapters: string[];
  /** Most adapters in one batch (label `max_lora` of `vllm:lora_requests_info`). */
  maxLoras: number;
  /**
   * Prefix cache counters in tokens, absent when caching is off: queried prompt tokens
   * (`vllm:prefix_cache_queries_total`) and those found cached (`vllm:prefix_cache_hits_total`).
   */
  prefixCache?: { queries: number; hits: number };
  /** Values for `vllm:cache_config_info`'s labels (`enable_prefix_caching`: prefixCache set). */
  cacheConfig: { blockSize: number; numGpuBlocks: number; gpuMemoryUtilization: number };
  /** Steps run so far. */
  steps: number;
}

/** {@link EngineStats} plus the latency histograms: everything a `/metrics` renderer needs. */
export interface EngineMetrics extends EngineStats {
  /** Submit → first token, seconds: `vllm:time_to_first_token_seconds`. */
  ttftSeconds: HistogramSnapshot;
  /** Submit → last token of finished requests, seconds: `vllm:e2e_request_latency_seconds`. */
  e2eSeconds: HistogramSnapshot;
  /** Gaps between successive tokens of a request, seconds: `vllm:inter_token_latency_seconds`. */
  interTokenSeconds: HistogramSnapshot;
  /** Reaching the scheduler → first scheduled, seconds: `vllm:request_queue_time_seconds`. */
  queueSeconds: HistogramSnapshot;
}

/** One ended request's timeline, in engine ms (the engine's clock, `performance.now()` live). */
export interface RequestTiming {
  /** The engine's sequence id (submission order). */
  id: number;
  finishReason: FinishReason;
  submittedAt: number;
  /** First admitted into a step; absent if it never was. */
  scheduledAt?: number;
  /** Absent if no token was emitted. */
  firstTokenAt?: number;
  endedAt: number;
  promptTokens: number;
  generatedTokens: number;
  preemptions: number;
  adapter?: string;
}
