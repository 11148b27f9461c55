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
 *   `requests.dropped` (whether or not they carry an error);
 * - requests llmload cancelled itself (kind `cancelled`: a stop signal, `--max-runtime`, the end
 *   of `--grace`) are counted in `requests.cancelled` and listed in `errors.cancelled`, but are
 *   not `failed` (so not in the error rate) and not in any latency statistic.
 *
 * - reasoning streams (records with `reasoningTokens`) add `tokens.reasoning_*`,
 *   `tokens.answer_total`, `throughput.answer_tokens_per_s` and `ttfat_ms`; a run without
 *   reasoning has none of these keys, so its summary.json is as before.
 *
 * Metric definitions are in `per_request.ts`.
 */

import { TurnAccumulator, type TurnRow } from "./turn_stats.ts";
import {
  ERROR_KINDS,
  type ErrorKind,
  isCancelledByUs,
  type RequestRecord,
  TOKEN_SOURCES,
  type TokenSource,
} from "./record.ts";
import { answerTokens, forEachItlGap, requestMetrics } from "./per_request.ts";
import type { Stats } from "./stats.ts";
import { HISTOGRAM_PRECISION, LatencyHistogram } from "./latency_histogram.ts";
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

/**
 * Request counts. `total` = measured records = ok + failed + cancelled + dropped; warm-up is
 * apart.
 */
export interface RequestCounts {
  total: number;
  ok: number;
  /** Sent measured requests that ended with an error, other than our own cancellation. */
  failed: number;
  /**
   * Sent measured requests llmload cancelled itself (stop signal, `--max-runtime`, end of
   * `--grace`): neither ok nor failed; also in `errors.cancelled`.
   */
  cancelled: number;
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
  /** Output tokens less reasoning tokens per second; only when some request reasoned. */
  answer_tokens_per_s?: number | null;
}

/** Token totals and provenance, over ok measured requests. */
export interface TokenSummary {
  output_total: number;
  /** Prompt tokens from the server's usage, else the requested count; 0 when neither. */
  prompt_total: number;
  /**
   * How many ok requests took their output count from each source (record.ts TokenSource):
   * usage, the local tokenizer on the streamed text, an estimate from the text, one per event.
   */
  output_source: Record<TokenSource, number>;
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
  /** Ok requests whose stream reasoned; this and the next two only when there is one. */
  reasoning_requests?: number;
  /** Of `output_total`, the reasoning tokens (record.ts `reasoningTokens`). */
  reasoning_total?: number;
  /** `output_total` less `reasoning_total`: the answers' tokens. */
  answer_total?: number;
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
  /**
   * Time to first answer token (reasoning streams: the first `content` after the reasoning),
   * over ok requests that reasoned and answered; only when some request reasoned.
   */
  ttfat_ms?: Stats;
  ttft_from_scheduled_ms: Stats;
  tpot_ms: Stats;
  itl_ms: Stats;
  e2e_ms: Stats;
  e2e_from_scheduled_ms: Stats;
  prefill_ms: Stats;
  decode_ms: Stats;
  send_lateness_ms: Stats;
  /**
   * Time sent measured requests (ok or failed) spent opening their own connection (TCP, and
   * TLS for https), ms; requests that reused a pooled connection are not in it (`count` says how
   * many connected). A connect storm shows here rather than hidden in TTFT (which includes it).
   */
  connect_ms: Stats;
  /** Only kinds that occurred, in {@link ERROR_KINDS} order. */
  errors: Partial<Record<ErrorKind, ErrorSummary>>;
  /** Count of each HTTP status received by sent measured requests (200 included), by code. */
  http_status: Record<string, number>;
  /**
   * How the latency statistics were kept (latency_histogram.ts): exact up to `exact_up_to`
   * values per distribution, then within `relative_accuracy`.
   */
  precision: typeof HISTOGRAM_PRECISION;
  /** True when the run was stopped early (SIGINT, SIGTERM, `--max-runtime`); set by the run. */
  interrupted?: boolean;
  /** Why it was stopped, as meta.json says; only when `interrupted`. */
  interrupt_reason?: string;
  /**
   * Where the output token counts came from: the one source of every ok request (`usage`,
   * `tokenizer`, `estimate`, `counted`), `mixed` when they differ (`tokens.output_source` has the
   * split), null without ok requests. Anything but `usage` or `tokenizer` makes TPOT, ITL and
   * tokens/s estimates (see docs/token_counts.md).
   */
  output_tokens_source: OutputTokensSource;
  /** Sessions: TTFT, E2E and prompt tokens by turn index (turn_stats.ts); absent otherwise. */
  by_turn?: TurnRow[];
  /** GPU readings over the run (gpu_summary.ts); null: no GPU data; absent: not sampled (bare records). */
  gpu?: GpuSummary | null;
}

