import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { describe, STAT_KEYS } from "../../lib/metrics/stats.ts";
import { LATENCY_METRICS, summarize } from "../../lib/metrics/summary.ts";
import { gateMetricValue } from "../../lib/metrics/gates.ts";

let nextIndex = 0;
function rec(over: Partial<RequestRecord>): RequestRecord {
  const i = nextIndex++;
  return {
    index: i,
    phase: "measure",
    requestId: `r${i}`,
    scheduledAt: 0,
    sentAt: 0,
    endAt: 0,
    tokenTimes: [],
    tokenCounts: [],
    outputTokens: 0,
    outputTokensSource: "usage",
    status: 200,
    ...over,
  };
}

function failed(
  kind: "http" | "timeout",
  message: string,
  status: number,
  at: number,
): RequestRecord {
  return rec({
    scheduledAt: at,
    sentAt: at,
    endAt: at + 10,
    status,
    error: kind === "http" ? { kind, message, status } : { kind, message },
  });
}

/** A small run whose every statistic is worked out by hand in the tests below. */
function mixedRun(): RequestRecord[] {
  return [
    // Warm-up: absurd values and earlier times that must leave no trace outside `warmup`.
    rec({
      phase: "warmup",
      sentAt: 0,
      tokenTimes: [9000],
      tokenCounts: [1],
      outputTokens: 1,
      endAt: 9500,
      error: undefined,
    }),
    rec({ phase: "warmup", sentAt: 10, endAt: 20, error: { kind: "connect", message: "refused" } }),
    // A: ok, 1 ms late, 3 single-token events.
    rec({
      scheduledAt: 1000,
      sentAt: 1001,
      tokenTimes: [1051, 1061, 1071],
      tokenCounts: [1, 1, 1],
      outputTokens: 3,
      promptTokens: 100,
      requestedPromptTokens: 100,
      endAt: 1081,
    }),
    // B: ok, on time, second event carries 2 tokens.
    rec({
      scheduledAt: 1100,
      sentAt: 1100,
      tokenTimes: [1130, 1150],
      tokenCounts: [1, 2],
      outputTokens: 3,
      promptTokens: 110,
      requestedPromptTokens: 100,
      endAt: 1160,
    }),
    // C: ok, 5 ms late, one counted token, no usage for the prompt.
    rec({
      scheduledAt: 1200,
      sentAt: 1205,
      tokenTimes: [1225],
      tokenCounts: [1],
      outputTokens: 1,
      outputTokensSource: "counted",
      requestedPromptTokens: 100,
      endAt: 1230,
    }),
    failed("http", "Too many requests", 429, 1300),
    failed("http", "Too many requests", 429, 1310),
    failed("http", "m1", 500, 1320),
    failed("http", "m2", 500, 1330),
    failed("http", "m3", 500, 1340),
    failed("http", "m4", 500, 1350),
    // J: times out after headers (status 200), 2 ms late, ends last: closes the window.
    rec({
      scheduledAt: 1398,
      sentAt: 1400,
      endAt: 3000,
      error: { kind: "timeout", message: "no token within 30 s" },
    }),
    // K: dropped (never sent); its error must not be counted among errors.
    rec({
      scheduledAt: 2000,
      sentAt: 2000,
      endAt: 2000,
      dropped: true,
      status: undefined,
      error: { kind: "cancelled", message: "in-flight cap full" },
    }),
  ];
}

Deno.test("summary counts requests: warm-up apart, failed and dropped inside the total", () => {
  const s = summarize(mixedRun(), { loadMode: "open" });
  assert.equal(s.load_mode, "open");
  assert.deepEqual(s.requests, {
    total: 11,
    ok: 3,
    failed: 7,
    cancelled: 0,
    dropped: 1,
    warmup: 2,
  });
});

Deno.test("latency statistics use ok measured records only", () => {
  const s = summarize(mixedRun(), { loadMode: "open" });
  assert.deepEqual(s.ttft_ms, describe([50, 30, 20]));
  assert.deepEqual(s.prefill_ms, s.ttft_ms);
  assert.deepEqual(s.ttft_from_scheduled_ms, describe([51, 30, 25]));
  assert.deepEqual(s.e2e_ms, describe([80, 60, 25]));
  assert.deepEqual(s.e2e_from_scheduled_ms, describe([81, 60, 30]));
  assert.deepEqual(s.decode_ms, describe([30, 30, 5]));
  // C has one token: no TPOT. A: (80-50)/2, B: (60-30)/2.
  assert.deepEqual(s.tpot_ms, describe([15, 15]));
  // A: 10, 10; B: one 20 ms gap carrying 2 tokens = 10, 10.
  assert.deepEqual(s.itl_ms, describe([10, 10, 10, 10]));
});

