import assert from "node:assert/strict";
import { createRng } from "../../lib/load/rng.ts";

const DRAWS = 100_000;

/** Sample mean and (unbiased) variance. */
function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0, sumSq = 0;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = draw();
    sum += xs[i];
  }
  const mean = sum / n;
  for (const x of xs) sumSq += (x - mean) ** 2;
  return { mean, variance: sumSq / (n - 1) };
}

function assertWithin(actual: number, expected: number, relTol: number, what: string): void {
  const rel = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(rel <= relTol, `${what}: got ${actual}, expected ${expected} ± ${relTol * 100}%`);
}

Deno.test("rng gives the same sequence for the same seed and a different one for another", () => {
  const take = (seed: number) => {
    const r = createRng(seed);
    return Array.from({ length: 20 }, () => r.next());
  };
  assert.deepEqual(take(42), take(42));
  assert.notDeepEqual(take(42), take(43));
  // Seeds differing only above 32 bits are distinct too.
  assert.notDeepEqual(take(1), take(1 + 2 ** 32));
  assert.notDeepEqual(take(0), take(-1));
});

Deno.test("rng next stays in [0, 1) with a mean near 1/2", () => {
  const r = createRng(7);
  let min = 1, max = 0;
  const { mean, variance } = moments(() => {
    const x = r.next();
    min = Math.min(min, x);
    max = Math.max(max, x);
    return x;
  }, DRAWS);
  assert.ok(min >= 0 && max < 1, `range [${min}, ${max}]`);
  assertWithin(mean, 0.5, 0.01, "mean");
  assertWithin(variance, 1 / 12, 0.02, "variance");
});

Deno.test("rng int covers [0, n) evenly", () => {
  const r = createRng(11);
  const n = 10;
  const counts = new Array(n).fill(0);
  for (let i = 0; i < DRAWS; i++) counts[r.int(n)]++;
  for (const c of counts) assertWithin(c, DRAWS / n, 0.05, "bucket count");
});

Deno.test("rng exponential keeps mean and variance within 2% over 100k draws", () => {
  const r = createRng(3);
  const rate = 4;
  const { mean, variance } = moments(() => r.exponential(rate), DRAWS);
  assertWithin(mean, 1 / rate, 0.02, "mean");
  assertWithin(variance, 1 / rate ** 2, 0.02, "variance");
});

Deno.test("rng normal has mean 0 and variance 1", () => {
  const r = createRng(5);
  const { mean, variance } = moments(() => r.normal(), DRAWS);
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assertWithin(variance, 1, 0.02, "variance");
});

// Sample variance of Gamma(k) has relative s.e. ≈ sqrt((2 + 6/k) / n): 1.2% at k = 0.5 and 100k
// draws, but 2.6% at k = 0.2, so very bursty shapes get a wider band (still catches a wrong
// boost, which is off by far more).
for (
  const [shape, tol] of [[0.2, 0.08], [0.5, 0.02], [1, 0.02], [2, 0.02], [5, 0.02], [20, 0.02]]
) {
  Deno.test(`rng gamma(shape ${shape}) keeps mean and variance within ${tol * 100}% over 100k draws`, () => {
    const r = createRng(1000 + shape * 10);
    const scale = 3;
    const { mean, variance } = moments(() => r.gamma(shape, scale), DRAWS);
    assertWithin(mean, shape * scale, 0.02, "mean");
    assertWithin(variance, shape * scale * scale, tol, "variance");
  });
}

Deno.test("rng pick returns each element and rejects an empty array", () => {
  const r = createRng(9);
  const items = ["a", "b", "c"] as const;
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) seen.add(r.pick(items));
  assert.deepEqual([...seen].sort(), ["a", "b", "c"]);
  assert.throws(() => r.pick([]), RangeError);
});

Deno.test("rng fork is deterministic and does not repeat the parent's stream", () => {
  const a = createRng(99), b = createRng(99);
  const fa = a.fork(), fb = b.fork();
  const seqFa = Array.from({ length: 10 }, () => fa.next());
  assert.deepEqual(seqFa, Array.from({ length: 10 }, () => fb.next()));
  assert.notDeepEqual(seqFa, Array.from({ length: 10 }, () => a.next()));
});

Deno.test("rng rejects invalid parameters", () => {
  const r = createRng(1);
  const cases: [string, () => unknown][] = [
    ["NaN seed", () => createRng(NaN)],
    ["int(0)", () => r.int(0)],
    ["int(1.5)", () => r.int(1.5)],
    ["exponential(0)", () => r.exponential(0)],
    ["exponential(-1)", () => r.exponential(-1)],
    ["gamma shape 0", () => r.gamma(0, 1)],
    ["gamma scale -1", () => r.gamma(1, -1)],
  ];
  for (const [name, fn] of cases) assert.throws(fn, RangeError, name);
});
