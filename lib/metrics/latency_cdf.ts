/**
 * Latency distributions as empirical CDFs for charts: a fixed ladder of percentiles (finer in
 * the tail, where latency problems live) rather than every sample, so a chart of 20 million ITLs
 * is as small as one of 20. Percentiles use `stats.ts`, so a CDF's p50/p99 equal the summary's.
 * Pure. Counts the same records as the summary: ok measured records.
 */

import { isOk, type RequestRecord } from "./record.ts";
import { fillItls, itlCount } from "./per_request.ts";
import { percentile } from "./stats.ts";

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

/** TTFT, ITL (per token) and E2E CDFs of a run's ok measured requests. */
export interface LatencyCdfs {
  ttft_ms: CdfPoint[];
  itl_ms: CdfPoint[];
  e2e_ms: CdfPoint[];
}

/** The run's TTFT, ITL and E2E distributions (ok measured records, as in the summary). */
export function latencyCdfs(records: readonly RequestRecord[]): LatencyCdfs {
  const ok = records.filter((r) => r.phase === "measure" && isOk(r));
  const ttft: number[] = [];
  const e2e = new Float64Array(ok.length);
  let nItl = 0;
  for (const r of ok) nItl += itlCount(r);
  const itl = new Float64Array(nItl);
  let at = 0;
  ok.forEach((r, i) => {
    e2e[i] = r.endAt - r.sentAt;
    if (r.tokenTimes.length > 0) ttft.push(r.tokenTimes[0] - r.sentAt);
    at = fillItls(r, itl, { offset: at });
  });
  return {
    ttft_ms: cdfPoints(Float64Array.from(ttft)),
    itl_ms: cdfPoints(itl),
    e2e_ms: cdfPoints(e2e),
  };
}
