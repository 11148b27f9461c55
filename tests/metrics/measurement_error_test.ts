import assert from "node:assert/strict";
import {
  measurementError,
  trustProblems,
  trustworthyUpTo,
  type TruthLine,
} from "../../lib/metrics/measurement_error.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";

const ORIGIN = 1_800_000_000_000;

function record(id: string, o: Partial<RequestRecord> = {}): RequestRecord {
  return {
    index: 0,
    phase: "measure",
    requestId: id,
    scheduledAt: 100,
    sentAt: 101,
    endAt: 200,
    tokenTimes: [160, 171, 180],
    tokenCounts: [1, 1, 1],
    outputTokens: 3,
    outputTokensSource: "usage",
    ...o,
  };
}

/** The server's side: received 2 ms after our send, tokens at +50, +60, +70 from then. */
function truth(id: string, o: Partial<TruthLine> = {}): TruthLine {
  const rx = ORIGIN + 103;
  return { requestId: id, receivedAt: rx, tokenTimes: [rx + 50, rx + 60, rx + 70], ...o };
}

Deno.test("measurement error: TTFT, ITL, lateness, transit and delivery are measured − true per matched request", () => {
  const e = measurementError([record("a")], [truth("a")], { originEpochMs: ORIGIN });
  assert.equal(e.matched, 1);
  // measured TTFT 160 − 101 = 59; true 50 → +9.
  assert.equal(e.ttft.p50, 9);
  // measured gaps 11, 9; true 10, 10 → +1, −1.
  assert.equal(e.itl.count, 2);
  assert.equal(e.itl.max, 1);
  assert.equal(e.itl.p50, 0);
  assert.equal(e.sendLateness.p50, 1);
  assert.equal(e.transit.p50, 2);
  // stamps 160, 171, 180 vs writes at 153, 163, 173 (origin-relative) → 7, 8, 7.
  assert.deepEqual([e.delivery.count, e.delivery.p50, e.delivery.max], [3, 7, 8]);
});

Deno.test("measurement error counts warm-up, failed, unmatched and differently long requests apart and compares none of them", () => {
  const e = measurementError(
    [
      record("ok"),
      record("failed", { error: { kind: "stream", message: "cut" } }),
      record("dropped", { dropped: true }),
      record("no-truth"),
      record("short", { tokenTimes: [160, 171] }),
      record("warm", { phase: "warmup" }),
    ],
    [truth("ok"), truth("failed"), truth("short"), truth("warm")],
    { originEpochMs: ORIGIN },
  );
  assert.deepEqual([e.requests, e.warmup, e.matched, e.failed, e.unmatched], [6, 1, 1, 2, 2]);
  assert.equal(e.ttft.count, 1);
  assert.equal(e.itl.count, 2);
});

Deno.test("trustProblems names every limit a level exceeds, and no evidence is a problem", () => {
  const good = measurementError([record("a")], [
    truth("a", { tokenTimes: [ORIGIN + 159, ORIGIN + 170, ORIGIN + 179] }),
  ], {
    originEpochMs: ORIGIN,
  });
  assert.deepEqual(trustProblems(good), []);
  const bad = measurementError([record("a")], [truth("a")], { originEpochMs: ORIGIN });
  // One request: its TTFT p99 is not judged (it would be its max).
  assert.deepEqual(trustProblems(bad, { ttftP50Ms: 5, ttftP99Ms: 8, itlP99Ms: 0.5 }), [
    "TTFT error p50 +9.00 ms (limit ±5)",
    "ITL error p99 +0.98 ms (limit ±0.5)",
  ]);
  const ids = Array.from({ length: 50 }, (_, i) => `r${i}`);
  const many = measurementError(ids.map((id) => record(id)), ids.map((id) => truth(id)), {
    originEpochMs: ORIGIN,
  });
  assert.deepEqual(trustProblems(many, { ttftP50Ms: 10, ttftP99Ms: 8, itlP99Ms: 1 }), [
    "TTFT error p99 +9.00 ms (limit ±8)",
  ]);
  const none = measurementError([], [], { originEpochMs: ORIGIN });
  assert.deepEqual(trustProblems(none), ["no request could be compared with the truth log"]);
});

Deno.test("trustworthyUpTo stops at the first untrustworthy level, whatever comes after", () => {
  const l = (concurrency: number, ok: boolean) => ({ concurrency, problems: ok ? [] : ["x"] });
  assert.equal(trustworthyUpTo([l(1000, true), l(1, true), l(100, true)]), 1000);
  assert.equal(trustworthyUpTo([l(1, true), l(100, false), l(1000, true)]), 1);
  assert.equal(trustworthyUpTo([l(1, false), l(100, true)]), null);
  assert.equal(trustworthyUpTo([]), null);
});
