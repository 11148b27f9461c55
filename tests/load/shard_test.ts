import assert from "node:assert/strict";
import {
  arrivalOwner,
  formatShard,
  ownsArrival,
  ownsUser,
  parseShard,
  shareOf,
  subShard,
} from "../../lib/load/shard.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

Deno.test("parseShard reads i/N and names the flag and the fix on bad input", () => {
  assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
  assert.deepEqual(formatShard(parseShard(" 0 / 1 ")), "0/1");
  for (const bad of ["4/4", "1/0", "-1/3", "a/b", "3", "1/2/3"]) {
    assert.throws(
      () => parseShard(bad),
      (e: unknown) => e instanceof UsageError && /--shard/.test(e.message),
    );
  }
});

Deno.test("every arrival has exactly one owner, and the shards are near even", () => {
  const n = 4, total = 40_000, counts = [0, 0, 0, 0];
  for (let i = 0; i < total; i++) {
    const owners = [0, 1, 2, 3].filter((s) => ownsArrival({ index: s, count: n }, i, 7));
    assert.deepEqual(owners.length, 1);
    counts[owners[0]]++;
  }
  for (const c of counts) assert(Math.abs(c - total / n) < 0.03 * total / n, `${counts}`);
});

Deno.test("arrival ownership depends on the seed and is not round-robin", () => {
  const a = Array.from({ length: 64 }, (_, i) => arrivalOwner(i, 2, 1)).join("");
  const b = Array.from({ length: 64 }, (_, i) => arrivalOwner(i, 2, 2)).join("");
  assert(a !== b);
  assert(a !== "01".repeat(32) && a !== "10".repeat(32));
});

Deno.test("nested shards own exactly what their outer shard owns", () => {
  const outer = { index: 1, count: 3 };
  for (let i = 0; i < 5000; i++) {
    const inner = [0, 1, 2, 3].filter((w) =>
      ownsArrival(subShard(outer, { index: w, count: 4 }), i, 11)
    );
    assert.deepEqual(inner.length, ownsArrival(outer, i, 11) ? 1 : 0);
  }
  for (let u = 0; u < 100; u++) {
    const inner = [0, 1].filter((w) => ownsUser(subShard(outer, { index: w, count: 2 }), u));
    assert.deepEqual(inner.length, ownsUser(outer, u) ? 1 : 0);
  }
});

Deno.test("shareOf splits a count exactly", () => {
  for (const total of [0, 1, 7, 100, 1001]) {
    let sum = 0;
    for (let i = 0; i < 3; i++) sum += shareOf({ index: i, count: 3 }, total);
    assert.deepEqual(sum, total);
  }
  assert.deepEqual(shareOf({ index: 0, count: 3 }, 7), 3);
  assert.deepEqual(shareOf({ index: 2, count: 3 }, 7), 2);
});
