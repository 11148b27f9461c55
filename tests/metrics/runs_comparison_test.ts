import assert from "node:assert/strict";
import { compareRuns, type RunToCompare } from "../../lib/metrics/runs_comparison.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import { syntheticRecords, type SyntheticRun } from "../helpers/synthetic_run.ts";

const BASE: SyntheticRun = {
  runId: "a",
  requests: 10,
  intervalMs: 200,
  ttftMs: 100,
  itlMs: 10,
  outputTokens: 11,
  promptTokens: 100,
};

function run(name: string, over: Partial<SyntheticRun>, extra: Partial<RunToCompare> = {}) {
  const summary = summarize(syntheticRecords({ ...BASE, ...over }), { loadMode: "closed" });
  return { name, summary, ...extra };
}

const row = (c: ReturnType<typeof compareRuns>, key: string) => {
  const r = c.metrics.find((m) => m.key === key);
  assert.ok(r, `no row ${key}`);
  return r;
};

Deno.test("lower TTFT is an improvement, higher requests/s is an improvement, with exact %", () => {
  // b: TTFT 80 vs 100 ms (-20 %), requests twice as often.
  const c = compareRuns([run("a", {}), run("b", { ttftMs: 80, intervalMs: 100 })]);
  const ttft = row(c, "ttft_ms_mean");
  assert.deepEqual(ttft.values, [100, 80]);
  assert.equal(ttft.better, "lower");
  assert.deepEqual(ttft.change_pct, [null, -20]);
  assert.deepEqual(ttft.improvement_pct, [null, 20]);
  const rps = row(c, "requests_per_s");
  assert.equal(rps.better, "higher");
  assert.ok(rps.change_pct[1]! > 0 && rps.improvement_pct[1] === rps.change_pct[1]);
  // Without repeats nothing is called noise.
  assert.equal(ttft.noise_pct, null);
  assert.deepEqual(ttft.within_noise, [null, null]);
  assert.equal(c.repeat_groups, 0);
});

Deno.test("a worse run has negative improvement on latency and on throughput", () => {
  const c = compareRuns([run("a", {}), run("slow", { ttftMs: 150, intervalMs: 400 })]);
  assert.equal(row(c, "ttft_ms_p50").improvement_pct[1], -50);
  assert.ok(row(c, "requests_per_s").improvement_pct[1]! < 0);
  assert.ok(row(c, "e2e_ms_p99").improvement_pct[1]! < 0);
});

Deno.test("repeats give each metric a noise band; changes inside it are marked, outside not", () => {
  // a and a2 are repeats (TTFT 100 vs 104: band 4 %); b differs by 3 % (noise), c by 10 %.
  const c = compareRuns([
    run("a", {}, { repeatKey: "k" }),
    run("a2", { ttftMs: 104 }, { repeatKey: "k" }),
    run("b", { ttftMs: 103 }, { repeatKey: "other" }),
    run("c", { ttftMs: 110 }),
  ]);
  const ttft = row(c, "ttft_ms_mean");
  assert.ok(Math.abs(ttft.noise_pct! - 4) < 1e-9);
  assert.deepEqual(ttft.within_noise, [null, true, true, false]);
  assert.equal(c.repeat_groups, 1);
});

Deno.test("GPU rows appear only when a run has GPU data; lower memory and energy are better", () => {
  const none = compareRuns([run("a", {}), run("b", {})]);
  assert.ok(!none.metrics.some((m) => m.key.startsWith("gpu_")));
  const c = compareRuns([
    run("a", {}, { gpu: { memoryPeakMiB: 40000, energyWh: 2 } }),
    run("b", {}, { gpu: { memoryPeakMiB: 30000, energyWh: 3 } }),
  ]);
  assert.equal(row(c, "gpu_memory_peak_mib").improvement_pct[1], 25);
  assert.equal(row(c, "gpu_energy_wh").improvement_pct[1], -50);
});

Deno.test("a zero or missing baseline value has no change rather than an infinite one", () => {
  const c = compareRuns([
    run("a", {}, { gpu: { memoryPeakMiB: null, energyWh: 0 } }),
    run("b", {}, { gpu: { memoryPeakMiB: 1, energyWh: 1 } }),
  ]);
  assert.deepEqual(row(c, "gpu_memory_peak_mib").change_pct, [null, null]);
  assert.deepEqual(row(c, "gpu_energy_wh").change_pct, [null, null]);
  assert.throws(() => compareRuns([run("a", {})]), /at least two/);
});
