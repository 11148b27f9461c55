import assert from "node:assert/strict";
import { blockHashes, PrefixCache } from "../../lib/sim/prefix_cache.ts";
import { KvBlocks, type KvSeq } from "../../lib/sim/kv_blocks.ts";
import {
  type EngineParams,
  resolveEngineParams,
  simulateEngine,
  type StepRecord,
  type VirtualArrival,
} from "../../lib/sim/mod.ts";

/** `n` token ids starting from `first` (distinct within a prompt). */
const ids = (n: number, first = 100) => Array.from({ length: n }, (_, i) => first + i);

Deno.test("block hashes chain: only a shared leading prefix matches", () => {
  const a = blockHashes(ids(50), 16);
  assert.equal(a.length, 3, "a trailing partial block has no hash");
  // Same first 3 blocks (48 tokens), then different tokens.
  const b = blockHashes([...ids(48), 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7], 16);
  assert.deepEqual(b.slice(0, 3), a);
  assert.equal(b.length, 4);
  // The same tokens after a different first token: no block is equal.
  const c = blockHashes([1, ...ids(49).slice(1)], 16);
  for (let i = 0; i < 3; i++) assert.notEqual(c[i], a[i], `block ${i}`);
  // Block 2's tokens alone (a different parent) do not hash as block 2.
  assert.notEqual(blockHashes(ids(16, 132), 16)[0], a[2]);
});

Deno.test("a prompt sharing a 3-block prefix hits 3 blocks; one differing in its first token hits none", () => {
  const cache = new PrefixCache();
  const first = blockHashes([...ids(48), 1, 2, 3], 16);
  for (const h of first) cache.hold(h);
  cache.release(first);
  assert.deepEqual([cache.pinnedBlocks, cache.freeBlocks], [0, 3]);
  const shared = blockHashes([...ids(48), 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], 16);
  assert.deepEqual(cache.lookup(shared, 99), { blocks: 3, unpinned: 3 });
  assert.deepEqual(cache.lookup(shared, 2), { blocks: 2, unpinned: 2 }, "capped");
  const other = blockHashes([5, ...ids(60).slice(1)], 16);
  assert.deepEqual(cache.lookup(other, 99), { blocks: 0, unpinned: 0 });
});

Deno.test("free cached blocks are evicted least recently freed first, a prompt's tail first", () => {
  const cache = new PrefixCache();
  const a = blockHashes(ids(48, 1000), 16);
  const b = blockHashes(ids(48, 2000), 16);
  for (const h of [...a, ...b]) cache.hold(h);
  cache.release(a);
  cache.release(b);
  assert.equal(cache.evictTo(4), 2);
  // A's last two blocks went first; its first block and all of B's remain.
  assert.deepEqual(cache.lookup(a, 9), { blocks: 1, unpinned: 1 });
  assert.deepEqual(cache.lookup(b, 9), { blocks: 3, unpinned: 3 });
  // Held blocks are never evicted.
  cache.hold(b[0]);
  cache.evictTo(0);
  assert.deepEqual([cache.pinnedBlocks, cache.freeBlocks], [1, 0]);
  assert.deepEqual(cache.lookup(b, 9), { blocks: 1, unpinned: 0 });
});

Deno.test("KvBlocks keeps held plus cached blocks within the budget", () => {
  const kv = new KvBlocks({ numGpuBlocks: 6, blockSize: 4, enablePrefixCaching: true });
  const seq = (tokens: number[]): KvSeq => ({
    id: 0,
    promptTokens: tokens.length,
    outputTokens: 1,
    adapter: undefined,
    generated: 0,
    computed: 0,
    blocks: 0,
    hashes: kv.hashesOf(tokens),
    cachedBlocks: 0,
  });
  const run = (s: KvSeq) => {
    const hit = kv.hit(s);
    const blocks = Math.ceil(s.promptTokens / 4);
    kv.allocate({
      seq: s,
      tokens: s.promptTokens - hit.tokens,
      emits: true,
      decode: false,
      newBlocks: blocks,
      cachedTokens: hit.tokens,
    });
    s.computed = s.promptTokens;
    kv.register(s);
    assert.ok(kv.used + kv.cachedFree <= 6, `${kv.used} + ${kv.cachedFree}`);
    kv.release(s);
    return hit.tokens;
  };
  assert.equal(run(seq(ids(17, 10))), 0); // 5 blocks, 4 full ones cached
  assert.equal(kv.cachedFree, 4);
  assert.equal(run(seq(ids(17, 10))), 16, "all 4 full blocks (17th token computed)");
  assert.equal(run(seq(ids(16, 10))), 12, "at least the last token is computed");
  assert.equal(run(seq(ids(17, 500))), 0); // evicts the first prompt's tail
  assert.ok(kv.cachedFree <= 6);
  assert.equal(run(seq(ids(17, 10))), 4, "only the first block survived (tail evicted first)");
  assert.deepEqual(kv.counts(), { queries: 17 * 4 + 16, hits: 16 + 12 + 4 });
  assert.equal(kv.used, 0);
});

