import assert from "node:assert/strict";
import {
  describeOutputLength,
  outputTokensFor,
  parseOutputLength,
} from "../../lib/workload/output_length.ts";

Deno.test("output-length specs parse, and bad ones say what form is expected", () => {
  assert.deepEqual(parseOutputLength("128"), { shape: "fixed", tokens: 128 });
  assert.deepEqual(parseOutputLength("uniform:64-256"), { shape: "uniform", min: 64, max: 256 });
  assert.deepEqual(parseOutputLength("normal:200,50"), { shape: "normal", mean: 200, sd: 50 });
  for (
    const bad of ["0", "uniform:9-3", "uniform:0-3", "normal:-1,2", "normal:5,-1", "lognormal:1"]
  ) {
    const r = parseOutputLength(bad);
    assert.ok("problem" in r, bad);
    assert.match(r.problem, /--output-tokens/);
  }
  assert.equal(describeOutputLength({ shape: "uniform", min: 1, max: 9 }), "uniform:1-9");
});

Deno.test("uniform lengths stay within [min, max], cover the range, and repeat for the same seed", () => {
  const spec = { shape: "uniform", min: 10, max: 20 } as const;
  const a = Array.from({ length: 2000 }, (_, i) => outputTokensFor(spec, 5, i));
  assert.ok(a.every((n) => Number.isInteger(n) && n >= 10 && n <= 20));
  assert.equal(new Set(a).size, 11, "every value in the range occurs");
  assert.deepEqual(a, Array.from({ length: 2000 }, (_, i) => outputTokensFor(spec, 5, i)));
  assert.notDeepEqual(a, Array.from({ length: 2000 }, (_, i) => outputTokensFor(spec, 6, i)));
});

Deno.test("normal lengths have the asked mean and spread and are clamped to at least 1", () => {
  const spec = { shape: "normal", mean: 200, sd: 40 } as const;
  const a = Array.from({ length: 20_000 }, (_, i) => outputTokensFor(spec, 1, i));
  const mean = a.reduce((s, n) => s + n, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, n) => s + (n - mean) ** 2, 0) / a.length);
  assert.ok(Math.abs(mean - 200) < 2, `mean ${mean}`);
  assert.ok(Math.abs(sd - 40) < 2, `sd ${sd}`);
  const wide = Array.from(
    { length: 2000 },
    (_, i) => outputTokensFor({ shape: "normal", mean: 3, sd: 10 }, 1, i),
  );
  assert.ok(wide.every((n) => n >= 1) && wide.includes(1));
  assert.equal(outputTokensFor({ shape: "fixed", tokens: 9 }, 1, 3), 9);
});
