/**
 * One latency distribution in bounded memory, filled one value at a time and mergeable: what
 * every statistic of a run is computed from, so a run of any length holds the same few
 * kilobytes per distribution instead of every value it saw.
 *
 * Precision ({@link HISTOGRAM_PRECISION}, also written to summary.json):
 * - count, mean, min and max are exact;
 * - up to `exactUpTo` values (default 2048) the values themselves are kept and percentiles are
 *   exact, numpy's linear interpolation (`stats.ts`), bit for bit: short runs, a c=1 smoke test
 *   or a sweep point of 50 requests, match vLLM's `bench serve` exactly;
 * - past that, the values move into a DDSketch (Datadog's `@datadog/sketches-js`) with relative
 *   accuracy `relativeAccuracy` (default 0.001): a percentile is within 0.1 % of a sample value
 *   at its rank. Numpy interpolates between the two samples around that rank, so the two agree
 *   within 0.1 % plus the gap between those neighbours (nothing, for a large sample).
 *
 * Why DDSketch rather than an HDR histogram: measured on the 2-core CI machine
 * (`bench/histogram_cost.ts`), DDSketch takes 17–22 ns per value against hdr-histogram-js's
 * 50–56 ns (its packed, sparse mode: ~390 ns); it stores only the bins a run touches (an ITL
 * distribution: tens of kB; HDR at 3 digits over 1 µs–1 h: 95 kB each), takes floats and
 * negative values as they come (no µs integer scaling), and merges bin by bin, so shards and
 * worker threads merge exactly as one distribution.
 */

import { DDSketch } from "@datadog/sketches-js";
import { describeInPlace, percentile, type Stats } from "./stats.ts";

/** The precision every run's distributions are kept at; written to summary.json `precision`. */
export const HISTOGRAM_PRECISION = {
  /** Percentiles are exact (numpy linear) while a distribution holds at most this many values. */
  exact_up_to: 2048,
  /** Past that: DDSketch relative accuracy (0.001 = 0.1 %, about 3 significant digits). */
  relative_accuracy: 0.001,
  /** Per-window chart series (TTFT and send lateness over time) are kept coarser. */
  window_relative_accuracy: 0.01,
  window_exact_up_to: 128,
} as const;

/** Options of a {@link LatencyHistogram}. */
export interface HistogramOptions {
  /** Keep values (exact percentiles) up to this many; default `HISTOGRAM_PRECISION.exact_up_to`. */
  exactUpTo?: number;
  /** Relative accuracy of the sketch past `exactUpTo`; default 0.001. */
  relativeAccuracy?: number;
}

/** A mergeable latency distribution (ms): exact while small, a DDSketch once large. */
export class LatencyHistogram {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly exactUpTo: number;
  readonly relativeAccuracy: number;
  #values: Float64Array | null = new Float64Array(16);
  #sketch: DDSketch | null = null;

  constructor(options: HistogramOptions = {}) {
    this.exactUpTo = options.exactUpTo ?? HISTOGRAM_PRECISION.exact_up_to;
    this.relativeAccuracy = options.relativeAccuracy ?? HISTOGRAM_PRECISION.relative_accuracy;
  }

  /** True once the values moved into the sketch (percentiles approximate from then on). */
  get approximate(): boolean {
    return this.#sketch !== null;
  }

  /** Adds `value` (ms) `times` times (an event carrying k tokens adds its per-token ITL k times). */
  add(value: number, times = 1): void {
    if (!Number.isFinite(value) || times <= 0) return;
    this.count += times;
    this.sum += value * times;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.#sketch) {
      this.#sketch.accept(value, times);
      return;
    }
    const n = this.count - times;
    if (this.count > this.exactUpTo) {
      this.#toSketch(n);
      this.#sketch!.accept(value, times);
      return;
    }
    let buf = this.#values!;
    if (this.count > buf.length) {
      const bigger = new Float64Array(
        Math.min(this.exactUpTo, Math.max(buf.length * 2, this.count)),
      );
      bigger.set(buf.subarray(0, n));
      buf = this.#values = bigger;
    }
    buf.fill(value, n, this.count);
  }

  /** Adds every value of `other` (same precision settings); `other` is left as it was. */
  merge(other: LatencyHistogram): void {
    if (other.count === 0) return;
    if (other.#sketch) {
      const n = this.count;
      this.#mergeCounters(other);
      if (!this.#sketch) this.#toSketch(n);
      this.#sketch!.merge(other.#sketch);
      return;
    }
    const vals = other.#values!.subarray(0, other.count);
    for (let i = 0; i < vals.length; i++) this.add(vals[i]);
  }

  #mergeCounters(other: LatencyHistogram): void {
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** Moves the first `n` kept values into a new sketch and drops the buffer. */
  #toSketch(n: number): void {
    const sketch = new DDSketch({ relativeAccuracy: this.relativeAccuracy });
    const vals = this.#values;
    if (vals) { for (let i = 0; i < n; i++) sketch.accept(vals[i]); }
    this.#values = null;
    this.#sketch = sketch;
  }

  /**
   * The `q`-th percentile (0..100): exact (numpy linear) while the values are kept, else the
   * sketch's value at that rank, clamped to the exact min and max. NaN when empty.
   */
  percentile(q: number): number {
    if (this.count === 0) return NaN;
    if (!this.#sketch) {
      return percentile(this.#values!.slice(0, this.count).sort(), q);
    }
    if (q <= 0) return this.min;
    if (q >= 100) return this.max;
    const v = this.#sketch.getValueAtQuantile(q / 100);
    return Math.min(this.max, Math.max(this.min, v));
  }

  /** Count, mean, extremes and percentiles, the {@link Stats} shape every report reads. */
  stats(): Stats {
    if (!this.#sketch) return describeInPlace(this.#values!.slice(0, this.count));
    return {
      count: this.count,
      mean: this.sum / this.count,
      min: this.min,
      max: this.max,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
    };
  }
}
