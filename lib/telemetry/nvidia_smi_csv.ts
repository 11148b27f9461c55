import type { GpuSample } from "../metrics/telemetry_samples.ts";

/**
 * nvidia-smi's CSV query output in, {@link GpuSample}s out. Pure: the sampler feeds it lines as
 * they arrive. With `--format=csv,noheader,nounits` each line is one GPU's reading, fields in the
 * order asked ({@link GPU_QUERY_FIELDS}); a field the device or driver cannot report reads
 * `[N/A]` or `[Not Supported]` (e.g. utilisation of a GPU in MIG mode, power on some boards),
 * which becomes null rather than a bad line.
 */

/** The `--query-gpu` fields the sampler asks for, in the order lines carry them. */
export const GPU_QUERY_FIELDS = [
  "timestamp",
  "index",
  "uuid",
  "name",
  "memory.used",
  "memory.total",
  "utilization.gpu",
  "utilization.memory",
  "power.draw",
  "temperature.gpu",
  "clocks.sm",
] as const;

/** The `--query-gpu` fields of the one-off inventory read for meta.json. */
export const GPU_INVENTORY_FIELDS = [
  "index",
  "name",
  "uuid",
  "memory.total",
  "driver_version",
] as const;

/**
 * The flags appended to the sampler command: the query, CSV without header or units, the
 * loop interval in ms, and the GPU selection (`-i 0,1`) when given.
 */
export function gpuQueryArgs(options: { intervalMs: number; gpus?: readonly number[] }): string[] {
  const args = [
    `--query-gpu=${GPU_QUERY_FIELDS.join(",")}`,
    "--format=csv,noheader,nounits",
    `-lms`,
    String(Math.max(1, Math.round(options.intervalMs))),
  ];
  if (options.gpus?.length) args.push("-i", options.gpus.join(","));
  return args;
}

/** The flags of the inventory read (one shot, no loop). */
export function gpuInventoryArgs(options: { gpus?: readonly number[] } = {}): string[] {
  const args = [`--query-gpu=${GPU_INVENTORY_FIELDS.join(",")}`, "--format=csv,noheader,nounits"];
  if (options.gpus?.length) args.push("-i", options.gpus.join(","));
  return args;
}

/** What one line of sampler output turned out to be. */
export type ParsedLine<T> =
  | { kind: "sample"; sample: T }
  | { kind: "blank" }
  | { kind: "garbage"; line: string; reason: string };

/** One line of the GPU query. */
export type GpuLine = ParsedLine<GpuSample>;

/**
 * A numeric field: a number, or null for `[N/A]`, `[Not Supported]`, `N/A`, `[Unknown Error]`
 * and the like (anything bracketed), and for an empty field. Units are stripped in case
 * `nounits` was not honoured ("81559 MiB", "69.85 W"). Undefined: not a number at all.
 */
export function parseNumberField(raw: string): number | null | undefined {
  const v = raw.trim();
  if (v === "" || v.startsWith("[") || /^n\/?a$/i.test(v)) return null;
  const m = /^(-?\d+(?:\.\d+)?)(?:\s*(?:MiB|W|%|C|MHz))?$/.exec(v);
  return m ? Number(m[1]) : undefined;
}

/**
 * Parses one line of `--query-gpu=<GPU_QUERY_FIELDS> --format=csv,noheader,nounits` output,
 * stamped `tMs` (the caller's clock, when the line arrived). A header line, an error message
 * ("NVIDIA-SMI has failed ..."), a cut line or a non-numeric index is garbage: counted by the
 * caller, never fatal. Names may hold commas in principle, so fields are split from both ends
 * around the name.
 */
export function parseGpuLine(line: string, tMs: number): GpuLine {
  const text = line.replace(/\r$/, "");
  if (text.trim() === "") return { kind: "blank" };
  const parts = text.split(",").map((p) => p.trim());
  const n = GPU_QUERY_FIELDS.length;
  if (parts.length < n) {
    return { kind: "garbage", line: text, reason: `${parts.length} fields, want ${n}` };
  }
  // timestamp, index, uuid, name..., then 7 numeric fields: a comma in the name is kept.
  const tail = parts.slice(parts.length - 7);
  const name = parts.slice(3, parts.length - 7).join(", ");
  const index = Number(parts[1]);
  if (parts[1] === "" || !Number.isInteger(index) || index < 0) {
    return { kind: "garbage", line: text, reason: `index "${parts[1]}" is not a GPU index` };
  }
  const uuid = parts[2];
  if (!/^(GPU|MIG)-/.test(uuid)) {
    return { kind: "garbage", line: text, reason: `uuid "${uuid}" is not a GPU or MIG uuid` };
  }
  const nums = tail.map(parseNumberField);
  const bad = nums.findIndex((v) => v === undefined);
  if (bad >= 0) {
    return {
      kind: "garbage",
      line: text,
      reason: `${GPU_QUERY_FIELDS[4 + bad]} "${tail[bad]}" is not a number`,
    };
  }
  const [memUsed, memTotal, util, utilMem, power, temp, sm] = nums as (number | null)[];
  return {
    kind: "sample",
    sample: {
      tMs,
      gpu: index,
      uuid,
      name,
      memoryUsedMiB: memUsed,
      memoryTotalMiB: memTotal,
      utilizationGpuPct: util,
      utilizationMemoryPct: utilMem,
      powerDrawW: power,
      temperatureC: temp,
      smClockMHz: sm,
    },
  };
}

