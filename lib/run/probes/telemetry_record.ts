import type { RunPlan } from "../../config/run_plan.ts";
import { DEFAULT_TELEMETRY, isSecretTagKey } from "../../config/telemetry_plan.ts";
import { type RunWindows, summarizeGpu } from "../../metrics/gpu_summary.ts";
import type { Summary } from "../../metrics/summary.ts";
import { readSystemInfo } from "../../telemetry/system_info.ts";
import type { GpuTelemetry } from "./gpu_telemetry.ts";

/**
 * meta.json's record of what produced a run, beyond the plan: the host (`system`), its GPUs
 * (`gpus`, from nvidia-smi; null without a sampler), the user's `tags` and `notes`, and how GPU
 * sampling went (`gpu_sampler`). The server record (`server`) is another module's.
 */

/** Tags as recorded: values under secret-looking keys replaced by `***`. */
export function redactTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).map(([k, v]) => [k, isSecretTagKey(k) ? "***" : v]),
  );
}

/** meta.json's telemetry keys. */
export type { TelemetryMeta } from "../../results/meta_json.ts";
import type { TelemetryMeta } from "../../results/meta_json.ts";

/** The record written with the first meta.json (the sampler's outcome is filled in at the end). */
export async function telemetryMeta(
  plan: RunPlan,
  gpu: GpuTelemetry,
): Promise<TelemetryMeta> {
  const t = plan.telemetry ?? DEFAULT_TELEMETRY;
  const inventory = await gpu.inventory;
  return {
    system: readSystemInfo(),
    gpus: inventory && inventory.gpus.length ? inventory.gpus : null,
    tags: redactTags(t.tags),
    notes: t.notes,
    gpu_sampler: { mode: t.gpuSampler, status: "running" },
  };
}

/**
 * After the load: the sampler's record into meta (`gpu_sampler`), and the summary with its
 * `gpu` key (null when no sample arrived).
 */
export async function finishTelemetry(
  summary: Summary,
  run: {
    windows: RunWindows;
    telemetry: { gpu: GpuTelemetry; meta: TelemetryMeta };
  },
): Promise<Summary> {
  run.telemetry.meta.gpu_sampler = await run.telemetry.gpu.stop();
  const gpu = summarizeGpu(run.telemetry.gpu.samples(), run.windows, {
    outputTokens: summary.tokens.output_total,
  });
  return { ...summary, gpu };
}
