import assert from "node:assert/strict";
import { parseTrace } from "../../lib/load/trace_replay.ts";
import { lengthStats, traceStats } from "../../lib/load/trace_stats.ts";

const line = (o: Record<string, unknown>) => JSON.stringify(o);

Deno.test("ideal hit rate: a block hits only when an earlier request had the same ids up to it", () => {
  const trace = parseTrace([
    line({ timestamp: 0, input_length: 10, output_length: 1, hash_ids: [1, 2, 3] }),
    // [1, 2] hit; 4 misses; the last block holds 2 tokens (10 - 2·4).
    line({ timestamp: 5, input_length: 10, output_length: 2, hash_ids: [1, 2, 4] }),
    // Id 2 again but after a different first block: a different prefix, a miss.
    line({ timestamp: 9, input_length: 6, output_length: 3, hash_ids: [5, 2] }),
    line({ timestamp: 10, input_length: 4, output_length: 4 }),
  ].join("\n"));
  const s = traceStats(trace, 4);
  assert.equal(s.requests, 4);
  assert.equal(s.durationMs, 10);
  assert.equal(s.requestsWithBlocks, 3);
  assert.equal(s.blocks, 8);
  assert.equal(s.blockHits, 2);
  assert.equal(s.uniqueBlocks, 6);
  assert.equal(s.uniqueHashIds, 5);
  assert.equal(s.idealBlockHitRate, 2 / 8);
  assert.equal(s.idealTokenHitRate, 8 / 30);
  assert.deepEqual(s.outputTokens, { min: 1, p50: 2, p90: 4, p99: 4, max: 4, mean: 2.5 });
});

Deno.test("the 1,000-line Mooncake fixture: every line has blocks covering its length", async () => {
  const url = new URL("../../fixtures/traces/mooncake_1000.jsonl", import.meta.url);
  const trace = parseTrace(await Deno.readTextFile(url));
  const s = traceStats(trace, 512);
  assert.equal(s.requests, 1000);
  assert.equal(s.requestsWithBlocks, 1000);
  for (const a of trace.arrivals) {
    assert.equal(a.hashIds!.length, Math.ceil(a.inputTokens! / 512));
  }
  assert.ok(s.idealBlockHitRate > 0.3 && s.idealBlockHitRate < 0.9, String(s.idealBlockHitRate));
});

Deno.test("lengthStats: nearest rank, undefined values left out, none at all is undefined", () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(lengthStats(xs), { min: 1, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
  assert.equal(lengthStats([undefined]), undefined);
});
