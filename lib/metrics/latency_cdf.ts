/**
 * Latency distributions as empirical CDFs for charts: a fixed ladder of percentiles (finer in
 * the tail, where latency problems live) rather than every sample, so a chart of 20 million ITLs
 * is as small as one of 20. Points come from the summary's histograms, so a CDF's p50/p99 equal
 * the summary's.
 * Pure. Counts the same records as the summary: ok measured records.
 */

import type { RequestRecord } from "./record.ts";
import { percentile } from "./stats.ts";
import type { LatencyHistogram } from "./latency_histogram.ts";
import { SummaryAccumulator, type SummaryHistograms } from "./summary.ts";

/** One point of a CDF: `pct` % of the sample is at or below `ms`. */
export interface CdfPoint {
  ms: number;
  /** 0–100. */
  pct: number;
}

/** The percentiles a CDF is drawn through: every 1 % to 90, every 0.5 to 99, then the tail. */
export const CDF_PERCENTS: readonly number[] = [
  ...Array.from({ length: 91 }, (_, i) => i),
  ...Array.from({ length: 18 }, (_, i) => 90.5 + i * 0.5),
  99.5,
  99.9,
  100,
];

/** The CDF of `values` at {@link CDF_PERCENTS}; sorts `values` in place. Empty in, empty out. */
export function cdfPoints(values: Float64Array): CdfPoint[] {
  if (values.length === 0) return [];
  values.sort();
  return CDF_PERCENTS.map((pct) => ({ ms: percentile(values, pct), pct }));
}

/** The CDF of a histogram at {@link CDF_PERCENTS}; empty when it holds nothing. */
export function histogramCdf(h: LatencyHistogram): CdfPoint[] {
  if (h.count === 0) return [];
  return CDF_PERCENTS.map((pct) => ({ ms: h.percentile(pct), pct }));
}

/** TTFT, ITL (per token) and E2E CDFs of a run's ok measured requests. */
export interface LatencyCdfs {
  ttft_ms: CdfPoint[];
  itl_ms: CdfPoint[];
  e2e_ms: CdfPoint[];
}

/** The CDFs of a summary's histograms (ok measured records), so they agree with its p50/p99. */
export function cdfsOf(hist: SummaryHistograms): LatencyCdfs {
  return {
    ttft_ms: histogramCdf(hist.ttft),
    itl_ms: histogramCdf(hist.itl),
    e2e_ms: histogramCdf(hist.e2e),
  };
}

/** The run's TTFT, ITL and E2E distributions (ok measured records, as in the summary). */
export function latencyCdfs(records: Iterable<RequestRecord>): LatencyCdfs {
  const acc = new SummaryAccumulator();
  for (const r of records) acc.add(r);
  return cdfsOf(acc.hist);
}
