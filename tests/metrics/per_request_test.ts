import assert from "node:assert/strict";
import {
  forEachItl,
  forEachItlGap,
  itlCount,
  requestMetrics,
} from "../../lib/metrics/per_request.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";

function rec(over: Partial<RequestRecord>): RequestRecord {
  return {
    index: 0,
    phase: "measure",
    requestId: "r0",
    scheduledAt: 100,
    sentAt: 102,
    endAt: 200,
    tokenTimes: [],
    tokenCounts: [],
    outputTokens: 0,
    outputTokensSource: "usage",
    ...over,
  };
}

Deno.test("per-request metrics follow the definitions from sentAt and from scheduledAt", () => {
  // Sent 2 ms late, first token 50 ms after sending, 5 tokens, done 100 ms after sending.
  const r = rec({
    scheduledAt: 100,
    sentAt: 102,
    tokenTimes: [152, 162, 172, 182, 192],
    tokenCounts: [1, 1, 1, 1, 1],
    outputTokens: 5,
    endAt: 202,
  });
  assert.deepEqual(requestMetrics(r), {
    ttftMs: 50,
    ttftFromScheduledMs: 52,
    e2eMs: 100,
    e2eFromScheduledMs: 102,
    prefillMs: 50,
    decodeMs: 50,
    tpotMs: 12.5, // (100 - 50) / (5 - 1)
    sendLatenessMs: 2,
    itlCount: 4,
  });
});

Deno.test("TPOT is undefined, never 0, for a single output token", () => {
  const r = rec({ tokenTimes: [150], tokenCounts: [1], outputTokens: 1, endAt: 151 });
  const m = requestMetrics(r);
  assert.equal(m.tpotMs, undefined);
  assert.ok(!("tpotMs" in m));
  assert.equal(m.ttftMs, 48);
  assert.equal(m.itlCount, 0);
});

Deno.test("a request with no token events has no TTFT, decode or TPOT but has E2E", () => {
  const m = requestMetrics(rec({ outputTokens: 0, endAt: 130 }));
  assert.equal(m.ttftMs, undefined);
  assert.equal(m.ttftFromScheduledMs, undefined);
  assert.equal(m.decodeMs, undefined);
  assert.equal(m.tpotMs, undefined);
  assert.equal(m.e2eMs, 28);
  assert.equal(m.sendLatenessMs, 2);
});

Deno.test("TPOT uses the usage token count even when events carried several tokens", () => {
  // 2 events, but usage says 9 tokens: TPOT spreads decode over 8 gaps, not 1.
  const r = rec({
    sentAt: 0,
    scheduledAt: 0,
    tokenTimes: [20, 60],
    tokenCounts: [1, 8],
    outputTokens: 9,
    endAt: 100,
  });
  assert.equal(requestMetrics(r).tpotMs, (100 - 20) / 8);
});

Deno.test("an event carrying k tokens contributes its gap divided by k, k times", () => {
  const r = rec({
    tokenTimes: [10, 14, 26, 27],
    tokenCounts: [2, 1, 3, 1],
    outputTokens: 7,
  });
  const seen: number[] = [];
  forEachItl(r, (v) => seen.push(v));
  // First event (k=2) has no predecessor gap; then 4/1, 12/3 x3, 1/1.
  assert.deepEqual(seen, [4, 4, 4, 4, 1]);
  assert.equal(itlCount(r), 5);
  assert.equal(requestMetrics(r).itlCount, 5);

  const gaps: [number, number][] = [];
  forEachItlGap(r, (gap, k) => gaps.push([gap, k]));
  assert.deepEqual(gaps, [[4, 1], [4, 3], [1, 1]]);
});

Deno.test("a missing or zero token count is treated as one token, never a division by zero", () => {
  const r = rec({ tokenTimes: [10, 20, 35], tokenCounts: [1, 0], outputTokens: 3 });
  const seen: number[] = [];
  forEachItl(r, (v) => seen.push(v));
  assert.deepEqual(seen, [10, 15]);
});

Deno.test("a failed request still gets its time to failure and send lateness", () => {
  const r = rec({
    error: { kind: "timeout", message: "no token within 30 s" },
    endAt: 30_102,
  });
  const m = requestMetrics(r);
  assert.equal(m.e2eMs, 30_000);
  assert.equal(m.sendLatenessMs, 2);
});
