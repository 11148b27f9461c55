/**
 * Raw records in, one {@link Summary} out: the run's statistics, shaped exactly as the public
 * `summary.json` contract (snake_case keys that scripts rely on; add fields, never rename).
 *
 * Which records count where:
 * - warm-up records are only counted (`requests.warmup`) and excluded from everything else;
 * - latency statistics (TTFT, TPOT, ITL, E2E, prefill, decode, and the from-schedule variants)
 *   use ok records only (`!error && !dropped`);
 * - `send_lateness_ms` uses every measured record that was sent, ok or failed, and no dropped
 *   one (a dropped request has no send time);
 * - `errors` and `http_status` describe sent measured records; dropped ones are counted only in
 *   `requests.dropped` (whether or not they carry an error).
 *
 * Metric definitions are in `per_request.ts`.
 */

import { ERROR_KINDS, type ErrorKind, type RequestRecord } from "./record.ts";
import { fillItls, itlCount, requestMetrics } from "./per_request.ts";
import { describeInPlace, type Stats } from "./stats.ts";
import type { GpuSummary } from "./gpu_summary.ts";

/** Open loop (arrivals paced by time) or closed loop (virtual users). */
export type LoadMode = "open" | "closed";

/** The latency statistics of a summary, in the order reports list them; every one is in ms. */
export const LATENCY_METRICS = [
  "ttft_ms",
  "ttft_from_scheduled_ms",
  "tpot_ms",
  "itl_ms",
  "e2e_ms",
  "e2e_from_scheduled_ms",
  "prefill_ms",
  "decode_ms",
  "send_lateness_ms",
] as const;

/** Key of one latency statistic in {@link Summary}. */
export type LatencyMetric = typeof LATENCY_METRICS[number];

/** Request counts. `total` = measured records = ok + failed + dropped; warm-up is apart. */
export interface RequestCounts {
  total: number;
  ok: number;
  /** Sent measured requests that ended with an error. */
  failed: number;
  /** Measured requests never sent (open loop, in-flight cap full, no queue). */
  dropped: number;
  /** Warm-up records, excluded from every other figure. */
  warmup: number;
}

/** How often one error kind occurred, with up to 3 distinct example messages. */
export interface ErrorSummary {
  count: number;
  /** Distinct messages, first seen first; http ones prefixed with the status ("429: …"). */
  examples: string[];
}

/** Rates over the measured window; null when there is no window (no records, or zero length). */
export interface Throughput {
  /** From the earliest send (or schedule) to the latest end of a measured request, in s. */
  window_s: number | null;
  /** Ok requests per second. */
  requests_per_s: number | null;
  /** Output tokens of ok requests per second. */
  output_tokens_per_s: number | null;
  /** Prompt + output tokens of ok requests per second. */
  total_tokens_per_s: number | null;
}

/** Token totals and provenance, over ok measured requests. */
export interface TokenSummary {
  output_total: number;
  /** Prompt tokens from the server's usage, else the requested count; 0 when neither. */
  prompt_total: number;
  /** How many ok requests took their output count from usage vs from counting events. */
  output_source: { usage: number; counted: number };
  /** Mean requested prompt tokens over ok requests that had one; null when none. */
  prompt_requested_mean: number | null;
  /** Mean prompt tokens per usage over ok requests that reported it; null when none. */
  prompt_actual_mean: number | null;
  /**
   * (sum actual - sum requested) / sum requested * 100, over ok requests having both; null when
   * none has both. Reveals prompts that tokenise longer or shorter than we aimed for.
   */
  prompt_drift_pct: number | null;
  /**
   * How prompt lengths were obtained (`exact`, `local_tokenizer`, `estimate`); present when the
   * run knows (synthetic prompts), absent for dataset prompts and bare record sets.
   */
  prompt_length_mode?: string;
  /** True when requested lengths are not measured exactly (estimates); beside the mode. */
  prompt_lengths_approximate?: boolean;
}