/** One GPU as meta.json's `gpus` lists it (snake_case keys, as written). */
export interface GpuInfo {
  index: number;
  name: string;
  uuid: string;
  memory_total_mib: number | null;
  driver_version: string | null;
  cuda_version: string | null;
}

/**
 * Parses the inventory read (`--query-gpu=<GPU_INVENTORY_FIELDS>`); lines that do not parse are
 * skipped. `cuda_version` comes from `nvidia-smi -q` ({@link parseCudaVersion}), so it is null
 * here and filled by the caller.
 */
export function parseGpuInventory(text: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const raw of text.split("\n")) {
    const parts = raw.replace(/\r$/, "").split(",").map((p) => p.trim());
    if (parts.length < GPU_INVENTORY_FIELDS.length) continue;
    const index = Number(parts[0]);
    if (parts[0] === "" || !Number.isInteger(index)) continue;
    const driver = parts[parts.length - 1];
    const memory = parseNumberField(parts[parts.length - 2]);
    const uuid = parts[parts.length - 3];
    if (!/^(GPU|MIG)-/.test(uuid)) continue;
    gpus.push({
      index,
      name: parts.slice(1, parts.length - 3).join(", "),
      uuid,
      memory_total_mib: memory ?? null,
      driver_version: driver === "" || driver.startsWith("[") ? null : driver,
      cuda_version: null,
    });
  }
  return gpus;
}

/**
 * The CUDA version the driver supports, from `nvidia-smi -q` ("CUDA Version : 12.4") or the
 * plain `nvidia-smi` banner ("CUDA Version: 12.4"); null when absent.
 */
export function parseCudaVersion(text: string): string | null {
  const m = /CUDA Version\s*:\s*([0-9][0-9.]*)/.exec(text);
  return m ? m[1] : null;
}

/** The `--query-compute-apps` fields of `--gpu-processes`, in the order lines carry them. */
export const COMPUTE_APPS_FIELDS = [
  "timestamp",
  "gpu_uuid",
  "pid",
  "process_name",
  "used_memory",
] as const;

/** The flags of the per-process memory sampler (`--gpu-processes`). */
export function computeAppsArgs(
  options: { intervalMs: number; gpus?: readonly number[] },
): string[] {
  const args = [
    `--query-compute-apps=${COMPUTE_APPS_FIELDS.join(",")}`,
    "--format=csv,noheader,nounits",
    "-lms",
    String(Math.max(1, Math.round(options.intervalMs))),
  ];
  if (options.gpus?.length) args.push("-i", options.gpus.join(","));
  return args;
}

/** One process's GPU memory at one tick (`gpu_processes.csv`). */
export interface GpuProcessSample {
  /** ms on the caller's clock, when the line arrived. */
  tMs: number;
  gpuUuid: string;
  pid: number;
  processName: string;
  /** null when the driver cannot attribute memory (`[N/A]`, e.g. inside some containers). */
  usedMemoryMiB: number | null;
}

/** `gpu_processes.csv` columns, in order. */
export const GPU_PROCESSES_CSV_COLUMNS = [
  "t_ms",
  "gpu_uuid",
  "pid",
  "process_name",
  "used_memory_mib",
] as const;

/** Parses one `--query-compute-apps` line (a process name may hold commas). */
export function parseComputeAppLine(line: string, tMs: number): ParsedLine<GpuProcessSample> {
  const text = line.replace(/\r$/, "");
  if (text.trim() === "") return { kind: "blank" };
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length < COMPUTE_APPS_FIELDS.length) {
    return { kind: "garbage", line: text, reason: `${parts.length} fields, want 5` };
  }
  const uuid = parts[1];
  const pid = Number(parts[2]);
  const memory = parseNumberField(parts[parts.length - 1]);
  if (!/^(GPU|MIG)-/.test(uuid) || !Number.isInteger(pid) || pid <= 0 || memory === undefined) {
    return { kind: "garbage", line: text, reason: "not a compute-apps line" };
  }
  return {
    kind: "sample",
    sample: {
      tMs,
      gpuUuid: uuid,
      pid,
      processName: parts.slice(3, parts.length - 1).join(", "),
      usedMemoryMiB: memory,
    },
  };
}
