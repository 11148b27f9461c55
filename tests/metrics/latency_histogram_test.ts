import assert from "node:assert/strict";
import { HISTOGRAM_PRECISION, LatencyHistogram } from "../../lib/metrics/latency_histogram.ts";
import { describe, percentile } from "../../lib/metrics/stats.ts";
import { createRng } from "../../lib/load/rng.ts";

const QS = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];

/** Fixed data: a lognormal-ish body (5–40 ms) with a 1 % tail up to 2 s, seeded. */
function latencies(n: number, seed = 7): Float64Array {
  const rng = createRng(seed);
  const rnd = () => rng.next();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const body = 5 * Math.exp(rnd() * 2.1);
    out[i] = rnd() < 0.01 ? body + rnd() * 2000 : body;
  }
  return out;
}

/**
 * The stated precision: within `relative_accuracy` of a sample value at the percentile's rank,
 * so within that of the exact (interpolated) percentile plus the gap between the two samples
 * numpy interpolates between.
 */
function assertWithinPrecision(h: LatencyHistogram, values: Float64Array) {
  const sorted = values.slice().sort();
  const a = HISTOGRAM_PRECISION.relative_accuracy;
  for (const q of QS) {
    const exact = percentile(sorted, q);
    const lo = Math.floor((q / 100) * (sorted.length - 1));
    const gap = sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo];
    const got = h.percentile(q);
    assert.ok(
      Math.abs(got - exact) <= a * Math.abs(exact) + gap + 1e-12,
      `p${q}: ${got} vs exact ${exact} (allowed ${a * exact + gap})`,
    );
  }
}

Deno.test("up to exact_up_to values, statistics equal numpy's exactly", () => {
  const values = latencies(HISTOGRAM_PRECISION.exact_up_to);
  const h = new LatencyHistogram();
  for (const v of values) h.add(v);
  assert.equal(h.approximate, false);
  assert.deepEqual(h.stats(), describe(values));
});

Deno.test("past exact_up_to, percentiles agree with exact ones within the stated precision", () => {
  const values = latencies(200_000);
  const h = new LatencyHistogram();
  for (const v of values) h.add(v);
  assert.equal(h.approximate, true);
  assertWithinPrecision(h, values);
  const s = h.stats(), e = describe(values);
  assert.equal(s.count, e.count);
  assert.equal(s.min, e.min);
  assert.equal(s.max, e.max);
  assert.ok(Math.abs(s.mean! - e.mean!) < 1e-9 * e.mean!);
});

Deno.test("weighted adds equal repeated adds (an event of k tokens is k per-token ITLs)", () => {
  const a = new LatencyHistogram(), b = new LatencyHistogram();
  const values = latencies(5000);
  values.forEach((v, i) => {
    a.add(v, (i % 3) + 1);
    for (let k = 0; k <= i % 3; k++) b.add(v);
  });
  const { mean: ma, ...sa } = a.stats(), { mean: mb, ...sb } = b.stats();
  assert.deepEqual(sa, sb);
  assert.ok(Math.abs(ma! - mb!) < 1e-12 * mb!, "mean equal up to summation order");
});

Deno.test("merged histograms equal one histogram of all values, whatever the split", () => {
  const values = latencies(60_000);
  const whole = new LatencyHistogram();
  for (const v of values) whole.add(v);
  // Uneven shards: one stays exact (small), the others are sketches; merged in either order.
  const cuts = [0, 700, 20_000, 60_000];
  const parts = cuts.slice(1).map((end, i) => {
    const h = new LatencyHistogram();
    for (const v of values.subarray(cuts[i], end)) h.add(v);
    return h;
  });
  for (const order of [[0, 1, 2], [2, 1, 0]]) {
    const merged = new LatencyHistogram();
    for (const i of order) merged.merge(parts[i]);
    const m = merged.stats(), w = whole.stats();
    for (const k of ["count", "min", "max", "p50", "p90", "p99", "p999"] as const) {
      assert.equal(m[k], w[k], `${k} (order ${order})`);
    }
    assertWithinPrecision(merged, values);
  }
});

Deno.test("small merges stay exact; negative and zero values are kept", () => {
  const a = new LatencyHistogram(), b = new LatencyHistogram();
  [-0.5, 0, 1, 2].forEach((v) => a.add(v));
  [3, 4].forEach((v) => b.add(v));
  a.merge(b);
  assert.deepEqual(a.stats(), describe([-0.5, 0, 1, 2, 3, 4]));
  const big = new LatencyHistogram({ exactUpTo: 4 });
  [-2, -1, 0, 0, 5, 10].forEach((v) => big.add(v));
  assert.equal(big.approximate, true);
  assert.equal(big.percentile(0), -2);
  assert.equal(big.percentile(100), 10);
  assert.ok(Math.abs(big.percentile(50) - 0) < 1e-9);
});

Deno.test("an empty histogram has count 0 and null statistics", () => {
  const s = new LatencyHistogram().stats();
  assert.equal(s.count, 0);
  assert.equal(s.p99, null);
  assert.ok(Number.isNaN(new LatencyHistogram().percentile(50)));
});
