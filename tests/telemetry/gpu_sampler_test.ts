import assert from "node:assert/strict";
import { startGpuSampler } from "../../lib/telemetry/gpu_sampler.ts";
import { gpuQueryArgs } from "../../lib/telemetry/nvidia_smi_csv.ts";
import { trackedPids } from "../../lib/telemetry/child_processes.ts";
import type { GpuSample } from "../../lib/metrics/telemetry_samples.ts";
import { FAKE_NVIDIA_SMI, pidsIn, processAlive, waitFor } from "../helpers/process_alive.ts";

Deno.test("the sampler starts the fake, parses its lines at the asked interval, and stop leaves no child", async () => {
  const dir = await Deno.makeTempDir();
  const pidFile = `${dir}/pids`;
  const samples: GpuSample[] = [];
  const sampler = startGpuSampler(
    [
      ...FAKE_NVIDIA_SMI,
      "--fixture",
      "multi_8x_h100",
      "--pid-file",
      pidFile,
      ...gpuQueryArgs({ intervalMs: 50, gpus: [1, 3] }),
    ],
    { onSample: (s) => samples.push(s) },
  );
  assert.ok(await sampler.firstSample(10_000), "a first sample arrives");
  assert.ok(await waitFor(() => samples.length >= 12));
  const stats = await sampler.stop();
  const [pid] = pidsIn(pidFile);
  assert.ok(pid > 0);
  assert.equal(processAlive(pid), false, "the child is gone after stop");
  assert.deepEqual(trackedPids(), []);
  assert.deepEqual([...new Set(samples.map((s) => s.gpu))].sort(), [1, 3], "-i selects");
  assert.equal(stats.garbageLines, 0);
  assert.equal(stats.restarts, 0);
  assert.ok(samples.every((s, i) => i === 0 || s.tMs >= samples[i - 1].tMs));
  // Ticks come at the asked interval, not as fast as possible: the median gap between one GPU's
  // readings is at least most of 50 ms (lateness under load only makes it longer).
  const t = samples.filter((s) => s.gpu === 1).map((s) => s.tMs);
  const gaps = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
  assert.ok(gaps[Math.floor(gaps.length / 2)] >= 40, `gaps ${gaps.join(", ")}`);
});

Deno.test("a child that exits early is restarted a bounded number of times, each exit recorded", async () => {
  const samples: GpuSample[] = [];
  const seen: boolean[] = [];
  const sampler = startGpuSampler(
    [...FAKE_NVIDIA_SMI, "--exit-after", "2", ...gpuQueryArgs({ intervalMs: 20 })],
    {
      onSample: (s) => samples.push(s),
      onExit: (_, willRestart) => seen.push(willRestart),
      maxRestarts: 2,
      restartDelayMs: 10,
    },
  );
  assert.ok(await waitFor(() => sampler.stats().gaveUp, 30_000), "gives up after 3 exits");
  const stats = await sampler.stop();
  assert.equal(stats.restarts, 2);
  assert.deepEqual(stats.exits.map((e) => e.code), [1, 1, 1]);
  assert.deepEqual(seen, [true, true, false]);
  assert.equal(samples.length, 6, "2 ticks of 1 GPU from each of 3 children");
  assert.deepEqual(trackedPids(), []);
});

Deno.test("garbage lines are counted and kept as examples; samples around them still arrive", async () => {
  const text = [
    "timestamp, index, uuid, name, memory.used [MiB]",
    "2026/11/20 14:03:11.004, 0, GPU-5f3c1e8a, H100, 72410, 81559, 0, 0, 69.10, 34, 1980",
    "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
  ].join("\n");
  const samples: GpuSample[] = [];
  const sampler = startGpuSampler(
    [Deno.execPath(), "eval", `console.log(${JSON.stringify(text)})`],
    { onSample: (s) => samples.push(s), maxRestarts: 0 },
  );
  assert.ok(await waitFor(() => sampler.stats().gaveUp, 20_000));
  const stats = await sampler.stop();
  assert.equal(samples.length, 1);
  assert.equal(stats.garbageLines, 2);
  assert.equal(stats.garbageExamples.length, 2);
  assert.match(stats.garbageExamples[1], /NVIDIA-SMI has failed/);
});

Deno.test("a sampler command that does not exist fails at start, before anything is recorded", () => {
  assert.throws(
    () => startGpuSampler(["/nonexistent/nvidia-smi", "-lms", "100"], { onSample: () => {} }),
    Deno.errors.NotFound,
  );
  assert.deepEqual(trackedPids(), []);
});
