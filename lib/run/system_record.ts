import { DEFAULT_TELEMETRY, type TelemetryPlan } from "../config/telemetry_plan.ts";
import { readGpuInventory } from "../telemetry/gpu_inventory.ts";
import type { GpuInfo } from "../telemetry/nvidia_smi_csv.ts";
import { readSystemInfo, type SystemInfo } from "../telemetry/system_info.ts";
import { samplerCommand } from "./gpu_telemetry.ts";
import { redactTags } from "./telemetry_record.ts";

/**
 * What `llmload sysinfo` prints: the record a run writes into meta.json (host, GPUs, tags,
 * notes), read without running load. The server part (`server`: /version, /v1/models,
 * /metrics info series, response headers) is another module's; {@link serverRecordFor} is
 * where it plugs in.
 */
export interface SystemRecord {
  system: SystemInfo;
  /** null: no sampler command (nvidia-smi absent, or --gpu-sampler off) or it listed nothing. */
  gpus: GpuInfo[] | null;
  /** Why `gpus` is null, when a command was tried. */
  gpus_problem?: string;
  gpu_sampler: { mode: TelemetryPlan["gpuSampler"]; command: string[] | null };
  tags: Record<string, string>;
  notes: string[];
  /** The target server's record; absent until the server-record module provides it. */
  server?: Record<string, unknown>;
}

/**
 * The server's configuration record for meta.json and sysinfo. Not built here: returns
 * undefined until the server-scraper module (issue 6, server part) replaces this body with a
 * call into it.
 */
export function serverRecordFor(
  _target: { baseUrl: string; apiKey?: string } | { sim: true },
): Promise<Record<string, unknown> | undefined> {
  return Promise.resolve(undefined);
}

/** Reads the host, the GPUs (through the sampler command) and, given a target, the server. */
export async function readSystemRecord(
  telemetry: TelemetryPlan = DEFAULT_TELEMETRY,
  target?: { baseUrl: string; apiKey?: string } | { sim: true },
): Promise<SystemRecord> {
  const command = samplerCommand(telemetry);
  const inventory = command ? await readGpuInventory(command, { gpus: telemetry.gpus }) : undefined;
  const server = target ? await serverRecordFor(target) : undefined;
  return {
    system: readSystemInfo(),
    gpus: inventory?.gpus.length ? inventory.gpus : null,
    ...(inventory?.problem ? { gpus_problem: inventory.problem } : {}),
    gpu_sampler: { mode: telemetry.gpuSampler, command: command ?? null },
    tags: redactTags(telemetry.tags),
    notes: telemetry.notes,
    ...(server ? { server } : {}),
  };
}
