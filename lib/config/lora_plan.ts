import { z } from "zod";

/**
 * The `lora` section of a RunPlan: which adapter set a run uses, how each request picks its
 * adapter, and which of the LoRA modes runs. Plain data, checked here for shape; strategy syntax
 * and names are checked by the CLI (with the workload layer's `parseSelection`), and the set
 * itself is assembled by the run (a directory and the server's `/v1/models` are read there).
 */

/** `multi`: the set's adapters; `baseline`: one adapter for every request; `base`: no adapter;
 * `compare`: baseline, then multi (then base), with the same prompts, seed and schedule. */
export const LORA_MODES = ["multi", "baseline", "base", "compare"] as const;

/** One LoRA mode. */
export type LoraMode = typeof LORA_MODES[number];

export const LoraPlanSchema = z.object({
  mode: z.enum(LORA_MODES),
  /** `--adapters a,b,c`: adapter names, in set order. */
  adapters: z.array(z.string().min(1)).optional(),
  /** `--adapters-dir DIR`: one folder per adapter, each with `adapter_config.json`. */
  adaptersDir: z.string().min(1).optional(),
  /** `--adapters-from-server`: the target's `/v1/models` entries whose parent is the base. */
  fromServer: z.boolean(),
  /** Strategy as the flag spells it (`round-robin`, `zipf:1.1`, `weighted:a=3,b=1`); undefined =
   * `dataset` when the dataset names adapters and no set is given, else `round-robin`. */
  selection: z.string().min(1).optional(),
  /** The one adapter of `baseline` mode (and of the baseline run of `compare`). */
  baselineAdapter: z.string().min(1).optional(),
  /** `compare` also runs the base model without any adapter. */
  withBase: z.boolean(),
  /** Load every adapter of the set through `POST /v1/load_lora_adapter` before the run. */
  loadAdapters: z.boolean(),
  /** With `loadAdapters`: unload them again after the run. */
  unloadAfter: z.boolean(),
  /** Use only the set's first N adapters (the `adapterCount` sweep axis). */
  adapterCount: z.number().int().positive().optional(),
});

/** A validated `lora` section. */
export type LoraPlan = z.infer<typeof LoraPlanSchema>;

/** The `lora` field of a scenario: the same choices as the flags, as data. */
export const LoraScenarioSchema = z.strictObject({
  /** Adapter names (`--adapters`). */
  adapters: z.array(z.string().min(1)).min(1).optional(),
  /** `--adapters-dir`. */
  adaptersDir: z.string().min(1).optional(),
  /** `--adapters-from-server`. */
  fromServer: z.boolean().optional(),
  /** `--adapter-selection`, e.g. "round-robin", "zipf:1.1". */
  selection: z.string().min(1).optional(),
  mode: z.enum(LORA_MODES).optional(),
  baselineAdapter: z.string().min(1).optional(),
  withBase: z.boolean().optional(),
  loadAdapters: z.boolean().optional(),
  unloadAfter: z.boolean().optional(),
});
