import type { RunPlan } from "../config/run_plan.ts";
import { startSimWorker, type WorkerSim } from "../sim/sim_worker.ts";
import { localAdapters, simAdapterNames } from "./lora_setup.ts";

/**
 * The simulator's LoRA settings for `llmload run --target sim` with LoRA flags: 2 adapters may
 * share a step (`max_loras`, so a set of 8 has to queue for slots), 16 are kept in memory, and
 * each adapter's first use costs a 30 ms load (adapters are registered but not loaded at start,
 * so the first request to each is a cold start).
 */
export const SIM_LORA_DEFAULTS = { maxLoras: 2, maxCpuLoras: 16, loraLoadMs: 30 } as const;

/** Starts the simulator serving `adapters` with {@link SIM_LORA_DEFAULTS}. */
export async function startLoraSim(
  seed: number,
  adapters: readonly string[],
  log: (line: string) => void,
): Promise<WorkerSim> {
  const engine = { ...SIM_LORA_DEFAULTS };
  try {
    return await startSimWorker({
      seed,
      engine,
      loraAdapters: adapters.length > 0 ? adapters.slice() : undefined,
      lazyLoraAdapters: true,
    });
  } catch (e) {
    log(`warning: the simulator serves no adapters: ${(e as Error).message}`);
    return await startSimWorker({ seed, engine });
  }
}

/**
 * The one simulator of a LoRA sweep (`--target sim`): it serves the whole set (each point uses
 * its first N), the baseline adapter, with {@link SIM_LORA_DEFAULTS}.
 */
export async function startLoraSweepSim(
  plan: RunPlan,
  log: (line: string) => void,
): Promise<WorkerSim> {
  const lora = { ...plan.lora!, adapterCount: undefined };
  const local = await localAdapters(lora, undefined);
  return await startLoraSim(plan.seed, simAdapterNames(lora, local, undefined), log);
}
