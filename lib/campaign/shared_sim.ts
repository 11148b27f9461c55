import type { RunPlan } from "../config/run_plan.ts";
import { loadDatasetPrompts } from "../workload/dataset_prompts.ts";
import { loadLocalTokenizer } from "../workload/local_tokenizer.ts";
import { loraSimAdapters } from "../run/lora/lora_sim.ts";
import { type SimTarget, startSimTarget } from "../run/sim_target.ts";

/**
 * The one simulator a multi-run command (a sweep, a search) shares across its runs, for a
 * `--target sim` plan (undefined otherwise): serving the dataset's and the LoRA set's adapters
 * and counting tokens with the local tokenizer. The dataset is read here only for its adapters;
 * each run reads it again, with its own checks.
 */
export async function startSharedSim(
  plan: RunPlan,
  log: (line: string) => void,
): Promise<SimTarget | undefined> {
  if (!plan.target.sim) return undefined;
  const dataset = plan.dataset
    ? await loadDatasetPrompts(plan.dataset, {
      seed: plan.seed,
      endpoint: plan.endpoint,
      log: () => {},
    })
    : undefined;
  return await startSimTarget(plan, {
    dataset,
    tokenizer: plan.request.tokenizer && !plan.dataset
      ? (await loadLocalTokenizer(plan.request.tokenizer)).files
      : undefined,
    log,
    loraAdapters: await loraSimAdapters(plan, dataset),
  });
}