/**
 * The run's statistics as a plain JSON-able object; its JSON form is the `summary.json`
 * contract. Later features (SLO/goodput, GPU) add keys beside these.
 */
export interface Summary {
  load_mode: LoadMode;
  requests: RequestCounts;
  throughput: Throughput;
  tokens: TokenSummary;
  ttft_ms: Stats;
  ttft_from_scheduled_ms: Stats;
  tpot_ms: Stats;
  itl_ms: Stats;
  e2e_ms: Stats;
  e2e_from_scheduled_ms: Stats;
  prefill_ms: Stats;
  decode_ms: Stats;
  send_lateness_ms: Stats;
  /** Only kinds that occurred, in {@link ERROR_KINDS} order. */
  errors: Partial<Record<ErrorKind, ErrorSummary>>;
  /** Count of each HTTP status received by sent measured requests (200 included), by code. */
  http_status: Record<string, number>;
  /** GPU readings over the run (gpu_summary.ts); null: no GPU data; absent: not sampled (bare records). */
  gpu?: GpuSummary | null;
}

/** Options of {@link summarize}. */
export interface SummarizeOptions {
  loadMode: LoadMode;
  /** How the run obtained its prompt lengths; copied into `tokens` when given. */
  promptLengths?: { mode: string; approximate: boolean };
}

/** Longest example message kept, so one HTML error page cannot bloat the summary. */
const MAX_EXAMPLE_CHARS = 300;
const MAX_EXAMPLES = 3;

function exampleOf(r: RequestRecord): string {
  const e = r.error!;
  const text = e.kind === "http" && e.status !== undefined
    ? `${e.status}: ${e.message}`
    : e.message;
  return text.length > MAX_EXAMPLE_CHARS ? text.slice(0, MAX_EXAMPLE_CHARS - 1) + "…" : text;
}

