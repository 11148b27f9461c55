import type { z } from "zod";
import {
  LORA_MODES,
  type LoraMode,
  type LoraPlan,
  type LoraScenarioSchema,
} from "../config/lora_plan.ts";
import {
  adapterNameProblem,
  parseAdapterList,
  parseSelection,
  selectionProblems,
} from "../workload/lora/mod.ts";
import { flagReaders, type FlagValues } from "./flag_readers.ts";

/** The LoRA flags of `llmload run`, as node:util parseArgs options (spread into RUN_OPTIONS). */
export const LORA_OPTIONS = {
  adapters: { type: "string" },
  "adapters-dir": { type: "string" },
  "adapters-from-server": { type: "boolean" },
  "adapter-selection": { type: "string" },
  "adapter-count": { type: "string" },
  "lora-mode": { type: "string" },
  "baseline-adapter": { type: "string" },
  "with-base": { type: "boolean" },
  "load-adapters": { type: "boolean" },
  "unload-after": { type: "boolean" },
} as const;

/** What the LoRA flags are checked against. */
export interface LoraArgsContext {
  /** Batch size for distinct/uniform/identical: the concurrency (closed) or in-flight cap. */
  batchSize?: number;
  /** True when --dataset is given (the `dataset` strategy needs it). */
  dataset: boolean;
}

/**
 * The `lora` section from the LoRA flags, or undefined when none is given. Every problem is
 * appended to `problems` (the caller throws them together with the other flags' problems).
 * What can only be known at run time (a directory's adapters, the server's list) is checked then.
 */
export function loraSection(
  values: FlagValues,
  problems: string[],
  context: LoraArgsContext,
): LoraPlan | undefined {
  if (!Object.keys(LORA_OPTIONS).some((k) => values[k] !== undefined)) return undefined;
  const { str, bool: flag, posInt } = flagReaders(values, problems);

  const rawMode = str("lora-mode") ?? "multi";
  let mode: LoraMode = "multi";
  if ((LORA_MODES as readonly string[]).includes(rawMode)) mode = rawMode as LoraMode;
  else problems.push(`--lora-mode must be one of ${LORA_MODES.join(", ")} (got "${rawMode}")`);

  let adapters: string[] | undefined;
  if (str("adapters") !== undefined) {
    const parsed = parseAdapterList(str("adapters")!, { what: "--adapters" });
    if ("problems" in parsed) problems.push(...parsed.problems);
    else if (parsed.adapters.length === 0) {
      problems.push(
        "--adapters needs at least one adapter name, e.g. --adapters sql-lora,chat-lora",
      );
    } else adapters = parsed.adapters.map((a) => a.name);
  }
  const adaptersDir = str("adapters-dir");
  if (adaptersDir !== undefined) {
    try {
      if (!Deno.statSync(adaptersDir).isDirectory) throw new Error("not a directory");
    } catch {
      problems.push(
        `--adapters-dir must be a directory holding one folder per adapter (no directory "${adaptersDir}")`,
      );
    }
  }

  const baselineAdapter = str("baseline-adapter");
  if (baselineAdapter !== undefined) {
    const p = adapterNameProblem(baselineAdapter);
    if (p) problems.push(`--baseline-adapter "${baselineAdapter}" ${p}`);
  }
  if ((mode === "baseline" || mode === "compare") && baselineAdapter === undefined) {
    problems.push(
      `--lora-mode ${mode} needs --baseline-adapter NAME (the one adapter every baseline request uses)`,
    );
  }
  if (mode !== "compare" && flag("with-base")) {
    problems.push(
      "--with-base adds a base-model run to --lora-mode compare; add --lora-mode compare",
    );
  }
  if (flag("unload-after") && !flag("load-adapters")) {
    problems.push("--unload-after unloads what --load-adapters loaded; add --load-adapters");
  }
  const adapterCount = posInt("adapter-count");

  if (
    adapterCount !== undefined && adapters !== undefined && adaptersDir === undefined &&
    !flag("adapters-from-server") && adapterCount > adapters.length
  ) {
    problems.push(
      `--adapter-count ${adapterCount}: --adapters lists only ${adapters.length} adapters`,
    );
  }
  const selection = str("adapter-selection");
  if (selection !== undefined) {
    // Only what the flags alone decide: a directory or the server may still add adapters.
    const growing = adaptersDir !== undefined || flag("adapters-from-server");
    const known = growing ? undefined : adapters?.slice(0, adapterCount);
    problems.push(...selectionFlagProblems(selection, mode, known, context));
  }

  return {
    mode,
    adapters,
    adaptersDir,
    fromServer: flag("adapters-from-server"),
    selection,
    baselineAdapter,
    withBase: flag("with-base"),
    loadAdapters: flag("load-adapters"),
    unloadAfter: flag("unload-after"),
    adapterCount,
  };
}

/** `--adapter-selection`'s problems, given the mode and the adapters the flags name. */
function selectionFlagProblems(
  selection: string,
  mode: LoraMode,
  known: string[] | undefined,
  context: LoraArgsContext,
): string[] {
  const spec = parseSelection(selection, { what: "--adapter-selection" });
  if ("problem" in spec) return [spec.problem];
  if (mode === "baseline" || mode === "base") {
    return [`--adapter-selection picks adapters for --lora-mode multi or compare, not ${mode}`];
  }
  return selectionProblems(spec, {
    adapters: known ?? [],
    batchSize: context.batchSize,
    datasetItems: context.dataset ? 1 : 0,
    what: "--adapter-selection",
  }).filter((p) => known !== undefined || !p.includes("needs an adapter set"));
}

/** A scenario's `lora` field as `llmload run` flags (name → value; true for a boolean flag). */
export function loraScenarioFlags(
  lora: z.input<typeof LoraScenarioSchema> | undefined,
): [string, string | boolean | undefined][] {
  if (!lora) return [];
  return [
    ["adapters", lora.adapters?.join(",")],
    ["adapters-dir", lora.adaptersDir],
    ["adapters-from-server", lora.fromServer],
    ["adapter-selection", lora.selection],
    ["lora-mode", lora.mode],
    ["baseline-adapter", lora.baselineAdapter],
    ["with-base", lora.withBase],
    ["load-adapters", lora.loadAdapters],
    ["unload-after", lora.unloadAfter],
  ];
}
