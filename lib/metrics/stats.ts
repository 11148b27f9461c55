/**
 * Descriptive statistics for latency samples (ms). Percentiles use linear interpolation
 * between closest ranks, numpy's default `np.percentile(..., method="linear")`, which is what
 * vLLM's `benchmark_serving` reports, so our numbers compare with theirs like for like.
 */

/** Count, mean, extremes and percentiles of a sample; every field but `count` is null when empty. */
export interface Stats {
  count: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
}

/** The statistic names of {@link Stats}, in the order summaries and CSV columns list them. */
export const STAT_KEYS: readonly (keyof Stats)[] = [
  "count",
  "mean",
  "min",
  "max",
  "p50",
  "p90",
  "p95",
  "p99",
  "p999",
];

/** Position of the `q`-th percentile in a sample of `n`: numpy's `(n - 1) * q`, q as a fraction. */
function position(n: number, q: number): number {
  // q / 100 first, as numpy does, so results match numpy bit for bit rather than to rounding.
  return (q / 100) * (n - 1);
}

/** numpy's two-sided lerp between the order statistics around `pos`. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * The `q`-th percentile (`q` in 0..100, as numpy) of an ascending-sorted sample, by linear
 * interpolation between the closest ranks: position `(n - 1) * q / 100`. NaN when empty.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile q must be in 0..100 (got ${q})`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = position(n, q);
  const lo = Math.floor(pos);
  return lerp(sorted[lo], sorted[Math.min(lo + 1, n - 1)], pos - lo);
}

/**
 * Statistics of `values` (finite numbers, typically ms). Works on a Float64Array copy (numeric,
 * unboxed, several times faster than a JS array), so the input is left untouched.
 */
export function describe(values: Float64Array | readonly number[]): Stats {
  const copy = values instanceof Float64Array ? values.slice() : Float64Array.from(values);
  return describeInPlace(copy);
}

/** The percentiles {@link Stats} reports, in field order. */
const QS = [50, 90, 95, 99, 99.9] as const;

/** Below this size a full sort is simplest; above it, selection is several times faster. */
const SELECT_ABOVE = 4096;

/**
 * Like {@link describe} but reorders `values` in place (no copy): for buffers the caller built
 * for this purpose and does not need in their original order. Small samples are sorted; large
 * ones (a long run has tens of millions of ITLs) use quickselect for just the order statistics
 * the percentiles need: same values, bit for bit, without an O(n log n) sort (20M values: ~3.4 s
 * to sort on our CI machine).
 */
export function describeInPlace(values: Float64Array): Stats {
  const n = values.length;
  if (n === 0) {
    return {
      count: 0,
      mean: null,
      min: null,
      max: null,
      p50: null,
      p90: null,
      p95: null,
      p99: null,
      p999: null,
    };
  }
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let ps: number[];
  if (n <= SELECT_ABOVE) {
    values.sort();
    ps = QS.map((q) => percentile(values, q));
  } else {
    // Ranks needed, ascending; each selection leaves everything right of its rank >= it, so
    // the next one only has to search to the right.
    const ranks = new Set<number>();
    for (const q of QS) {
      const lo = Math.floor(position(n, q));
      ranks.add(lo);
      ranks.add(Math.min(lo + 1, n - 1));
    }
    const at = new Map<number, number>();
    let left = 0;
    for (const k of [...ranks].sort((a, b) => a - b)) {
      selectInPlace(values, k, left, n - 1);
      at.set(k, values[k]);
      left = k + 1;
    }
    ps = QS.map((q) => {
      const pos = position(n, q);
      const lo = Math.floor(pos);
      return lerp(at.get(lo)!, at.get(Math.min(lo + 1, n - 1))!, pos - lo);
    });
  }
  return {
    count: n,
    mean: sum / n,
    min,
    max,
    p50: ps[0],
    p90: ps[1],
    p95: ps[2],
    p99: ps[3],
    p999: ps[4],
  };
}

/**
 * Hoare/Wirth quickselect: reorders `a[left..right]` so that `a[k]` holds the value a sort would
 * put there, everything left of it is <= and everything right of it is >=. Median-of-three
 * pivots; runs of equal values split evenly, so a constant sample stays linear.
 */
function selectInPlace(a: Float64Array, k: number, left: number, right: number): void {
  let lo = left;
  let hi = right;
  while (hi > lo) {
    const mid = lo + ((hi - lo) >>> 1);
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return; // j < k < i: a[k] equals the pivot and is in place
  }
}
