/**
 * Per-adapter statistics of a LoRA run: raw records in, one {@link AdapterStats} per adapter
 * (and one for the base model, when requests used it) out. Pure. JSON keys are snake_case and
 * form a contract like `summary.json`'s (add fields, never rename).
 *
 * Which records count where, as in `summary.ts`: warm-up records are only counted
 * (`requests.warmup`), except that one may be an adapter's cold start; latency statistics use ok
 * measured records; rates use the run's measured window (earliest send or schedule to latest end
 * of any measured record, all adapters together), so per-adapter rates add up to the run's.
 */
import { isCancelledByUs, isOk, type RequestRecord } from "./record.ts";
import type { RequestCounts } from "./summary.ts";
import type { Stats } from "./stats.ts";
import { requestMetrics } from "./per_request.ts";
import { adapterKey, type AdapterKeyOptions, isBaseKey } from "./cold_starts.ts";
import { LatencyHistogram } from "./latency_histogram.ts";

/** An adapter's cold start: its first request sent (see `cold_starts.ts`). */
export interface ColdStart {
  /** The cold request's `index` in the run. */
  request_index: number;
  /** "warmup" when warm-up already loaded the adapter before measuring began. */
  phase: RequestRecord["phase"];
  /** When it was sent, ms from the run origin. */
  sent_at_ms: number;
  /** Whether it succeeded. */
  ok: boolean;
  /** Its TTFT, ms; null when it failed or got no token. */
  ttft_ms: number | null;
}

/** One adapter's (or the base model's) statistics. */
export interface AdapterStats {
  /** Served adapter name, or the base model's name (or "(base)"). */
  adapter: string;
  /** True for the base model's row (requests without an adapter). */
  base: boolean;
  /** As in the summary: total = measured = ok + failed + dropped; warm-up apart. */
  requests: RequestCounts;
  /** TTFT of ok measured requests, ms (cold one included when measured). */
  ttft_ms: Stats;
  /** E2E of ok measured requests, ms. */
  e2e_ms: Stats;
  /** Output tokens of ok measured requests. */
  output_tokens: number;
  /** Ok requests per second over the run's measured window; null without a window. */
  requests_per_s: number | null;
  /** Output tokens per second over the run's measured window; null without a window. */
  output_tokens_per_s: number | null;
  /** The adapter's first request sent; null for the base model or an adapter never sent to. */
  cold: ColdStart | null;
  /** TTFT of ok measured requests other than the cold one, ms. */
  warm_ttft_ms: Stats;
  /** Cold TTFT - warm TTFT p50, ms: the adapter's load cost; null when either is missing. */
  cold_penalty_ms: number | null;
}

/** The cold candidate of one adapter: the earliest-sent record so far, reduced to what counts. */
interface ColdCandidate {
  index: number;
  phase: RequestRecord["phase"];
  sentAt: number;
  ok: boolean;
  ttftMs: number | null;
  /** Its TTFT went to the warm distribution's exclusion: a measured ok record with a token. */
  measuredTtft: boolean;
}

/** One adapter's counters and distributions while records stream in. */
class AdapterGroup {
  readonly counts: RequestCounts = {
    total: 0,
    ok: 0,
    failed: 0,
    cancelled: 0,
    dropped: 0,
    warmup: 0,
  };
  readonly ttft = new LatencyHistogram();
  readonly warmTtft = new LatencyHistogram();
  readonly e2e = new LatencyHistogram();
  outputTokens = 0;
  cold: ColdCandidate | null = null;
}

/**
 * Per-adapter statistics built one record at a time (bounded memory: counters and histograms
 * per adapter). The cold start is tracked as it goes: a record that replaces the cold candidate
 * hands the old candidate's TTFT to the warm distribution, so at the end the warm TTFTs are
 * every measured one but the final cold record's, as {@link findColdStarts} defines it.
 */