Deno.test("send lateness covers every sent measured request, ok or failed, never dropped", () => {
  const s = summarize(mixedRun(), { loadMode: "open" });
  // A 1, B 0, C 5, six http failures 0, J 2; K (dropped) and warm-up excluded.
  assert.deepEqual(s.send_lateness_ms, describe([1, 0, 5, 0, 0, 0, 0, 0, 0, 2]));
});

Deno.test("errors are counted by kind with up to 3 distinct examples, http ones with status", () => {
  const s = summarize(mixedRun(), { loadMode: "open" });
  assert.deepEqual(s.errors, {
    http: { count: 6, examples: ["429: Too many requests", "500: m1", "500: m2"] },
    timeout: { count: 1, examples: ["no token within 30 s"] },
  });
  assert.deepEqual(Object.keys(s.errors), ["timeout", "http"]); // ERROR_KINDS order
  assert.deepEqual(s.http_status, { "200": 4, "429": 2, "500": 4 });
  assert.deepEqual(Object.keys(s.http_status), ["200", "429", "500"]);
});

Deno.test("throughput runs over the measured window, earliest schedule to latest end", () => {
  const s = summarize(mixedRun(), { loadMode: "open" });
  // Window 1000 ms .. 3000 ms = 2 s; 3 ok requests, 7 output tokens, 310 prompt tokens
  // (100 + 110 from usage, 100 requested for C, which had no usage).
  assert.deepEqual(s.throughput, {
    window_s: 2,
    requests_per_s: 1.5,
    output_tokens_per_s: 3.5,
    total_tokens_per_s: 158.5,
  });
});

Deno.test("token totals, output sources and prompt drift come from ok requests", () => {
  const s = summarize(mixedRun(), { loadMode: "open" });
  assert.deepEqual(s.tokens, {
    output_total: 7,
    prompt_total: 310,
    output_source: { usage: 2, tokenizer: 0, estimate: 0, counted: 1 },
    prompt_requested_mean: 100,
    prompt_actual_mean: 105,
    // Over A and B, the two with both numbers: (210 - 200) / 200.
    prompt_drift_pct: 5,
  });
});

Deno.test("prompt drift and means are null when unknown", () => {
  const s = summarize([
    rec({ sentAt: 0, tokenTimes: [5], tokenCounts: [1], outputTokens: 1, endAt: 10 }),
  ], { loadMode: "closed" });
  assert.equal(s.tokens.prompt_requested_mean, null);
  assert.equal(s.tokens.prompt_actual_mean, null);
  assert.equal(s.tokens.prompt_drift_pct, null);
  assert.equal(s.tokens.prompt_total, 0);
  assert.equal(s.load_mode, "closed");
});

Deno.test("an empty or warm-up-only run has zero counts, null stats and no throughput", () => {
  for (const records of [[], [rec({ phase: "warmup", endAt: 50 })]]) {
    const s = summarize(records, { loadMode: "open" });
    assert.equal(s.requests.total, 0);
    for (const m of LATENCY_METRICS) assert.equal(s[m].count, 0);
    assert.equal(s.ttft_ms.p99, null);
    assert.deepEqual(s.throughput, {
      window_s: null,
      requests_per_s: null,
      output_tokens_per_s: null,
      total_tokens_per_s: null,
    });
    assert.deepEqual(s.errors, {});
  }
});

Deno.test("a run with only failures has throughput 0 req/s over a real window", () => {
  const s = summarize([failed("http", "boom", 500, 0), failed("http", "boom", 500, 990)], {
    loadMode: "open",
  });
  assert.equal(s.throughput.window_s, 1);
  assert.equal(s.throughput.requests_per_s, 0);
  assert.deepEqual(s.errors.http, { count: 2, examples: ["500: boom"] });
});

