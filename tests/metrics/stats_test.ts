import assert from "node:assert/strict";
import { describe, percentile, STAT_KEYS } from "../../lib/metrics/stats.ts";

// Expected values printed by numpy 2.4 `np.percentile(a, q)` (method "linear") and `a.mean()`.
const NUMPY: {
  name: string;
  values: number[];
  p: [number, number, number, number, number];
  mean: number;
}[] = [
  { name: "single", values: [42.5], p: [42.5, 42.5, 42.5, 42.5, 42.5], mean: 42.5 },
  { name: "two", values: [1, 2], p: [1.5, 1.9, 1.95, 1.99, 1.999], mean: 1.5 },
  {
    name: "four",
    values: [4, 1, 3, 2],
    p: [2.5, 3.7, 3.8499999999999996, 3.9699999999999998, 3.9970000000000003],
    mean: 2.5,
  },
  {
    name: "unsorted with ties",
    values: [10, 1, 7, 3, 3],
    p: [3, 8.8, 9.399999999999999, 9.879999999999999, 9.988000000000001],
    mean: 4.8,
  },
  {
    name: "skewed tail",
    values: [0.1, 0.2, 0.3, 0.5, 0.8, 1.3, 2.1, 3.4, 5.5, 8.9, 14.4, 23.3, 1000],
    p: [2.1, 21.520000000000007, 413.97999999999865, 882.795999999999, 988.2796000000013],
    mean: 81.6,
  },
  {
    name: "negatives",
    values: [-5.25, 0, 2.5, -1, 7.75, 3],
    p: [1.25, 5.375, 6.5625, 7.512500000000001, 7.726250000000005],
    mean: 1.1666666666666667,
  },
  {
    name: "ramp of 1001",
    values: Array.from({ length: 1001 }, (_, i) => i * 0.37),
    p: [185, 333, 351.5, 366.3, 369.63000000000005],
    mean: 185,
  },
];

Deno.test("describe matches numpy's linear percentiles bit for bit on known arrays", () => {
  for (const c of NUMPY) {
    for (const input of [c.values, Float64Array.from(c.values)]) {
      const s = describe(input);
      assert.equal(s.count, c.values.length, c.name);
      assert.deepEqual([s.p50, s.p90, s.p95, s.p99, s.p999], c.p, c.name);
      assert.ok(Math.abs(s.mean! - c.mean) < 1e-9 * Math.max(1, Math.abs(c.mean)), c.name);
      assert.equal(s.min, Math.min(...c.values), c.name);
      assert.equal(s.max, Math.max(...c.values), c.name);
    }
  }
});

Deno.test("describe of an empty sample has count 0 and every other field null", () => {
  for (const empty of [[], new Float64Array(0)]) {
    const s = describe(empty);
    assert.deepEqual(Object.keys(s), [...STAT_KEYS]);
    for (const k of STAT_KEYS) assert.equal(s[k], k === "count" ? 0 : null, k);
  }
});

Deno.test("describe leaves its input in its original order", () => {
  const arr = [3, 1, 2];
  const typed = Float64Array.from(arr);
  describe(arr);
  describe(typed);
  assert.deepEqual(arr, [3, 1, 2]);
  assert.deepEqual([...typed], [3, 1, 2]);
});

Deno.test("describe sorts numerically, not as strings", () => {
  // A default JS array sort would put 100 before 9.
  const s = describe([9, 100, 10, 1]);
  assert.equal(s.min, 1);
  assert.equal(s.max, 100);
  assert.equal(s.p50, 9.5);
});

Deno.test("percentile hits exact ranks at 0 and 100 and rejects q outside 0..100", () => {
  const sorted = Float64Array.from([1, 2, 4, 8]);
  assert.equal(percentile(sorted, 0), 1);
  assert.equal(percentile(sorted, 100), 8);
  assert.equal(percentile(sorted, 50), 3);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile(sorted, 101), RangeError);
  assert.throws(() => percentile(sorted, -1), RangeError);
  assert.throws(() => percentile(sorted, NaN), RangeError);
});

Deno.test("large samples (selection path) give exactly the sorted-sample percentiles", () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const shapes: [string, () => number][] = [
    ["uniform", () => rnd() * 100],
    ["heavy tail", () => 10 / Math.max(1e-6, rnd())],
    ["few distinct values", () => Math.floor(rnd() * 4) * 2.5],
    ["constant", () => 10],
  ];
  for (const [name, draw] of shapes) {
    for (const n of [4097, 10_000, 33_333]) {
      const values = Float64Array.from({ length: n }, draw);
      const sorted = values.slice().sort();
      const s = describe(values);
      const want = [50, 90, 95, 99, 99.9].map((q) => percentile(sorted, q));
      assert.deepEqual([s.p50, s.p90, s.p95, s.p99, s.p999], want, `${name} n=${n}`);
      assert.equal(s.min, sorted[0]);
      assert.equal(s.max, sorted[n - 1]);
    }
  }
});
