import assert from "node:assert/strict";
import { lengthBuckets } from "../../lib/workload/length_buckets.ts";

Deno.test("few distinct prompt lengths are kept exactly", () => {
  const b = lengthBuckets([6955, 6472, 6955, 8325, 612]);
  assert.deepEqual(b.lengths, [612, 6472, 6955, 8325]);
  assert.equal(b.bucketed, false);
  assert.equal(b.bucketOf(6472), 6472);
  assert.equal(b.maxRelativeError, 0);
});

Deno.test("thousands of distinct lengths fold into at most the cap, each moved by a bounded share", () => {
  const lengths = Array.from({ length: 5000 }, (_, i) => 1 + i * 2);
  const b = lengthBuckets(lengths, { maxLengths: 64 });
  assert.equal(b.bucketed, true);
  assert.equal(b.distinct, 5000);
  assert.ok(b.lengths.length <= 64 && b.lengths.length > 40, `${b.lengths.length} buckets`);
  // Half a geometric step of (9999/1)^(1/63): ≈ 7.6 %.
  const bound = Math.pow(9999, 1 / 126) - 1;
  let worst = 0;
  for (const t of lengths) {
    const got = b.bucketOf(t);
    assert.ok(b.lengths.includes(got), `${t} → ${got} is a calibrated length`);
    // Grid points are whole tokens: half a token of rounding on top.
    assert.ok(Math.abs(got - t) <= t * bound + 0.5, `${t} → ${got}`);
    worst = Math.max(worst, Math.abs(got - t) / t);
  }
  assert.equal(b.maxRelativeError, worst);
  assert.equal(b.bucketOf(1), 1);
  assert.equal(b.bucketOf(9999), 9999);
});
