/**
 * Prompt lengths of a replayed trace, folded into few enough distinct values to calibrate.
 *
 * Each distinct length costs ~24 /tokenize calls before the clock starts, and a Mooncake trace
 * has thousands. Up to `maxLengths` distinct lengths are kept exactly; beyond that every length
 * is moved to the nearest point (in log space) of a geometric grid of `maxLengths` points from
 * the shortest to the longest, rounded to whole tokens, so any length moves by at most half a
 * grid step, (max/min)^(1/(2(n−1))) − 1 (about 7.6 % for 1 … 10k tokens and 64 points), plus
 * half a token of rounding.
 */

/** Default cap on distinct prompt lengths calibrated for one run. */
export const MAX_CALIBRATED_LENGTHS = 64;

/** How trace lengths map to the lengths actually asked for. */
export interface LengthBuckets {
  /** The length asked for in place of `tokens` (itself when not bucketed). */
  bucketOf(tokens: number): number;
  /** Distinct lengths to calibrate, ascending. */
  readonly lengths: readonly number[];
  /** Distinct lengths seen in the input. */
  readonly distinct: number;
  /** True when lengths were moved to a grid. */
  readonly bucketed: boolean;
  /** Largest |asked − original| / original over the input (0 when not bucketed). */
  readonly maxRelativeError: number;
}

/** Folds `lengths` (token counts ≥ 1) into at most `options.maxLengths` distinct values. */
export function lengthBuckets(
  lengths: Iterable<number>,
  options: { maxLengths?: number } = {},
): LengthBuckets {
  const max = Math.max(1, Math.floor(options.maxLengths ?? MAX_CALIBRATED_LENGTHS));
  const distinct = [...new Set(lengths)].sort((a, b) => a - b);
  if (distinct.length <= max) {
    return {
      bucketOf: (t) => t,
      lengths: distinct,
      distinct: distinct.length,
      bucketed: false,
      maxRelativeError: 0,
    };
  }
  const lo = distinct[0], hi = distinct[distinct.length - 1];
  const logLo = Math.log(lo), step = (Math.log(hi) - logLo) / (max - 1);
  const bucketOf = (t: number) => {
    const k = Math.round((Math.log(Math.max(t, 1)) - logLo) / step);
    return Math.round(Math.exp(logLo + Math.min(Math.max(k, 0), max - 1) * step));
  };
  const grid = new Set<number>();
  let maxRelativeError = 0;
  for (const t of distinct) {
    const b = bucketOf(t);
    grid.add(b);
    maxRelativeError = Math.max(maxRelativeError, Math.abs(b - t) / t);
  }
  return {
    bucketOf,
    lengths: [...grid].sort((a, b) => a - b),
    distinct: distinct.length,
    bucketed: true,
    maxRelativeError,
  };
}
