import { join } from "node:path";
import type { TelemetryPlan } from "../../config/telemetry_plan.ts";
import type { GpuSample } from "../../metrics/telemetry_samples.ts";
import { gpuCsvHeader, gpuSampleToCsv } from "../../report/files/gpu_csv.ts";
import { type GpuInventory, readGpuInventory } from "../../telemetry/gpu_inventory.ts";
import {
  type GpuSampler,
  type SamplerStats,
  startGpuSampler,
} from "../../telemetry/gpu_sampler.ts";
import {
  computeAppsArgs,
  GPU_PROCESSES_CSV_COLUMNS,
  type GpuProcessSample,
  gpuQueryArgs,
  parseComputeAppLine,
} from "../../telemetry/nvidia_smi_csv.ts";
import { stringify } from "csv-stringify/sync";
import { JsonlSink } from "../../results/jsonl_sink.ts";

/**
 * A run's GPU telemetry: resolves `--gpu-sampler` (auto: nvidia-smi on PATH), starts the sampler
 * before anything is sent (so the run has a baseline), reads the GPU inventory beside it, writes
 * `gpu.csv` as samples arrive (on the run's clock once the run has one), and stops the child when
 * the load ends. Never fails a run: a missing or broken sampler is a warning and `gpu: null`.
 */

/** The run directory's GPU samples (only when at least one sample arrived). */
export const GPU_CSV_FILE = "gpu.csv";

/** Per-process GPU memory (`--gpu-processes`), when any compute process was seen. */
export const GPU_PROCESSES_CSV_FILE = "gpu_processes.csv";

/** One `gpu_processes.csv` line (no newline); `t_ms` to 0.001 ms, null as an empty cell. */
export function gpuProcessSampleToCsv(s: GpuProcessSample): string {
  return stringify([[
    Math.round(s.tMs * 1000) / 1000,
    s.gpuUuid,
    s.pid,
    s.processName,
    s.usedMemoryMiB ?? "",
  ]]).replace(/\n$/, "");
}

/** Longest wait for the first sample before the load starts, ms (nvidia-smi starts slowly). */
const FIRST_SAMPLE_TIMEOUT_MS = 3000;

/** A started (or unavailable) GPU telemetry. */
export interface GpuTelemetry {
  /** The GPU list for meta.json's `gpus`; null without a sampler command. */
  readonly inventory: Promise<GpuInventory | null>;
  /**
   * From now on samples go to `<runDir>/gpu.csv` with `tMs` from `origin` (performance.now() at
   * the run's time origin); samples taken before are written first (negative `tMs`).
   */
  attach(runDir: string, origin: number): void;
  /** Samples so far, on the run clock (after {@link attach}). */
  samples(): GpuSample[];
  /** Stops the child (idempotent) and returns meta.json's `gpu_sampler` record. */
  stop(): Promise<Record<string, unknown>>;
}

let warnedMissing = false;

/** `nvidia-smi` on PATH, or undefined (also when PATH cannot be read). */
export function findOnPath(name: string): string | undefined {
  let path: string | undefined;
  try {
    path = Deno.env.get("PATH");
  } catch {
    return undefined;
  }
  for (const dir of (path ?? "").split(Deno.build.os === "windows" ? ";" : ":")) {
    if (!dir) continue;
    for (const file of Deno.build.os === "windows" ? [name + ".exe"] : [name]) {
      try {
        if (Deno.statSync(join(dir, file)).isFile) return join(dir, file);
      } catch { /* not here */ }
    }
  }
  return undefined;
}

/** The sampler command (argv without query flags) the settings ask for; undefined: none. */
export function samplerCommand(t: TelemetryPlan): string[] | undefined {
  if (t.gpuSampler === "off") return undefined;
  if (t.gpuSampler === "command") return t.command;
  return findOnPath("nvidia-smi") ? ["nvidia-smi"] : undefined;
}

/** Starts GPU telemetry for one run; resolves once the first sample arrived (or 3 s passed). */
export async function startGpuTelemetry(
  t: TelemetryPlan,
  io: { log(line: string): void; quiet: boolean },
): Promise<GpuTelemetry> {
  const base = {
    mode: t.gpuSampler,
    command: null as string[] | null,
    interval_ms: t.gpuIntervalMs,
    gpus: t.gpus ?? null,
  };
  const command = samplerCommand(t);
  if (!command) return noSampler(t, io, base);
  base.command = command;
  const raw: GpuSample[] = [];
  let origin: number | undefined;
  let sink: JsonlSink | undefined;
  let csvPath: string | undefined;
  const samples: GpuSample[] = [];
  const take = (s: GpuSample) => {
    const shifted = { ...s, tMs: s.tMs - origin! };
    samples.push(shifted);
    sink?.write(gpuSampleToCsv(shifted));
  };
  const exitsAt: { atRaw: number; code: number; stderr: string }[] = [];
  let sampler: GpuSampler;
  try {
    sampler = startGpuSampler([
      ...command,
      ...gpuQueryArgs({ intervalMs: t.gpuIntervalMs, gpus: t.gpus }),
    ], {
      onSample: (s) => origin === undefined ? raw.push(s) : take(s),
      onExit: (exit, willRestart) => {
        exitsAt.push({ atRaw: exit.atMs, code: exit.code, stderr: exit.stderr });
        io.log(
          `warning: GPU sampler "${command.join(" ")}" exited with code ${exit.code}` +
            (exit.stderr ? ` (${exit.stderr.split("\n").pop()})` : "") +
            (willRestart ? "; restarting it" : "; giving up, GPU data ends here"),
        );
      },
    });
  } catch (e) {
    io.log(
      `warning: cannot start the GPU sampler "${command.join(" ")}": ${(e as Error).message}; ` +
        "no GPU data is recorded",
    );
    return idle({ ...base, status: "failed", problem: (e as Error).message });
  }
  const processes = t.gpuProcesses ? startProcessSampler(command, t, io) : undefined;
  const inventory = readGpuInventory(command, { gpus: t.gpus });
  await sampler.firstSample(FIRST_SAMPLE_TIMEOUT_MS);
  let record: Record<string, unknown> | undefined;
  return {
    inventory,
    attach(runDir, runOrigin) {
      origin = runOrigin;
      csvPath = join(runDir, GPU_CSV_FILE);
      const file = Deno.openSync(csvPath, { create: true, append: true });
      sink = JsonlSink.fromFile(file);
      sink.write(gpuCsvHeader());
      for (const s of raw.splice(0)) take(s);
      processes?.attach(runDir, runOrigin);
    },
    samples: () => samples,
    async stop() {
      if (record) return record;
      const stats: SamplerStats = await sampler.stop();
      const processRecord = await processes?.stop();
      sink?.close();
      if (csvPath && samples.length === 0) await Deno.remove(csvPath).catch(() => {});
      record = samplerRecord(base, stats, {
        exits: exitsAt,
        origin: origin ?? 0,
        processes: processRecord,
      });
      return record;
    },
  };
}

