import assert from "node:assert/strict";
import {
  errorBursts,
  latencyKnee,
  OBSERVATION_THRESHOLDS as T,
  runObservations,
} from "../../lib/metrics/observations.ts";
import { gpuUsage } from "../../lib/metrics/gpu_usage.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import { gpuSamples, syntheticRecords, type SyntheticRun } from "../helpers/synthetic_run.ts";

const BASE: SyntheticRun = {
  runId: "x",
  requests: 20,
  intervalMs: 100,
  ttftMs: 50,
  itlMs: 10,
  outputTokens: 5,
  promptTokens: 100,
};

function observe(over: Partial<SyntheticRun>, loadMode: "open" | "closed" = "open") {
  const records = syntheticRecords({ ...BASE, ...over });
  const summary = summarize(records, { loadMode });
  return runObservations(summary, { bursts: errorBursts(records), gpus: gpuUsage(over.gpu ?? []) });
}

const kinds = (os: { kind: string }[]) => os.map((o) => o.kind);

Deno.test("a clean run has no observation", () => {
  assert.deepEqual(observe({}), []);
});

Deno.test("client lag fires just above the send-lateness threshold, not at it", () => {
  assert.deepEqual(kinds(observe({ lateMs: T.sendLatenessP99Ms })), []);
  assert.deepEqual(kinds(observe({ lateMs: T.sendLatenessP99Ms + 0.5 })), ["client_lag"]);
});

Deno.test("errors are counted; a burst needs enough failures making half of a window", () => {
  // 2 failures in a window of 10: errors, no burst.
  assert.deepEqual(kinds(observe({ failing: [3, 4] })), ["errors"]);
  // Requests 10–19 end in the second 1 s window; 5 of them failing is half of it.
  const os = observe({ failing: [10, 11, 12, 13, 14] });
  assert.deepEqual(kinds(os), ["errors", "error_burst"]);
  const burst = os[1] as { errors: number; requests: number };
  assert.deepEqual([burst.errors, burst.requests], [5, 10]);
});

Deno.test("adjacent burst windows merge into one burst", () => {
  const records = syntheticRecords({ ...BASE, failing: [...Array(20).keys()] });
  const bursts = errorBursts(records);
  assert.equal(bursts.length, 1);
  // Windows start at the first send (100 ms): [0.1 s, 1.1 s) and [1.1 s, 2.1 s), 10 failures each.
  const b = bursts[0] as { errors: number; fromMs: number; toMs: number };
  assert.deepEqual([b.errors, b.fromMs, b.toMs], [20, 100, 2100]);
});

Deno.test("VRAM near capacity fires at 95 % of total and not at 90 %", () => {
  assert.deepEqual(kinds(observe({ gpu: gpuSamples(3, 72000, 80000) })), []);
  assert.deepEqual(kinds(observe({ gpu: gpuSamples(3, 76000, 80000) })), ["vram_near_capacity"]);
});

Deno.test("prompt drift fires at 5 % either way", () => {
  assert.deepEqual(kinds(observe({ actualPromptTokens: 104 })), []);
  assert.deepEqual(kinds(observe({ actualPromptTokens: 105 })), ["prompt_drift"]);
  assert.deepEqual(kinds(observe({ actualPromptTokens: 95 })), ["prompt_drift"]);
});

Deno.test("the latency knee is the first point where latency jumps without more throughput", () => {
  const point = (point: number, load: number, ttftMs: number, intervalMs: number) => ({
    point,
    label: `c=${load}`,
    load,
    summary: summarize(syntheticRecords({ ...BASE, ttftMs, intervalMs }), { loadMode: "closed" }),
  });
  // Given out of order: sorted by load. Latency ×3 at c=8 with equal throughput.
  const knee = latencyKnee([
    point(3, 8, 300, 50),
    point(1, 2, 50, 100),
    point(2, 4, 60, 50),
  ]);
  assert.equal(knee.length, 1);
  assert.equal((knee[0] as { point: number }).point, 3);
  // Latency rising with throughput rising as much is no knee.
  assert.deepEqual(latencyKnee([point(1, 1, 50, 200), point(2, 2, 300, 20)]), []);
});