// ---- in the engine (virtual time) ----

const promptOf = (n: number, first = 100): VirtualArrival["spec"] => ({
  promptTokens: n,
  outputTokens: 2,
  promptTokenIds: ids(n, first),
});

function ttftsOf(arrivals: VirtualArrival[], params: EngineParams): number[] {
  const run = simulateEngine(arrivals, params);
  return run.requests.map((r) => r.tokenTimes[0] - r.atMs);
}

Deno.test("a repeated long prompt's TTFT drops with prefix caching; without it both pay prefill", () => {
  const base = resolveEngineParams("llama-8b-h100", { overrides: { stepJitter: 0 } });
  const arrivals = [{ atMs: 0, spec: promptOf(4000) }, { atMs: 2000, spec: promptOf(4000) }];
  const [onFirst, onSecond] = ttftsOf(arrivals, { ...base, enablePrefixCaching: true });
  const [offFirst, offSecond] = ttftsOf(arrivals, { ...base, enablePrefixCaching: false });
  assert.equal(onFirst, offFirst, "the first request finds an empty cache");
  assert.equal(offSecond, offFirst);
  // 3984 of 4000 tokens hit (249 blocks): ~0.06 ms × 3984 ≈ 239 ms less prefill.
  assert.ok(offSecond - onSecond > 200, `on ${onSecond} ms, off ${offSecond} ms`);
});

Deno.test("engine: the cache's hits are counted, skip prefill, and survive only within the KV budget", () => {
  const params: EngineParams = {
    ...resolveEngineParams("tiny", { overrides: { maxModelLen: 32, stepJitter: 0 } }),
    blockSize: 4,
    numGpuBlocks: 8,
  };
  const run = simulateEngine([
    { atMs: 0, spec: promptOf(13, 1000) }, // A: 4 blocks, 3 full
    { atMs: 100, spec: promptOf(13, 2000) }, // B
    { atMs: 200, spec: promptOf(13, 3000) }, // C: evicts A's last 2 cached blocks
    { atMs: 300, spec: promptOf(13, 1000) }, // A again: 1 block left (and evicts B's tail)
    { atMs: 400, spec: promptOf(13, 3000) }, // C again: all 3 full blocks
  ], params);
  for (const r of run.requests) assert.equal(r.tokenTimes.length, 2);
  // Prefill tokens of each request's first step.
  const firstPrefill = run.requests.map((r) => prefillOf(run.steps, r.id));
  assert.deepEqual(firstPrefill, [13, 13, 13, 9, 1]);
  assert.deepEqual(run.metrics.prefixCache, { queries: 13 * 5, hits: 4 + 12 });
  for (const s of run.steps) assert.ok(s.kvBlocksUsed <= 8);
  const off = simulateEngine(
    [{ atMs: 0, spec: promptOf(13) }, { atMs: 100, spec: promptOf(13) }],
    { ...params, enablePrefixCaching: false },
  );
  assert.equal(off.metrics.prefixCache, undefined, "no counters when caching is off");
  assert.deepEqual(off.steps.flatMap((s) => s.prefills.map((p) => p.tokens)), [13, 13]);
});

/** Prompt tokens prefilled for sequence `id` in its first prefill step. */
function prefillOf(steps: StepRecord[], id: number): number {
  for (const s of steps) {
    const p = s.prefills.find((p) => p.id === id);
    if (p) return p.tokens;
  }
  return 0;
}

Deno.test("a preempted sequence's shared blocks are not counted as freed", () => {
  // Many copies of one prompt at once: they share its cached blocks; the budget is never exceeded.
  const params: EngineParams = {
    ...resolveEngineParams("tiny", { overrides: { maxModelLen: 64, stepJitter: 0 } }),
    blockSize: 4,
    numGpuBlocks: 24,
  };
  const arrivals = Array.from({ length: 12 }, (_, i) => ({
    atMs: i < 1 ? 0 : 50 + i,
    spec: { ...promptOf(33), outputTokens: 20 },
  }));
  const run = simulateEngine(arrivals, params);
  for (const r of run.requests) assert.equal(r.tokenTimes.length, 20);
  assert.ok(run.metrics.numPreemptions > 0, "the budget is tight enough to preempt");
  for (const s of run.steps) assert.ok(s.kvBlocksUsed <= 24, `step ${s.index}: ${s.kvBlocksUsed}`);
  assert.ok(run.metrics.prefixCache!.hits >= 11 * 32, JSON.stringify(run.metrics.prefixCache));
});
