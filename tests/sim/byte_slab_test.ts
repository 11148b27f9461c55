import assert from "node:assert/strict";
import { allocBytes } from "../../lib/sim/byte_slab.ts";

Deno.test("slab views never overlap, across slab boundaries and for large sizes", () => {
  // ~3 slabs' worth of small views plus some large ones, each filled with its own byte.
  const views: Uint8Array[] = [];
  for (let i = 0; i < 4000; i++) {
    const v = allocBytes(i % 50 === 0 ? 10_000 : 1 + (i * 37) % 300);
    v.fill(i % 251);
    views.push(v);
  }
  for (const [i, v] of views.entries()) {
    assert.ok(v.every((b) => b === i % 251), `view ${i} was overwritten`);
  }
  assert.equal(allocBytes(0).length, 0);
});