/** Summarises `records` (any order, warm-up included or not) into the `summary.json` shape. */
export function summarize(records: readonly RequestRecord[], options: SummarizeOptions): Summary {
  const ok: RequestRecord[] = [];
  let warmup = 0;
  let measured = 0;
  let dropped = 0;
  let sent = 0;
  let itlTotal = 0;
  let windowStart = Infinity;
  let windowEnd = -Infinity;
  const errorCounts = new Map<ErrorKind, { count: number; examples: Set<string> }>();
  const httpStatus = new Map<number, number>();

  for (const r of records) {
    if (r.phase === "warmup") {
      warmup++;
      continue;
    }
    measured++;
    windowStart = Math.min(windowStart, r.sentAt, r.scheduledAt);
    windowEnd = Math.max(windowEnd, r.endAt);
    if (r.dropped) {
      dropped++;
      continue;
    }
    sent++;
    if (r.status !== undefined) httpStatus.set(r.status, (httpStatus.get(r.status) ?? 0) + 1);
    if (r.error) {
      let e = errorCounts.get(r.error.kind);
      if (!e) errorCounts.set(r.error.kind, e = { count: 0, examples: new Set() });
      e.count++;
      if (e.examples.size < MAX_EXAMPLES) e.examples.add(exampleOf(r));
      continue;
    }
    ok.push(r);
    itlTotal += itlCount(r);
  }

  // One preallocated buffer per metric, filled then sorted in place: no boxed-number arrays.
  const n = ok.length;
  const ttft = new Float64Array(n);
  const ttftSched = new Float64Array(n);
  const tpot = new Float64Array(n);
  const e2e = new Float64Array(n);
  const e2eSched = new Float64Array(n);
  const decode = new Float64Array(n);
  const lateness = new Float64Array(sent);
  const itl = new Float64Array(itlTotal);
  let nTtft = 0;
  let nTpot = 0;
  let nItl = 0;
  let nLate = 0;

  let outputTotal = 0;
  let promptTotal = 0;
  let fromUsage = 0;
  let fromCount = 0;
  let reqSum = 0;
  let reqN = 0;
  let actSum = 0;
  let actN = 0;
  let driftReq = 0;
  let driftAct = 0;
  let driftN = 0;

  for (let i = 0; i < n; i++) {
    const r = ok[i];
    const m = requestMetrics(r);
    e2e[i] = m.e2eMs;
    e2eSched[i] = m.e2eFromScheduledMs;
    if (m.ttftMs !== undefined) {
      ttft[nTtft] = m.ttftMs;
      ttftSched[nTtft] = m.ttftFromScheduledMs!;
      decode[nTtft] = m.decodeMs!;
      nTtft++;
    }
    if (m.tpotMs !== undefined) tpot[nTpot++] = m.tpotMs;
    nItl = fillItls(r, itl, { offset: nItl });

    outputTotal += r.outputTokens;
    promptTotal += r.promptTokens ?? r.requestedPromptTokens ?? 0;
    if (r.outputTokensSource === "usage") fromUsage++;
    else fromCount++;
    if (r.requestedPromptTokens !== undefined) {
      reqSum += r.requestedPromptTokens;
      reqN++;
    }
    if (r.promptTokens !== undefined) {
      actSum += r.promptTokens;
      actN++;
    }
    if (r.requestedPromptTokens !== undefined && r.promptTokens !== undefined) {
      driftReq += r.requestedPromptTokens;
      driftAct += r.promptTokens;
      driftN++;
    }
  }
  for (const r of records) {
    if (r.phase !== "warmup" && !r.dropped) lateness[nLate++] = r.sentAt - r.scheduledAt;
  }

  const windowS = measured > 0 ? (windowEnd - windowStart) / 1000 : null;
  const rate = (x: number) => (windowS !== null && windowS > 0 ? x / windowS : null);

  const errors: Partial<Record<ErrorKind, ErrorSummary>> = {};
  for (const kind of ERROR_KINDS) {
    const e = errorCounts.get(kind);
    if (e) errors[kind] = { count: e.count, examples: [...e.examples] };
  }
  const http_status: Record<string, number> = {};
  for (const code of [...httpStatus.keys()].sort((a, b) => a - b)) {
    http_status[String(code)] = httpStatus.get(code)!;
  }

  const ttftStats = describeInPlace(ttft.subarray(0, nTtft));
  return {
    load_mode: options.loadMode,
    requests: { total: measured, ok: n, failed: sent - n, dropped, warmup },
    throughput: {
      window_s: windowS,
      requests_per_s: rate(n),
      output_tokens_per_s: rate(outputTotal),
      total_tokens_per_s: rate(outputTotal + promptTotal),
    },
    tokens: {
      output_total: outputTotal,
      prompt_total: promptTotal,
      output_source: { usage: fromUsage, counted: fromCount },
      prompt_requested_mean: reqN > 0 ? reqSum / reqN : null,
      prompt_actual_mean: actN > 0 ? actSum / actN : null,
      prompt_drift_pct: driftN > 0 && driftReq > 0 ? (driftAct - driftReq) / driftReq * 100 : null,
      ...(options.promptLengths
        ? {
          prompt_length_mode: options.promptLengths.mode,
          prompt_lengths_approximate: options.promptLengths.approximate,
        }
        : {}),
    },
    ttft_ms: ttftStats,
    ttft_from_scheduled_ms: describeInPlace(ttftSched.subarray(0, nTtft)),
    tpot_ms: describeInPlace(tpot.subarray(0, nTpot)),
    itl_ms: describeInPlace(itl.subarray(0, nItl)),
    e2e_ms: describeInPlace(e2e),
    e2e_from_scheduled_ms: describeInPlace(e2eSched),
    // Prefill is TTFT by definition; a copy keeps the two objects independent for callers.
    prefill_ms: { ...ttftStats },
    decode_ms: describeInPlace(decode.subarray(0, nTtft)),
    send_lateness_ms: describeInPlace(lateness),
    errors,
    http_status,
  };
}