/** Telemetry when no sampler runs (off, or nvidia-smi absent: warned once per process). */
function noSampler(
  t: TelemetryPlan,
  io: { log(line: string): void; quiet: boolean },
  base: Record<string, unknown>,
): GpuTelemetry {
  // Without a GPU flag this is a laptop or a client box: the report says it, once, instead.
  if (t.gpuSampler === "auto" && t.gpuExpected && !io.quiet && !warnedMissing) {
    warnedMissing = true;
    io.log(
      "warning: nvidia-smi is not on PATH, so no GPU data is recorded (summary gpu: null); " +
        '--gpu-sampler "ssh HOST nvidia-smi" samples another host, --gpu-sampler off silences this',
    );
  }
  return idle({ ...base, status: t.gpuSampler === "off" ? "off" : "unavailable" });
}

/** meta.json `gpu_sampler` once the sampler stopped: how sampling went. */
function samplerRecord(
  base: Record<string, unknown>,
  stats: SamplerStats,
  run: {
    exits: { atRaw: number; code: number; stderr: string }[];
    origin: number;
    processes?: unknown;
  },
): Record<string, unknown> {
  return {
    ...base,
    status: stats.samples > 0 ? "sampled" : stats.gaveUp ? "failed" : "no_samples",
    samples: stats.samples,
    garbage_lines: stats.garbageLines,
    garbage_examples: stats.garbageExamples,
    restarts: stats.restarts,
    exits: run.exits.map((e) => ({
      at_ms: Math.round((e.atRaw - run.origin) * 1000) / 1000,
      code: e.code,
      stderr: e.stderr,
    })),
    gave_up: stats.gaveUp,
    ...(run.processes ? { processes: run.processes } : {}),
  };
}

/** Telemetry without a sampler: no samples, the given record. */
function idle(record: Record<string, unknown>): GpuTelemetry {
  return {
    inventory: Promise.resolve(null),
    attach() {},
    samples: () => [],
    stop: () => Promise.resolve(record),
  };
}

/**
 * The `--gpu-processes` sampler: `--query-compute-apps` through the same command, lines into
 * `gpu_processes.csv` (created at the first process seen). Failing to start is a warning.
 */
function startProcessSampler(
  command: readonly string[],
  t: TelemetryPlan,
  io: { log(line: string): void },
) {
  const raw: GpuProcessSample[] = [];
  let origin: number | undefined;
  let path: string | undefined;
  let sink: JsonlSink | undefined;
  let count = 0;
  const take = (s: GpuProcessSample) => {
    const shifted = { ...s, tMs: s.tMs - origin! };
    if (!sink) {
      sink = JsonlSink.fromFile(Deno.openSync(path!, { create: true, append: true }));
      sink.write(GPU_PROCESSES_CSV_COLUMNS.join(","));
    }
    sink.write(gpuProcessSampleToCsv(shifted));
    count++;
  };
  let sampler: GpuSampler | undefined;
  try {
    sampler = startGpuSampler<GpuProcessSample>(
      [...command, ...computeAppsArgs({ intervalMs: t.gpuIntervalMs, gpus: t.gpus })],
      {
        parse: parseComputeAppLine,
        onSample: (s) => (origin === undefined ? raw.push(s) : take(s)),
      },
    );
  } catch (e) {
    io.log(`warning: cannot start the GPU process sampler: ${(e as Error).message}`);
  }
  return {
    attach(runDir: string, runOrigin: number) {
      origin = runOrigin;
      path = join(runDir, GPU_PROCESSES_CSV_FILE);
      for (const s of raw.splice(0)) take(s);
    },
    async stop(): Promise<Record<string, unknown>> {
      const stats = await sampler?.stop();
      sink?.close();
      return {
        status: !sampler ? "failed" : count > 0 ? "sampled" : "no_processes",
        samples: count,
        garbage_lines: stats?.garbageLines ?? 0,
        restarts: stats?.restarts ?? 0,
      };
    },
  };
}
