import assert from "node:assert/strict";
import { energyJoules, runWindows, summarizeGpu } from "../../lib/metrics/gpu_summary.ts";
import type { GpuSample } from "../../lib/metrics/telemetry_samples.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";

function sample(tMs: number, fields: Partial<GpuSample> = {}): GpuSample {
  return {
    tMs,
    gpu: 0,
    uuid: "GPU-0",
    name: "Test GPU",
    memoryUsedMiB: 1000,
    memoryTotalMiB: 80000,
    utilizationGpuPct: 50,
    utilizationMemoryPct: 10,
    powerDrawW: 100,
    temperatureC: 40,
    smClockMHz: 1980,
    ...fields,
  };
}

function record(phase: "warmup" | "measure", sentAt: number, endAt: number): RequestRecord {
  return {
    index: 0,
    phase,
    requestId: "r",
    model: "m",
    scheduledAt: sentAt,
    sentAt,
    endAt,
    tokenTimes: [],
    tokenCounts: [],
    outputTokens: 0,
    outputTokensSource: "usage",
  } as RequestRecord;
}

Deno.test("energy is the trapezoid integral of power, clipped to the window, in joules", () => {
  const s = [
    sample(0, { powerDrawW: 100 }),
    sample(1000, { powerDrawW: 300 }),
    sample(2000, { powerDrawW: 300 }),
  ];
  const table: [number, number, number][] = [
    [0, 2000, 200 + 300], // (100+300)/2 W × 1 s + 300 W × 1 s
    [0, 1000, 200],
    [500, 1500, (200 + 300) / 2 * 0.5 + 300 * 0.5], // power at 500 ms is 200 W
    [2000, 3000, 0], // no reading after the last one: nothing is extrapolated
  ];
  for (const [startMs, endMs, want] of table) {
    assert.ok(Math.abs(energyJoules(s, { startMs, endMs })! - want) < 1e-9, `${startMs}-${endMs}`);
  }
  // A missing reading leaves a gap (lower bound), not a zero that drags the line down.
  const gap = [
    sample(0, { powerDrawW: 100 }),
    sample(1000, { powerDrawW: null }),
    sample(2000, { powerDrawW: 100 }),
  ];
  assert.equal(energyJoules(gap, { startMs: 0, endMs: 2000 }), 200);
  assert.equal(energyJoules([sample(0, { powerDrawW: null })], { startMs: 0, endMs: 1 }), null);
});

Deno.test("run summary: baseline before the first send, peak/mean/delta in the measured window, tokens per joule", () => {
  // Two GPUs at 500 ms; load from 1000 to 3000 ms; memory rises on both.
  const samples: GpuSample[] = [];
  for (let t = 0; t <= 4000; t += 500) {
    const busy = t >= 1000 && t <= 3000;
    for (const gpu of [0, 1]) {
      samples.push(sample(t, {
        gpu,
        uuid: `GPU-${gpu}`,
        memoryUsedMiB: busy ? 2000 + (t - 1000) / 10 + gpu : 1000,
        utilizationGpuPct: busy ? 90 + gpu * 10 : 0,
        powerDrawW: busy ? 400 : 100,
      }));
    }
  }
  const windows = runWindows([
    record("warmup", 1000, 1400),
    record("measure", 1500, 2900),
    record("measure", 1600, 3000),
  ]);
  assert.deepEqual(windows, {
    loadStartMs: 1000,
    warmup: { startMs: 1000, endMs: 1400 },
    measure: { startMs: 1500, endMs: 3000 },
  });
  const g = summarizeGpu(samples, windows, { outputTokens: 2400 })!;
  assert.equal(g.gpus, 2);
  assert.equal(g.samples, 18);
  assert.deepEqual(g.per_gpu.map((d) => d.memory_baseline_mib), [1000, 1000]); // t = 500
  assert.deepEqual(g.per_gpu.map((d) => d.memory_peak_mib), [2200, 2201]);
  assert.equal(g.memory_baseline_mib, 2000);
  assert.equal(g.memory_peak_mib, 4401);
  assert.equal(g.memory_delta_mib, 2401);
  // 1500..3000 ms: 2050, 2100, 2150, 2200 MiB → means 2125 and 2126.
  assert.equal(g.memory_mean_mib, 4251);
  assert.equal(g.utilization_mean_pct, 95);
  assert.equal(g.power_mean_w, 800);
  assert.equal(g.energy_j, 2 * 400 * 1.5);
  assert.equal(g.output_tokens_per_joule, 2400 / 1200);
  assert.equal(g.phases.warmup!.energy_j, 2 * 400 * 0.4);
  assert.equal(g.phases.measure!.memory_peak_mib, 4401);
});

Deno.test("no sample: gpu is null; no sample before load: baseline and delta null, the rest still there", () => {
  assert.equal(summarizeGpu([], runWindows([]), { outputTokens: 0 }), null);
  const g = summarizeGpu(
    [sample(100), sample(600, { memoryUsedMiB: 3000 })],
    runWindows([record("measure", 50, 700)]),
    { outputTokens: 10 },
  )!;
  assert.equal(g.memory_baseline_mib, null);
  assert.equal(g.memory_delta_mib, null);
  assert.equal(g.memory_peak_mib, 3000);
  assert.equal(g.phases.warmup, null);
});

Deno.test("a device without power or utilisation readings gives null, never 0 W or 0 J", () => {
  const s = [0, 500, 1000].map((t) => sample(t, { powerDrawW: null, utilizationGpuPct: null }));
  const g = summarizeGpu(s, runWindows([record("measure", 100, 900)]), { outputTokens: 50 })!;
  assert.equal(g.power_mean_w, null);
  assert.equal(g.energy_j, null);
  assert.equal(g.utilization_mean_pct, null);
  assert.equal(g.output_tokens_per_joule, null);
  assert.equal(g.memory_baseline_mib, 1000);
});
