import type { ServerMetricsSummary } from "../../metrics/server_metrics_summary.ts";

/**
 * The terminal's one line about the server's own `/metrics` over a run, e.g.
 * `server /metrics (12 samples): waiting peak 7 · running peak 8 · KV cache peak 93% mean 61% ·
 * preemptions 3 · prompt 1234 tok/s · generation 567 tok/s · prefix cache hits 45%`.
 * Pure; a series the server did not expose is left out.
 */
export function renderServerMetricsLine(s: ServerMetricsSummary): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const parts: string[] = [];
  if (s.peak_waiting !== null) parts.push(`waiting peak ${s.peak_waiting}`);
  if (s.peak_running !== null) parts.push(`running peak ${s.peak_running}`);
  if (s.peak_kv_cache_usage !== null && s.mean_kv_cache_usage !== null) {
    parts.push(`KV cache peak ${pct(s.peak_kv_cache_usage)} mean ${pct(s.mean_kv_cache_usage)}`);
  }
  if (s.preemptions !== null) parts.push(`preemptions ${s.preemptions}`);
  if (s.prompt_tokens_per_s !== null) {
    parts.push(`prompt ${s.prompt_tokens_per_s.toFixed(0)} tok/s`);
  }
  if (s.generation_tokens_per_s !== null) {
    parts.push(`generation ${s.generation_tokens_per_s.toFixed(0)} tok/s`);
  }
  if (s.prefix_cache_hit_rate !== null) {
    parts.push(`prefix cache hits ${pct(s.prefix_cache_hit_rate)}`);
  }
  const n = `${s.samples} sample${s.samples === 1 ? "" : "s"}`;
  return `server /metrics (${n}): ${parts.length ? parts.join(" · ") : "no vLLM series"}`;
}
