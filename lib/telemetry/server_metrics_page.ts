import type { ServerMetricsSample } from "../metrics/telemetry_samples.ts";
import type { PromPage, PromSample } from "./prom_text.ts";

/**
 * What llmload keeps from one `/metrics` page: the vLLM series that say how loaded the server
 * is ({@link serverSampleFromPage}) and the engine settings vLLM exposes as `*_info` series
 * ({@link engineInfoFromPage}). Pure: a parsed page in, plain values out.
 *
 * vLLM labels every series with `model_name` and `engine` (one per engine core; several with
 * data parallelism). Counts and counters are summed over the series of a name; the KV-cache
 * usage fraction is averaged over them (each engine has its own cache of the same size).
 */

/** KV-cache usage: the current name first, then the one vLLM < 0.10 used. */
const KV_USAGE = ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"];

function byName(page: PromPage): Map<string, PromSample[]> {
  const map = new Map<string, PromSample[]>();
  for (const s of page.samples) {
    const list = map.get(s.name);
    if (list) list.push(s);
    else map.set(s.name, [s]);
  }
  return map;
}

function finite(list: PromSample[] | undefined): number[] {
  return (list ?? []).map((s) => s.value).filter(Number.isFinite);
}

function sum(list: PromSample[] | undefined): number | null {
  const values = finite(list);
  return values.length ? values.reduce((a, b) => a + b, 0) : null;
}

function mean(list: PromSample[] | undefined): number | null {
  const values = finite(list);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function adapterList(v: string | undefined): string[] {
  return v ? v.split(",").map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * One {@link ServerMetricsSample} from a page read at `tMs` (ms from the run origin). A series
 * the page lacks is null. `vllm:lora_requests_info` may hold one series per label combination
 * it has seen; its value is the time it was set, so the newest (largest value) is taken.
 */
export function serverSampleFromPage(page: PromPage, tMs: number): ServerMetricsSample {
  const series = byName(page);
  const kv = KV_USAGE.map((n) => series.get(n)).find((l) => l && finite(l).length > 0);
  const lora = (series.get("vllm:lora_requests_info") ?? [])
    .reduce<PromSample | undefined>((a, b) => (a && a.value > b.value ? a : b), undefined);
  const maxLora = lora ? Number(lora.labels.max_lora) : NaN;
  return {
    tMs,
    numRequestsRunning: sum(series.get("vllm:num_requests_running")),
    numRequestsWaiting: sum(series.get("vllm:num_requests_waiting")),
    kvCacheUsage: mean(kv),
    numPreemptionsTotal: sum(series.get("vllm:num_preemptions_total")),
    promptTokensTotal: sum(series.get("vllm:prompt_tokens_total")),
    generationTokensTotal: sum(series.get("vllm:generation_tokens_total")),
    prefixCacheQueriesTotal: sum(series.get("vllm:prefix_cache_queries_total")),
    prefixCacheHitsTotal: sum(series.get("vllm:prefix_cache_hits_total")),
    loraRunning: lora ? adapterList(lora.labels.running_lora_adapters) : null,
    loraWaiting: lora ? adapterList(lora.labels.waiting_lora_adapters) : null,
    maxLora: lora && lora.labels.max_lora !== undefined && Number.isFinite(maxLora)
      ? maxLora
      : null,
  };
}

/** True when the page holds at least one vLLM series (`vllm:` prefix). */
export function hasVllmSeries(page: PromPage): boolean {
  return page.samples.some((s) => s.name.startsWith("vllm:"));
}

/**
 * Engine settings from every `*_info` series of a page (vLLM's `vllm:cache_config_info`: block
 * size, GPU memory utilisation, GPU blocks…; `vllm:lora_requests_info`: `max_lora`), keyed by
 * series name without the `vllm:` prefix, labels as written (strings, Python's `str()` of the
 * setting). The per-engine label and the live LoRA adapter lists (they change every moment; the
 * time series has them) are left out. Several series of one name (several engines) keep the
 * first.
 */
export function engineInfoFromPage(page: PromPage): Record<string, Record<string, string>> {
  const info: Record<string, Record<string, string>> = {};
  for (const s of page.samples) {
    if (!s.name.endsWith("_info")) continue;
    const key = s.name.replace(/^vllm:/, "");
    if (key in info) continue;
    const labels: Record<string, string> = {};
    for (const k of Object.keys(s.labels).sort()) {
      if (k === "engine" || k === "running_lora_adapters" || k === "waiting_lora_adapters") {
        continue;
      }
      labels[k] = s.labels[k];
    }
    info[key] = labels;
  }
  return info;
}

/** One sample as a `server_metrics.jsonl` line (snake_case; t_ms rounded to 0.001 ms). */
export function serverSampleToJsonl(s: ServerMetricsSample): string {
  return JSON.stringify({
    t_ms: Math.round(s.tMs * 1000) / 1000,
    num_requests_running: s.numRequestsRunning,
    num_requests_waiting: s.numRequestsWaiting,
    kv_cache_usage: s.kvCacheUsage,
    num_preemptions_total: s.numPreemptionsTotal,
    prompt_tokens_total: s.promptTokensTotal,
    generation_tokens_total: s.generationTokensTotal,
    prefix_cache_queries_total: s.prefixCacheQueriesTotal,
    prefix_cache_hits_total: s.prefixCacheHitsTotal,
    lora_running: s.loraRunning,
    lora_waiting: s.loraWaiting,
    max_lora: s.maxLora,
  });
}
