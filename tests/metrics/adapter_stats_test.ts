import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { adapterKey, BASE_MODEL_KEY, findColdStarts } from "../../lib/metrics/cold_starts.ts";
import { adapterRequestCounts, adapterStats } from "../../lib/metrics/adapter_stats.ts";
import { summarize } from "../../lib/metrics/summary.ts";

let next = 0;
/** An ok request to `model` sent at `sentAt` with the given TTFT, 5 tokens 10 ms apart. */
function ok(
  model: string | undefined,
  sentAt: number,
  ttft: number,
  over: Partial<RequestRecord> = {},
): RequestRecord {
  const i = next++;
  const tokenTimes = [0, 1, 2, 3, 4].map((k) => sentAt + ttft + k * 10);
  return {
    index: i,
    phase: "measure",
    requestId: `r${i}`,
    scheduledAt: sentAt,
    sentAt,
    endAt: tokenTimes[4] + 2,
    tokenTimes,
    tokenCounts: [1, 1, 1, 1, 1],
    outputTokens: 5,
    outputTokensSource: "usage",
    status: 200,
    model,
    ...over,
  };
}
function failed(model: string | undefined, sentAt: number, over: Partial<RequestRecord> = {}) {
  return ok(model, sentAt, 0, {
    tokenTimes: [],
    tokenCounts: [],
    outputTokens: 0,
    endAt: sentAt + 5,
    status: 500,
    error: { kind: "http", message: "boom", status: 500 },
    ...over,
  });
}

Deno.test("the cold request is each adapter's earliest send, warm-up included, dropped excluded", () => {
  const warm = ok("a", 5, 300, { phase: "warmup" });
  const a1 = ok("a", 10, 20);
  const b0 = ok("b", 30, 250);
  const bTie = ok("b", 30, 40); // same sentAt, higher index: not cold
  const cDropped = ok("c", 1, 0, { dropped: true });
  const cFail = failed("c", 2);
  const c2 = ok("c", 3, 30);
  const base = ok(undefined, 0, 10);
  const named = ok("llama", 0, 10);
  // Shuffled input: the choice depends on sentAt and index, not on record order.
  const records = [c2, bTie, a1, named, cFail, b0, base, warm, cDropped];
  const cold = findColdStarts(records, { baseModel: "llama" });
  assert.deepEqual([...cold.keys()].sort(), ["a", "b", "c"]);
  assert.equal(cold.get("a"), warm);
  assert.equal(cold.get("b"), b0);
  assert.equal(cold.get("c"), cFail);
  assert.equal(adapterKey(base), BASE_MODEL_KEY);
  assert.equal(adapterKey(base, { baseModel: "llama" }), "llama");
});

Deno.test("per-adapter counts, TTFT/E2E percentiles and rates, base model row first", () => {
  const records = [
    ok("sql", 0, 100), // cold
    ok("sql", 100, 10),
    ok("sql", 200, 20),
    ok("sql", 300, 30),
    failed("sql", 400),
    ok("sql", 500, 0, { dropped: true, tokenTimes: [], tokenCounts: [], outputTokens: 0 }),
    ok("chat", 50, 40, { phase: "warmup" }), // cold, in warm-up
    ok("chat", 150, 15),
    ok("chat", 250, 25),
    ok(undefined, 350, 5),
  ];
  const stats = adapterStats(records);
  assert.deepEqual(stats.map((s) => [s.adapter, s.base]), [
    [BASE_MODEL_KEY, true],
    ["chat", false],
    ["sql", false],
  ]);
  const [base, chat, sql] = stats;
  assert.deepEqual(sql.requests, {
    total: 6,
    ok: 4,
    failed: 1,
    cancelled: 0,
    dropped: 1,
    warmup: 0,
  });
  assert.deepEqual(chat.requests, {
    total: 2,
    ok: 2,
    failed: 0,
    cancelled: 0,
    dropped: 0,
    warmup: 1,
  });
  assert.deepEqual(base.requests, {
    total: 1,
    ok: 1,
    failed: 0,
    cancelled: 0,
    dropped: 0,
    warmup: 0,
  });

  // sql TTFTs sorted 10, 20, 30, 100 (cold included): numpy positions 1.5, 2.85, 2.97.
  assert.equal(sql.ttft_ms.count, 4);
  assert.equal(sql.ttft_ms.p50, 25);
  assert.ok(Math.abs(sql.ttft_ms.p95! - 89.5) < 1e-9); // sorted 10,20,30,100: pos 2.85
  assert.ok(Math.abs(sql.ttft_ms.p99! - 97.9) < 1e-9); // pos 2.97
  assert.equal(sql.e2e_ms.p50, 25 + 42); // E2E = TTFT + 40 + 2
  assert.equal(sql.output_tokens, 20);
  assert.deepEqual(sql.cold, {
    request_index: records[0].index,
    phase: "measure",
    sent_at_ms: 0,
    ok: true,
    ttft_ms: 100,
  });
  assert.deepEqual([sql.warm_ttft_ms.count, sql.warm_ttft_ms.p50], [3, 20]);
  assert.equal(sql.cold_penalty_ms, 80);

  // chat's cold start was in warm-up: reported, and every measured request is warm.
  assert.equal(chat.cold?.phase, "warmup");
  assert.equal(chat.cold?.ttft_ms, 40);
  assert.equal(chat.warm_ttft_ms.count, 2);
  assert.equal(chat.cold_penalty_ms, 40 - 20);
  assert.equal(base.cold, null);
  assert.equal(base.cold_penalty_ms, null);

  // Rates share the run's window, so per-adapter rates add up to the summary's.
  const summary = summarize(records, { loadMode: "closed" });
  const sum = (f: (s: typeof sql) => number | null) => stats.reduce((a, s) => a + f(s)!, 0);
  assert.ok(Math.abs(sum((s) => s.requests_per_s) - summary.throughput.requests_per_s!) < 1e-9);
  assert.ok(
    Math.abs(sum((s) => s.output_tokens_per_s) - summary.throughput.output_tokens_per_s!) < 1e-9,
  );
  assert.equal(sum((s) => s.requests.total), summary.requests.total);
  assert.deepEqual(adapterRequestCounts(stats), { [BASE_MODEL_KEY]: 1, chat: 2, sql: 6 });
});

Deno.test("a cold request that failed has no cold TTFT and no penalty", () => {
  const stats = adapterStats([failed("a", 0), ok("a", 10, 20), ok("a", 20, 30)]);
  assert.deepEqual(stats[0].cold, {
    request_index: stats[0].cold!.request_index,
    phase: "measure",
    sent_at_ms: 0,
    ok: false,
    ttft_ms: null,
  });
  assert.equal(stats[0].warm_ttft_ms.count, 2);
  assert.equal(stats[0].cold_penalty_ms, null);
});

Deno.test("no records, no rows; only warm-up records, no rates", () => {
  assert.deepEqual(adapterStats([]), []);
  const [s] = adapterStats([ok("a", 0, 10, { phase: "warmup" })]);
  assert.equal(s.requests.total, 0);
  assert.equal(s.requests_per_s, null);
  assert.equal(s.ttft_ms.count, 0);
  assert.equal(s.cold?.phase, "warmup");
  assert.equal(s.cold_penalty_ms, null);
});
