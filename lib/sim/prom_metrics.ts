/**
 * `GET /metrics` for the simulator: a pure renderer from a plain {@link MetricsSnapshot} to the
 * Prometheus text exposition format (version 0.0.4), with vLLM's (v1 engine, >= 0.10) metric
 * names, HELP texts, label names and histogram buckets, formatted as Python's
 * `prometheus_client` formats them (labels sorted by name, values like `3.0`, `+Inf`, large
 * numbers as `1.7e+09`), so scrapers written against vLLM parse it unchanged.
 *
 * Every series carries `model_name` and `engine="0"` (vLLM labels each engine core), except
 * `vllm:lora_requests_info`, which vLLM labels only with its own three labels.
 */

// Bucket bounds and the histogram are the engine's: one definition of vLLM's buckets.
export {
  Histogram,
  type HistogramSnapshot as HistogramData,
  REQUEST_LATENCY_BUCKETS_S as E2E_BUCKETS_S,
  TTFT_BUCKETS_S,
} from "./engine_metrics.ts";
import type { HistogramSnapshot as HistogramData } from "./engine_metrics.ts";

/** Content type of the exposition format, as prometheus_client sends it. */
export const PROM_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** LoRA state for `vllm:lora_requests_info`. */
export interface LoraInfo {
  /** `max_loras`: adapters one batch may hold. */
  maxLora: number;
  /** Adapters of running requests. */
  running: readonly string[];
  /** Adapters of waiting requests. */
  waiting: readonly string[];
  /** Unix seconds of the sample (vLLM sets the gauge to the current time). */
  timestamp: number;
}

/** Everything the renderer needs; the simulator builds it from its engine and server counters. */
export interface MetricsSnapshot {
  /** Served (base) model name: the `model_name` label. */
  model: string;
  /** Requests in the running batch. */
  running: number;
  /** Requests waiting to be scheduled. */
  waiting: number;
  /** KV-cache usage, fraction in [0, 1]. */
  kvCacheUsage: number;
  /** Preemptions since start. */
  preemptions: number;
  /** Prompt (prefill) tokens processed since start. */
  promptTokens: number;
  /** Generated tokens since start. */
  generationTokens: number;
  /** Finished requests by finish reason (vLLM's reasons: stop, length, abort; all rendered). */
  requestSuccess: Readonly<Record<string, number>>;
  /** Time to first token, seconds. */
  ttft: HistogramData;
  /** End-to-end request latency, seconds. */
  e2e: HistogramData;
  lora: LoraInfo;
  /**
   * Cache configuration as vLLM's `CacheConfig.metrics_info()` reports it: every value is
   * rendered as Python's `str()` would (`16`, `0.9`, `True`, `None`).
   */
  cacheConfig: Readonly<Record<string, string | number | boolean | null>>;
  /**
   * Prefix cache counters in tokens (`vllm:prefix_cache_queries_total`, `_hits_total`); not
   * rendered when absent.
   */
  prefixCache?: { queries: number; hits: number };
}

/**
 * Formats a sample value or `le` bound as prometheus_client's `floatToGoString`: `1.0`, `0.25`,
 * `+Inf`, `NaN`, and positive numbers with 7+ integer digits in exponent form (`1.7e+09`).
 */
export function formatPromNumber(x: number): string {
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  if (Number.isNaN(x)) return "NaN";
  const s = pythonFloatRepr(x);
  const dot = s.indexOf(".");
  if (x > 0 && dot > 6) {
    const mantissa = `${s[0]}.${s.slice(1, dot)}${s.slice(dot + 1)}`.replace(/[0.]+$/, "");
    return `${mantissa}e+0${dot - 1}`;
  }
  return s;
}

// Python's repr(float): shortest round-trip digits, always with a decimal point or an exponent;
// Python writes exponents below 1e-4 and from 1e16 (JS only below 1e-6 and from 1e21).
function pythonFloatRepr(x: number): string {
  const abs = Math.abs(x);
  if (x !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [m, e] = x.toExponential().split("e");
    const exp = Number(e);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

// Python's str() of a config value, as vLLM puts it into label values.
function pythonStr(v: string | number | boolean | null): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : pythonFloatRepr(v);
  return v;
}

function escapeLabel(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function labelText(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k])}"`).join(",")}}`;
}

