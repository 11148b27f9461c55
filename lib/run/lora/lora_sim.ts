import type { RunPlan } from "../../config/run_plan.ts";
import type { Dataset } from "../../workload/datasets/mod.ts";
import { localAdapters, simAdapterNames } from "./lora_setup.ts";

/**
 * The adapters a `--target sim` simulator serves for a LoRA plan (undefined without LoRA
 * flags): the whole set (a sweep's points each use their first N), the baseline adapter and the
 * dataset's adapters, less those `--load-adapters` will load at run time. `startSimTarget`
 * serves them lazily, so each adapter's first request is a cold start.
 */
export async function loraSimAdapters(
  plan: RunPlan,
  dataset: Dataset | undefined,
): Promise<string[] | undefined> {
  if (!plan.lora) return undefined;
  const lora = { ...plan.lora, adapterCount: undefined };
  return simAdapterNames(lora, await localAdapters(lora, dataset), dataset);
}
