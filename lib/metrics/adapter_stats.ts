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
import { isOk, type RequestRecord } from "./record.ts";
import type { RequestCounts } from "./summary.ts";
import { describe, type Stats } from "./stats.ts";
import { requestMetrics } from "./per_request.ts";
import { adapterKey, type AdapterKeyOptions, findColdStarts, isBaseKey } from "./cold_starts.ts";

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

/** The run's measured window in s (as `summarize` computes it); null when empty or zero. */
function measuredWindowS(records: readonly RequestRecord[]): number | null {
  let start = Infinity;
  let end = -Infinity;
  for (const r of records) {
    if (r.phase === "warmup") continue;
    start = Math.min(start, r.sentAt, r.scheduledAt);
    end = Math.max(end, r.endAt);
  }
  return end > start ? (end - start) / 1000 : null;
}

/**
 * Statistics per adapter: the base model's row first (when any request used it), then adapters
 * by name. `options.baseModel` names the base model (see {@link adapterKey}).
 */
export function adapterStats(
  records: readonly RequestRecord[],
  options: AdapterKeyOptions = {},
): AdapterStats[] {
  const groups = new Map<string, RequestRecord[]>();
  for (const r of records) {
    const key = adapterKey(r, options);
    let g = groups.get(key);
    if (!g) groups.set(key, g = []);
    g.push(r);
  }
  const cold = findColdStarts(records, options);
  const windowS = measuredWindowS(records);
  const rate = (x: number) => (windowS === null ? null : x / windowS);

  const keys = [...groups.keys()].sort((a, b) => {
    const ba = isBaseKey(a, options) ? 0 : 1;
    const bb = isBaseKey(b, options) ? 0 : 1;
    return ba - bb || (a < b ? -1 : a > b ? 1 : 0);
  });
  return keys.map((key) => {
    const counts: RequestCounts = { total: 0, ok: 0, failed: 0, dropped: 0, warmup: 0 };
    const ttft: number[] = [];
    const warmTtft: number[] = [];
    const e2e: number[] = [];
    let outputTokens = 0;
    const coldRecord = cold.get(key);
    for (const r of groups.get(key)!) {
      if (r.phase === "warmup") {
        counts.warmup++;
        continue;
      }
      counts.total++;
      if (r.dropped) counts.dropped++;
      else if (!isOk(r)) counts.failed++;
      else {
        counts.ok++;
        const m = requestMetrics(r);
        e2e.push(m.e2eMs);
        outputTokens += r.outputTokens;
        if (m.ttftMs !== undefined) {
          ttft.push(m.ttftMs);
          if (r !== coldRecord) warmTtft.push(m.ttftMs);
        }
      }
    }
    let coldStart: ColdStart | null = null;
    if (coldRecord) {
      const m = requestMetrics(coldRecord);
      coldStart = {
        request_index: coldRecord.index,
        phase: coldRecord.phase,
        sent_at_ms: coldRecord.sentAt,
        ok: isOk(coldRecord),
        ttft_ms: isOk(coldRecord) && m.ttftMs !== undefined ? m.ttftMs : null,
      };
    }
    const warm = describe(warmTtft);
    return {
      adapter: key,
      base: isBaseKey(key, options),
      requests: counts,
      ttft_ms: describe(ttft),
      e2e_ms: describe(e2e),
      output_tokens: outputTokens,
      requests_per_s: rate(counts.ok),
      output_tokens_per_s: rate(outputTokens),
      cold: coldStart,
      warm_ttft_ms: warm,
      cold_penalty_ms: coldStart && coldStart.ttft_ms !== null && warm.p50 !== null
        ? coldStart.ttft_ms - warm.p50
        : null,
    };
  });
}

/** Measured requests per adapter (`requests.total`), in the stats' order: for comparisons. */
export function adapterRequestCounts(stats: readonly AdapterStats[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of stats) out[s.adapter] = s.requests.total;
  return out;
}
