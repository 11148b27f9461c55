import type { RunPlan } from "../config/run_plan.ts";
import { startSimWorker } from "../sim/mod.ts";
import type { SimOptions } from "../sim/mod.ts";
import type { Dataset } from "../workload/datasets/mod.ts";
import type { TokenizerFiles } from "../tokenizer/hf_tokenizer.ts";

/** The built-in simulator a `--target sim` run (or a whole sweep) talks to. */
export interface SimTarget {
  baseUrl: string;
  /** The options it was started with: the plan's `--sim-*` settings, seed, served adapters. */
  options: SimOptions;
  /** Where its ground truth goes (`--sim-truth-log`). */
  truthLogFile?: string;
  close(): Promise<void>;
}

/**
 * Starts the simulator on its own thread with the plan's settings (`plan.target.simOptions`),
 * seeded by the plan's seed, serving the `--sim-lora-adapters` plus the adapters the dataset
 * names, so `--target sim --dataset F` just works. A dataset name the simulator refuses as an
 * adapter (its own base model's name, a name with `=`) falls back to the plan's adapters alone,
 * with one warning: those requests then go to the base model or get a 404, as they would on a
 * real server. With a local tokenizer (`--tokenizer`) the simulator counts prompt tokens with it,
 * standing in for the model whose tokenizer was given.
 */
export async function startSimTarget(
  plan: RunPlan,
  options: {
    dataset?: Dataset;
    tokenizer?: TokenizerFiles;
    log(line: string): void;
    /**
     * A LoRA run's adapters (lora_sim.ts): served too, and every served adapter is registered
     * without being loaded, so its first request pays `--sim-lora-load-time` (a cold start).
     */
    loraAdapters?: readonly string[];
  },
): Promise<SimTarget> {
  const { truthLogFile, ...settings } = plan.target.simOptions ?? {};
  const base: SimOptions = {
    ...settings,
    seed: plan.seed,
    ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
    ...(options.loraAdapters ? { lazyLoraAdapters: true } : {}),
  };
  const own = base.loraAdapters ?? [];
  const ownNames = new Set(own.map((spec) => spec.split("=")[0]));
  const fromDataset = [
    ...new Set([
      ...(options.loraAdapters ?? []),
      ...options.dataset?.items.flatMap((i) => i.adapter ? [i.adapter] : []) ?? [],
    ]),
  ].filter((name) => !ownNames.has(name));
  const start = async (opts: SimOptions): Promise<SimTarget> => {
    const sim = await startSimWorker(opts, { truthLogFile });
    return { baseUrl: sim.baseUrl, options: opts, truthLogFile, close: sim.close };
  };
  if (fromDataset.length === 0) return await start(base);
  try {
    return await start({ ...base, loraAdapters: [...own, ...fromDataset] });
  } catch (e) {
    options.log(`warning: the simulator serves no dataset adapters: ${(e as Error).message}`);
    return await start(base);
  }
}