/** finish_reason label values vLLM always renders, even at 0. */
const FINISH_REASONS = ["stop", "length", "abort"];

/** Renders a snapshot as a complete `/metrics` page (ends with a newline). */
export function renderPromMetrics(snapshot: MetricsSnapshot): string {
  const base = { model_name: snapshot.model, engine: "0" };
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => {
    out.push(`# HELP ${name} ${help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}`);
    out.push(`# TYPE ${name} ${type}`);
  };
  const sample = (name: string, labels: Record<string, string>, value: number) =>
    out.push(`${name}${labelText(labels)} ${formatPromNumber(value)}`);
  const gauge = (name: string, help: string, value: number) => {
    family(name, "gauge", help);
    sample(name, base, value);
  };
  const counter = (name: string, help: string, value: number) => {
    family(name, "counter", help);
    sample(name, base, value);
  };
  const histogram = (name: string, help: string, h: HistogramData) => {
    family(name, "histogram", help);
    for (const [i, bound] of h.bounds.entries()) {
      sample(`${name}_bucket`, { ...base, le: formatPromNumber(bound) }, h.cumulative[i] ?? 0);
    }
    sample(`${name}_bucket`, { ...base, le: "+Inf" }, h.count);
    sample(`${name}_count`, base, h.count);
    sample(`${name}_sum`, base, h.sum);
  };

  gauge(
    "vllm:num_requests_running",
    "Number of requests in model execution batches.",
    snapshot.running,
  );
  gauge(
    "vllm:num_requests_waiting",
    "Number of requests waiting to be processed.",
    snapshot.waiting,
  );
  gauge(
    "vllm:gpu_cache_usage_perc",
    "GPU KV-cache usage. 1 means 100 percent usage. " +
      "DEPRECATED: Use vllm:kv_cache_usage_perc instead.",
    snapshot.kvCacheUsage,
  );
  gauge(
    "vllm:kv_cache_usage_perc",
    "KV-cache usage. 1 means 100 percent usage.",
    snapshot.kvCacheUsage,
  );
  counter(
    "vllm:num_preemptions_total",
    "Cumulative number of preemption from the engine.",
    snapshot.preemptions,
  );
  counter(
    "vllm:prompt_tokens_total",
    "Number of prefill tokens processed.",
    snapshot.promptTokens,
  );
  counter(
    "vllm:generation_tokens_total",
    "Number of generation tokens processed.",
    snapshot.generationTokens,
  );
  if (snapshot.prefixCache) {
    counter(
      "vllm:prefix_cache_queries_total",
      "Prefix cache queries, in terms of number of queried tokens.",
      snapshot.prefixCache.queries,
    );
    counter(
      "vllm:prefix_cache_hits_total",
      "Prefix cache hits, in terms of number of cached tokens.",
      snapshot.prefixCache.hits,
    );
  }
  family("vllm:request_success_total", "counter", "Count of successfully processed requests.");
  const reasons = [
    ...FINISH_REASONS,
    ...Object.keys(snapshot.requestSuccess).filter((r) => !FINISH_REASONS.includes(r)).sort(),
  ];
  for (const reason of reasons) {
    sample(
      "vllm:request_success_total",
      { ...base, finished_reason: reason },
      snapshot.requestSuccess[reason] ?? 0,
    );
  }
  histogram(
    "vllm:time_to_first_token_seconds",
    "Histogram of time to first token in seconds.",
    snapshot.ttft,
  );
  histogram(
    "vllm:e2e_request_latency_seconds",
    "Histogram of e2e request latency in seconds.",
    snapshot.e2e,
  );
  family("vllm:lora_requests_info", "gauge", "Running stats on lora requests.");
  sample("vllm:lora_requests_info", {
    max_lora: String(snapshot.lora.maxLora),
    running_lora_adapters: snapshot.lora.running.join(","),
    waiting_lora_adapters: snapshot.lora.waiting.join(","),
  }, snapshot.lora.timestamp);
  family("vllm:cache_config_info", "gauge", "Information of the LLMEngine CacheConfig");
  const info: Record<string, string> = { engine: "0" };
  for (const [k, v] of Object.entries(snapshot.cacheConfig)) info[k] = pythonStr(v);
  sample("vllm:cache_config_info", info, 1);
  return out.join("\n") + "\n";
}