export class AdapterAccumulator {
  readonly #groups = new Map<string, AdapterGroup>();
  #start = Infinity;
  #end = -Infinity;
  constructor(readonly options: AdapterKeyOptions = {}) {}

  add(r: RequestRecord): void {
    const key = adapterKey(r, this.options);
    let g = this.#groups.get(key);
    if (!g) this.#groups.set(key, g = new AdapterGroup());
    const measured = r.phase !== "warmup";
    if (measured) {
      this.#start = Math.min(this.#start, r.sentAt, r.scheduledAt);
      this.#end = Math.max(this.#end, r.endAt);
    }
    const ok = isOk(r);
    const ttftMs = ok ? requestMetrics(r).ttftMs ?? null : null;
    const measuredTtft = measured && ttftMs !== null;
    if (!measured) g.counts.warmup++;
    else {
      g.counts.total++;
      if (r.dropped) g.counts.dropped++;
      else if (isCancelledByUs(r)) g.counts.cancelled++;
      else if (!ok) g.counts.failed++;
      else {
        g.counts.ok++;
        g.e2e.add(r.endAt - r.sentAt);
        g.outputTokens += r.outputTokens;
        if (ttftMs !== null) g.ttft.add(ttftMs);
      }
    }
    if (r.dropped || isBaseKey(key, this.options)) {
      if (measuredTtft) g.warmTtft.add(ttftMs);
      return;
    }
    const c = g.cold;
    if (!c || r.sentAt < c.sentAt || (r.sentAt === c.sentAt && r.index < c.index)) {
      if (c?.measuredTtft) g.warmTtft.add(c.ttftMs!);
      g.cold = { index: r.index, phase: r.phase, sentAt: r.sentAt, ok, ttftMs, measuredTtft };
    } else if (measuredTtft) g.warmTtft.add(ttftMs);
  }

  /** Statistics per adapter: the base model's row first, then adapters by name. */
  result(): AdapterStats[] {
    const windowS = this.#end > this.#start ? (this.#end - this.#start) / 1000 : null;
    const rate = (x: number) => (windowS === null ? null : x / windowS);
    const keys = [...this.#groups.keys()].sort((a, b) => {
      const ba = isBaseKey(a, this.options) ? 0 : 1;
      const bb = isBaseKey(b, this.options) ? 0 : 1;
      return ba - bb || (a < b ? -1 : a > b ? 1 : 0);
    });
    return keys.map((key) => {
      const g = this.#groups.get(key)!;
      const c = g.cold;
      const coldStart: ColdStart | null = c
        ? {
          request_index: c.index,
          phase: c.phase,
          sent_at_ms: c.sentAt,
          ok: c.ok,
          ttft_ms: c.ttftMs,
        }
        : null;
      const warm = g.warmTtft.stats();
      return {
        adapter: key,
        base: isBaseKey(key, this.options),
        requests: { ...g.counts },
        ttft_ms: g.ttft.stats(),
        e2e_ms: g.e2e.stats(),
        output_tokens: g.outputTokens,
        requests_per_s: rate(g.counts.ok),
        output_tokens_per_s: rate(g.outputTokens),
        cold: coldStart,
        warm_ttft_ms: warm,
        cold_penalty_ms: coldStart && coldStart.ttft_ms !== null && warm.p50 !== null
          ? coldStart.ttft_ms - warm.p50
          : null,
      };
    });
  }
}

/**
 * Statistics per adapter: the base model's row first (when any request used it), then adapters
 * by name. `options.baseModel` names the base model (see {@link adapterKey}).
 */
export function adapterStats(
  records: Iterable<RequestRecord>,
  options: AdapterKeyOptions = {},
): AdapterStats[] {
  const acc = new AdapterAccumulator(options);
  for (const r of records) acc.add(r);
  return acc.result();
}

/** Measured requests per adapter (`requests.total`), in the stats' order: for comparisons. */
export function adapterRequestCounts(stats: readonly AdapterStats[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of stats) out[s.adapter] = s.requests.total;
  return out;
}