/** A run's `output_tokens_source`: one record source, `mixed`, or null (no ok request). */
export type OutputTokensSource = TokenSource | "mixed" | null;

/** The run's output token source from the per-source counts of its ok requests. */
export function outputTokensSource(counts: Record<TokenSource, number>): OutputTokensSource {
  const present = TOKEN_SOURCES.filter((t) => counts[t] > 0);
  if (present.length === 0) return null;
  return present.length === 1 ? present[0] : "mixed";
}

/** Ok requests whose output count is estimated (neither usage nor a tokenizer). */
export function estimatedOutputRequests(counts: Record<TokenSource, number>): number {
  return counts.estimate + counts.counted;
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

/** The distributions a summary keeps, one {@link LatencyHistogram} each (ms). */
export interface SummaryHistograms {
  ttft: LatencyHistogram;
  ttftSched: LatencyHistogram;
  tpot: LatencyHistogram;
  itl: LatencyHistogram;
  e2e: LatencyHistogram;
  e2eSched: LatencyHistogram;
  decode: LatencyHistogram;
  lateness: LatencyHistogram;
  connect: LatencyHistogram;
  /** Time to first answer token of reasoning streams. */
  ttfat: LatencyHistogram;
}

/** Token sums over ok measured records (see {@link TokenSummary}). */
class TokenCounters {
  output = 0;
  prompt = 0;
  readonly sources: Record<TokenSource, number> = {
    usage: 0,
    tokenizer: 0,
    estimate: 0,
    counted: 0,
  };
  reqSum = 0;
  reqN = 0;
  actSum = 0;
  actN = 0;
  driftReq = 0;
  driftAct = 0;
  reasoningRequests = 0;
  reasoning = 0;
  answer = 0;

  add(r: RequestRecord): void {
    this.output += r.outputTokens;
    this.answer += answerTokens(r);
    if (r.reasoningTokens !== undefined) {
      this.reasoningRequests++;
      this.reasoning += r.reasoningTokens;
    }
    this.prompt += r.promptTokens ?? r.requestedPromptTokens ?? 0;
    // An unknown source (a hand-edited record) counts as the weakest.
    const source = r.outputTokensSource in this.sources ? r.outputTokensSource : "counted";
    this.sources[source]++;
    if (r.requestedPromptTokens !== undefined) {
      this.reqSum += r.requestedPromptTokens;
      this.reqN++;
    }
    if (r.promptTokens !== undefined) {
      this.actSum += r.promptTokens;
      this.actN++;
    }
    if (r.requestedPromptTokens !== undefined && r.promptTokens !== undefined) {
      this.driftReq += r.requestedPromptTokens;
      this.driftAct += r.promptTokens;
    }
  }

  result(promptLengths: SummarizeOptions["promptLengths"]): TokenSummary {
    return {
      output_total: this.output,
      prompt_total: this.prompt,
      output_source: { ...this.sources },
      prompt_requested_mean: this.reqN > 0 ? this.reqSum / this.reqN : null,
      prompt_actual_mean: this.actN > 0 ? this.actSum / this.actN : null,
      prompt_drift_pct: this.driftReq > 0
        ? (this.driftAct - this.driftReq) / this.driftReq * 100
        : null,
      ...(promptLengths
        ? {
          prompt_length_mode: promptLengths.mode,
          prompt_lengths_approximate: promptLengths.approximate,
        }
        : {}),
      ...(this.reasoningRequests > 0
        ? {
          reasoning_requests: this.reasoningRequests,
          reasoning_total: this.reasoning,
          answer_total: this.answer,
        }
        : {}),
    };
  }
}

/**
 * A run's summary built one record at a time (see the module doc for which records count
 * where): counters and {@link LatencyHistogram}s only, so nothing of a record, its token times
 * least of all, is kept once `add` returns. Records may come in any order.
 */
export class SummaryAccumulator {
  readonly hist: SummaryHistograms = {
    ttft: new LatencyHistogram(),
    ttftSched: new LatencyHistogram(),
    tpot: new LatencyHistogram(),
    itl: new LatencyHistogram(),
    e2e: new LatencyHistogram(),
    e2eSched: new LatencyHistogram(),
    decode: new LatencyHistogram(),
    lateness: new LatencyHistogram(),
    connect: new LatencyHistogram(),
    ttfat: new LatencyHistogram(),
  };
  warmup = 0;
  measured = 0;
  dropped = 0;
  sent = 0;
  ok = 0;
  /** Sent measured records llmload cancelled itself (see the module doc). */
  cancelled = 0;
  /** Earliest send or schedule and latest end of a measured record (ms); ±Infinity when none. */
  windowStart = Infinity;
  windowEnd = -Infinity;
  readonly #tokens = new TokenCounters();
  readonly #errors = new Map<ErrorKind, { count: number; examples: Set<string> }>();
  readonly #httpStatus = new Map<number, number>();
  /** Sessions: statistics by turn index. */
  readonly turns = new TurnAccumulator();

  add(r: RequestRecord): void {
    this.turns.add(r);
    if (r.phase === "warmup") {
      this.warmup++;
      return;
    }
    this.measured++;
    this.windowStart = Math.min(this.windowStart, r.sentAt, r.scheduledAt);
    this.windowEnd = Math.max(this.windowEnd, r.endAt);
    if (r.dropped) {
      this.dropped++;
      return;
    }
    this.sent++;
    this.hist.lateness.add(r.sentAt - r.scheduledAt);
    if (r.connectMs !== undefined) this.hist.connect.add(r.connectMs);
    if (r.status !== undefined) {
      this.#httpStatus.set(r.status, (this.#httpStatus.get(r.status) ?? 0) + 1);
    }
    if (r.error) {
      let e = this.#errors.get(r.error.kind);
      if (!e) this.#errors.set(r.error.kind, e = { count: 0, examples: new Set() });
      e.count++;
      if (e.examples.size < MAX_EXAMPLES) e.examples.add(exampleOf(r));
      if (isCancelledByUs(r)) this.cancelled++;
      return;
    }
    this.ok++;
    this.#addOk(r);
  }

  #addOk(r: RequestRecord): void {
    const h = this.hist;
    const m = requestMetrics(r);
    h.e2e.add(m.e2eMs);
    h.e2eSched.add(m.e2eFromScheduledMs);
    if (m.ttftMs !== undefined) {
      h.ttft.add(m.ttftMs);
      h.ttftSched.add(m.ttftFromScheduledMs!);
      h.decode.add(m.decodeMs!);
    }
    if (m.tpotMs !== undefined) h.tpot.add(m.tpotMs);
    if (m.ttfatMs !== undefined) h.ttfat.add(m.ttfatMs);
    forEachItlGap(r, (gap, k) => h.itl.add(gap, k));
    this.#tokens.add(r);
  }

  /** The measured window in s (earliest send or schedule to latest end); null when none. */
  windowS(): number | null {
    return this.measured > 0 ? (this.windowEnd - this.windowStart) / 1000 : null;
  }

  /** The summary of every record added so far. */
  result(options: SummarizeOptions): Summary {
    const windowS = this.windowS();
    const rate = (x: number) => (windowS !== null && windowS > 0 ? x / windowS : null);
    const errors: Partial<Record<ErrorKind, ErrorSummary>> = {};
    for (const kind of ERROR_KINDS) {
      const e = this.#errors.get(kind);
      if (e) errors[kind] = { count: e.count, examples: [...e.examples] };
    }
    const http_status: Record<string, number> = {};
    for (const code of [...this.#httpStatus.keys()].sort((a, b) => a - b)) {
      http_status[String(code)] = this.#httpStatus.get(code)!;
    }
    const h = this.hist;
    const tokens = this.#tokens.result(options.promptLengths);
    const ttftStats = h.ttft.stats();
    const reasoned = tokens.reasoning_requests !== undefined;
    return {
      load_mode: options.loadMode,
      requests: {
        total: this.measured,
        ok: this.ok,
        failed: this.sent - this.ok - this.cancelled,
        cancelled: this.cancelled,
        dropped: this.dropped,
        warmup: this.warmup,
      },
      throughput: {
        window_s: windowS,
        requests_per_s: rate(this.ok),
        output_tokens_per_s: rate(tokens.output_total),
        total_tokens_per_s: rate(tokens.output_total + tokens.prompt_total),
        ...(reasoned ? { answer_tokens_per_s: rate(tokens.answer_total!) } : {}),
      },
      tokens,
      output_tokens_source: outputTokensSource(tokens.output_source),
      ttft_ms: ttftStats,
      ...(reasoned ? { ttfat_ms: h.ttfat.stats() } : {}),
      ttft_from_scheduled_ms: h.ttftSched.stats(),
      tpot_ms: h.tpot.stats(),
      itl_ms: h.itl.stats(),
      e2e_ms: h.e2e.stats(),
      e2e_from_scheduled_ms: h.e2eSched.stats(),
      // Prefill is TTFT by definition; a copy keeps the two objects independent for callers.
      prefill_ms: { ...ttftStats },
      decode_ms: h.decode.stats(),
      send_lateness_ms: h.lateness.stats(),
      connect_ms: h.connect.stats(),
      errors,
      http_status,
      precision: HISTOGRAM_PRECISION,
      ...this.turns.entry(),
    };
  }
}

/** Summarises `records` (any order, warm-up included or not) into the `summary.json` shape. */
export function summarize(records: Iterable<RequestRecord>, options: SummarizeOptions): Summary {
  const acc = new SummaryAccumulator();
  for (const r of records) acc.add(r);
  return acc.result(options);
}
