import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { summarize, type Summary } from "../../lib/metrics/summary.ts";
import { adapterStats } from "../../lib/metrics/adapter_stats.ts";
import {
  compareLoraRuns,
  COMPARISON_ROWS,
  improvementPct,
  successRatePct,
} from "../../lib/metrics/lora_comparison.ts";

Deno.test("improvement is (b − x)/b for lower-is-better and (x − b)/b for higher-is-better", () => {
  const table: [number | null, number | null, "lower" | "higher", number | null][] = [
    [1.234, 1.156, "lower", (1.234 - 1.156) / 1.234 * 100],
    [1000, 1100, "lower", -10],
    [8.1, 8.65, "higher", (8.65 - 8.1) / 8.1 * 100],
    [100, 50, "higher", -50],
    [5, 5, "lower", 0],
    [0, 5, "higher", null], // no ratio to a zero baseline
    [null, 5, "lower", null],
    [5, null, "lower", null],
    [NaN, 5, "lower", null],
  ];
  for (const [b, x, better, want] of table) {
    const got = improvementPct(b, x, better);
    if (want === null) assert.equal(got, null, `${b} → ${x}`);
    else assert.ok(Math.abs(got! - want) < 1e-9, `${b} → ${x} (${better}): ${got} vs ${want}`);
  }
  assert.ok(Object.is(improvementPct(5, 5, "higher"), 0), "never -0");
});

let next = 0;
/**
 * A synthetic run: request i is sent at i × 1000 ms, with TTFT `ttft[i]` ms and 11 output tokens
 * at `tpot` ms apart, so E2E = TTFT + 10 × tpot. `fail` requests fail after 5 ms.
 */
function run(ttfts: number[], tpot: number, fail = 0, models: (string | undefined)[] = []) {
  const records: RequestRecord[] = ttfts.map((ttft, i) => {
    const sentAt = i * 1000;
    const tokenTimes = Array.from({ length: 11 }, (_, k) => sentAt + ttft + k * tpot);
    return {
      index: next++,
      phase: "measure",
      requestId: `r${i}`,
      scheduledAt: sentAt,
      sentAt,
      endAt: tokenTimes[10],
      tokenTimes,
      tokenCounts: tokenTimes.map(() => 1),
      outputTokens: 11,
      outputTokensSource: "usage",
      status: 200,
      model: models[i % Math.max(1, models.length)],
    };
  });
  for (let f = 0; f < fail; f++) {
    const sentAt = ttfts.length * 1000 + f;
    records.push({
      index: next++,
      phase: "measure",
      requestId: `f${f}`,
      scheduledAt: sentAt,
      sentAt,
      endAt: sentAt + 5,
      tokenTimes: [],
      tokenCounts: [],
      outputTokens: 0,
      outputTokensSource: "counted",
      status: 503,
      model: models[0],
      error: { kind: "http", message: "busy", status: 503 },
    });
  }
  return records;
}

const value = (c: ReturnType<typeof compareLoraRuns>, key: string) =>
  c.metrics.find((m) => m.key === key)!;

