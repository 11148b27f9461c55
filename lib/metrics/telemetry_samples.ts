/**
 * Samples taken beside the requests during a run: GPU readings (nvidia-smi) and the server's
 * Prometheus `/metrics`. They share the records' clock: `tMs` is ms from the run's time origin
 * (`time_origin_epoch_ms` in meta.json), so a VRAM peak lines up with the requests around it.
 * Samplers (lib/telemetry) produce them; summaries (lib/metrics) and reports (lib/report) read
 * them. A value the source did not report (`[N/A]`, `[Not Supported]`, a missing series) is null.
 *
 * Files in a run directory (stable contracts, one sample a row/line, in time order):
 * - `gpu.csv`: {@link GPU_CSV_COLUMNS}.
 * - `server_metrics.jsonl`: {@link ServerMetricsSample} in snake_case
 *   (`t_ms, num_requests_running, num_requests_waiting, kv_cache_usage, num_preemptions_total,
 *   prompt_tokens_total, generation_tokens_total, prefix_cache_queries_total,
 *   prefix_cache_hits_total, lora_running, lora_waiting, max_lora`).
 */

/** One reading of one GPU. */
export interface GpuSample {
  /** ms from the run's time origin, when the line arrived (nvidia-smi's own timestamp is coarse). */
  tMs: number;
  /** nvidia-smi's GPU index (a MIG device keeps its parent's index plus `uuid`). */
  gpu: number;
  uuid: string;
  name: string;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  /** %, 0–100. */
  utilizationGpuPct: number | null;
  /** Memory-controller utilisation, %, 0–100. */
  utilizationMemoryPct: number | null;
  powerDrawW: number | null;
  temperatureC: number | null;
  smClockMHz: number | null;
}

/** `gpu.csv` columns, in order; one row per {@link GpuSample}. */
export const GPU_CSV_COLUMNS = [
  "t_ms",
  "gpu",
  "uuid",
  "name",
  "memory_used_mib",
  "memory_total_mib",
  "utilization_gpu_pct",
  "utilization_memory_pct",
  "power_draw_w",
  "temperature_c",
  "sm_clock_mhz",
] as const;

/**
 * One scrape of the server's `/metrics` (vLLM names; other servers leave fields null). Counters
 * are kept as read (monotonic totals); rates are derived from consecutive samples.
 */
export interface ServerMetricsSample {
  /** ms from the run's time origin, when the scrape's response arrived. */
  tMs: number;
  /** `vllm:num_requests_running`. */
  numRequestsRunning: number | null;
  /** `vllm:num_requests_waiting`. */
  numRequestsWaiting: number | null;
  /** `vllm:kv_cache_usage_perc` (or the older `vllm:gpu_cache_usage_perc`), a fraction 0–1. */
  kvCacheUsage: number | null;
  /** `vllm:num_preemptions_total`. */
  numPreemptionsTotal: number | null;
  /** `vllm:prompt_tokens_total`. */
  promptTokensTotal: number | null;
  /** `vllm:generation_tokens_total`. */
  generationTokensTotal: number | null;
  /** `vllm:prefix_cache_queries_total` (tokens queried). */
  prefixCacheQueriesTotal: number | null;
  /** `vllm:prefix_cache_hits_total` (tokens hit). */
  prefixCacheHitsTotal: number | null;
  /** `vllm:lora_requests_info` labels; null when the server has no LoRA series. */
  loraRunning: string[] | null;
  loraWaiting: string[] | null;
  maxLora: number | null;
}