Deno.test("summary keys are exactly the summary.json contract and survive JSON", () => {
  const s = summarize(mixedRun(), { loadMode: "open" });
  assert.deepEqual(
    Object.keys(s).sort(),
    [
      "load_mode",
      "requests",
      "throughput",
      "tokens",
      ...LATENCY_METRICS,
      "errors",
      "http_status",
      "precision",
      "connect_ms",
      "output_tokens_source",
    ].sort(),
  );
  for (const m of LATENCY_METRICS) assert.deepEqual(Object.keys(s[m]), [...STAT_KEYS], m);
  assert.deepEqual(Object.keys(s.requests), [
    "total",
    "ok",
    "failed",
    "cancelled",
    "dropped",
    "warmup",
  ]);
  assert.deepEqual(Object.keys(s.throughput), [
    "window_s",
    "requests_per_s",
    "output_tokens_per_s",
    "total_tokens_per_s",
  ]);
  assert.deepEqual(Object.keys(s.tokens), [
    "output_total",
    "prompt_total",
    "output_source",
    "prompt_requested_mean",
    "prompt_actual_mean",
    "prompt_drift_pct",
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

Deno.test("long error messages are cut in examples", () => {
  const s = summarize([failed("http", "x".repeat(5000), 502, 0)], { loadMode: "open" });
  const ex = s.errors.http!.examples[0];
  assert.ok(ex.startsWith("502: xxx"));
  assert.ok(ex.length <= 300, `example is ${ex.length} chars`);
});

Deno.test("summarising 20k records of 100 tokens counts all 2M ITL values", () => {
  const records: RequestRecord[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t0 = i * 5;
    const times = Array.from({ length: 100 }, (_, j) => t0 + 40 + j * 10 + (i % 7));
    records.push(rec({
      scheduledAt: t0,
      sentAt: t0 + 0.5,
      tokenTimes: times,
      tokenCounts: times.map(() => 1),
      outputTokens: 100,
      endAt: times[99] + 1,
    }));
  }
  const s = summarize(records, { loadMode: "open" });
  assert.equal(s.itl_ms.count, 20_000 * 99);
  assert.equal(s.itl_ms.p50, 10);
  assert.equal(s.requests.ok, 20_000);
});

Deno.test("connect_ms counts only sent measured requests that opened their own connection", () => {
  const base = mixedRun();
  const records = base.map((r, i) => (i % 2 === 0 && !r.dropped ? { ...r, connectMs: 10 + i } : r));
  const s = summarize(records, { loadMode: "open" });
  const expected = records
    .filter((r) => r.phase === "measure" && !r.dropped && r.connectMs !== undefined)
    .map((r) => r.connectMs!);
  assert.equal(s.connect_ms.count, expected.length);
  assert.ok(expected.length > 0);
  assert.equal(s.connect_ms.max, Math.max(...expected));
  assert.equal(summarize(base, { loadMode: "open" }).connect_ms.count, 0);
});

Deno.test("requests llmload cancelled itself are counted apart: not failed, not in the error rate or latencies, still listed in errors", () => {
  const okOne = rec({ sentAt: 0, endAt: 100, tokenTimes: [40], tokenCounts: [1], outputTokens: 1 });
  const ours = rec({
    sentAt: 10,
    endAt: 5000,
    tokenTimes: [60],
    tokenCounts: [1],
    outputTokens: 1,
    error: { kind: "cancelled", message: "cancelled: run stopping", status: 200 },
  });
  // A server that hangs until our timeout is a failure, cancellation or not.
  const serverFault = failed("timeout", "no token within 30 s", 200, 20);
  const s = summarize([okOne, ours, serverFault], { loadMode: "closed" });
  assert.deepEqual(s.requests, { total: 3, ok: 1, failed: 1, cancelled: 1, dropped: 0, warmup: 0 });
  assert.equal(s.errors.cancelled?.count, 1);
  assert.equal(s.errors.timeout?.count, 1);
  assert.equal(s.e2e_ms.count, 1);
  assert.equal(s.e2e_ms.max, 100);
  assert.equal(s.ttft_ms.count, 1);
  assert.equal(gateMetricValue(s, "error_rate_pct", null), 50);
  const onlyOurs = summarize([okOne, ours], { loadMode: "closed" });
  assert.equal(onlyOurs.requests.failed, 0);
  assert.equal(gateMetricValue(onlyOurs, "error_rate_pct", null), 0);
});