Deno.test("comparison rows carry each run's values and improvements over the baseline", () => {
  // Baseline TTFT 100..400, TPOT 20; multi 10% faster everywhere; base 50% faster.
  const baseline = summarize(run([100, 200, 300, 400], 20), { loadMode: "closed" });
  const multi = summarize(run([90, 180, 270, 360], 18, 0, ["a", "b"]), { loadMode: "closed" });
  const base = summarize(run([50, 100, 150, 200], 10), { loadMode: "closed" });
  const c = compareLoraRuns({
    baseline: { summary: baseline },
    multi: { summary: multi },
    base: { summary: base },
  });
  assert.deepEqual(c.runs, ["baseline", "multi", "base"]);
  assert.deepEqual(c.metrics.map((m) => m.key), COMPARISON_ROWS.map((r) => r.key));
  assert.deepEqual(c.metrics.map((m) => m.label), [
    "Mean Latency",
    "P50 Latency",
    "P95 Latency",
    "P99 Latency",
    "Mean TTFT",
    "P50 TTFT",
    "P95 TTFT",
    "P99 TTFT",
    "Mean TPOT",
    "P50 TPOT",
    "P95 TPOT",
    "P99 TPOT",
    "Requests/sec",
    "Tokens/sec",
    "Success Rate",
  ]);
  for (const m of c.metrics.filter((m) => m.unit === "ms")) {
    assert.equal(m.better, "lower");
    assert.ok(
      Math.abs(m.improvement_pct.multi! - 10) < 1e-9,
      `${m.key} multi ${m.improvement_pct.multi}`,
    );
    assert.ok(
      Math.abs(m.improvement_pct.base! - 50) < 1e-9,
      `${m.key} base ${m.improvement_pct.base}`,
    );
    assert.equal("baseline" in m.improvement_pct, false);
  }
  // E2E mean = mean TTFT 250 + 10 × 20 = 450 ms; TPOT is exactly 20.
  assert.equal(value(c, "e2e_ms_mean").values.baseline, 450);
  assert.equal(value(c, "tpot_ms_p99").values.baseline, 20);
  assert.equal(value(c, "ttft_ms_p50").values.multi, 225);

  // Rates: all three runs finish 4 requests in a window ending at the last request's end.
  const rps = value(c, "requests_per_s");
  assert.equal(rps.better, "higher");
  assert.equal(rps.values.baseline, 4 / ((3000 + 400 + 200) / 1000));
  assert.equal(rps.values.multi, 4 / ((3000 + 360 + 180) / 1000));
  assert.ok(Math.abs(rps.improvement_pct.multi! - (3600 / 3540 - 1) * 100) < 1e-9);
  assert.equal(value(c, "output_tokens_per_s").values.base, 44 / 3.3); // window 3000 + 200 + 10 × 10 ms
  assert.deepEqual(value(c, "success_rate_pct").values, { baseline: 100, multi: 100, base: 100 });
  assert.deepEqual(value(c, "success_rate_pct").improvement_pct, { multi: 0, base: 0 });
});

Deno.test("request statistics and per-adapter counts per run; failures lower the success rate", () => {
  const bRecords = run([100, 100, 100, 100, 100, 100, 100, 100, 100, 100], 10, 0, ["multi-task"]);
  const mRecords = run([100, 100, 100, 100, 100, 100, 100, 100], 10, 2, ["a", "b", "c"]);
  const c = compareLoraRuns({
    baseline: {
      summary: summarize(bRecords, { loadMode: "closed" }),
      adapters: adapterStats(bRecords),
    },
    multi: {
      summary: summarize(mRecords, { loadMode: "closed" }),
      adapters: adapterStats(mRecords),
    },
  });
  assert.deepEqual(c.runs, ["baseline", "multi"]);
  assert.deepEqual(c.requests.baseline, {
    total: 10,
    ok: 10,
    failed: 0,
    dropped: 0,
    duration_s: 9.2,
    success_rate_pct: 100,
  });
  assert.deepEqual(c.requests.multi, {
    total: 10,
    ok: 8,
    failed: 2,
    dropped: 0,
    duration_s: (8001 + 5) / 1000,
    success_rate_pct: 80,
  });
  assert.equal(value(c, "success_rate_pct").improvement_pct.multi, -20);
  assert.deepEqual(c.adapters, { baseline: { "multi-task": 10 }, multi: { a: 5, b: 3, c: 2 } });
  assert.equal(c.requests.base, undefined);
});

Deno.test("a run with no successful request compares as n/a, not as 0 or Infinity", () => {
  const ok = summarize(run([100, 200], 10), { loadMode: "closed" });
  const allFailed = summarize(run([], 10, 3), { loadMode: "closed" });
  const empty: Summary = summarize([], { loadMode: "open" });
  const c = compareLoraRuns({
    baseline: { summary: ok },
    multi: { summary: allFailed },
    base: { summary: empty },
  });
  assert.equal(value(c, "e2e_ms_p50").values.multi, null);
  assert.equal(value(c, "e2e_ms_p50").improvement_pct.multi, null);
  assert.equal(value(c, "requests_per_s").values.multi, 0);
  assert.equal(value(c, "requests_per_s").improvement_pct.multi, -100);
  assert.equal(value(c, "success_rate_pct").values.multi, 0);
  assert.equal(value(c, "success_rate_pct").values.base, null);
  assert.equal(successRatePct(empty), null);
  assert.equal(c.requests.base!.duration_s, null);
  for (const m of c.metrics) {
    for (const v of Object.values(m.improvement_pct)) assert.ok(v === null || Number.isFinite(v));
  }
});
