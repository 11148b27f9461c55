import type { LoraPlan } from "../../config/lora_plan.ts";
import type { RunPlan } from "../../config/run_plan.ts";
import { UsageError } from "../../config/usage_error.ts";
import type { Dataset } from "../../workload/datasets/mod.ts";
import {
  type AdapterInfo,
  adapterInfoToJson,
  adaptersFromDataset,
  adaptersFromModels,
  baseModelMismatches,
  createAdapterSelector,
  describeSelection,
  parseSelection,
  readAdaptersDir,
  type SelectionSpec,
} from "../../workload/lora/mod.ts";
import {
  type AdapterLoadTiming,
  loadAdapters,
  loadTimingToJson,
  unloadAdapters,
} from "./adapter_loading.ts";
import { TargetError } from "../resolve_target.ts";
import { LORA_TIMELINE_FILE } from "./lora_timeline.ts";

/**
 * The LoRA side of one run (modes multi, baseline and base; compare is three such runs): the
 * adapter set assembled from its sources, the per-request adapter, and runtime loading.
 *
 * The set, in this order, each name once (the first source to name an adapter describes it):
 * `--adapters`, then `--adapters-dir`, then the server's `/v1/models` adapters of the base model
 * (with `--adapters-from-server`, or on its own when a strategy needs a set and no other source
 * gives one), then — only when none of those is given — the adapters the dataset names.
 * `--adapter-count N` keeps the first N.
 */

/** What a run needs to know about its LoRA setup. */
export interface LoraRun {
  mode: Exclude<LoraPlan["mode"], "compare">;
  /** The adapter set (after `adapterCount`). */
  adapters: AdapterInfo[];
  /** The strategy as a flag value (`round-robin`, `zipf:1.1`), or the mode's fixed choice. */
  selection: string;
  /** The adapter request `index` sends as `model`; undefined = the base model. */
  adapterFor(index: number): string | undefined;
  /** Timed runtime loads (empty without `--load-adapters`). */
  loads: AdapterLoadTiming[];
  /** Timed runtime unloads, filled by {@link finishLora}. */
  unloads: AdapterLoadTiming[];
  /** `vllm:lora_requests_info` samples written to lora_timeline.jsonl (0: none, no file). */
  timelineSamples: number;
}

/**
 * The adapters known before the target is touched (list, directory, dataset), for the
 * simulator to serve. Reads `--adapters-dir` (a UsageError lists every bad folder).
 */
export async function localAdapters(
  lora: LoraPlan,
  dataset: Dataset | undefined,
): Promise<AdapterInfo[]> {
  const set = mergeAdapters(
    (lora.adapters ?? []).map((name): AdapterInfo => ({ name, source: "list" })),
    lora.adaptersDir ? await readAdaptersDir(lora.adaptersDir) : [],
  );
  const fromDataset = dataset ? adaptersFromDataset(dataset.items) : [];
  return set.length > 0 || lora.fromServer ? set : fromDataset;
}

/** Adapter names the simulator should serve from its start for this plan. */
export function simAdapterNames(
  lora: LoraPlan,
  local: readonly AdapterInfo[],
  dataset: Dataset | undefined,
): string[] {
  const names = new Set<string>(local.map((a) => a.name));
  if (lora.baselineAdapter) names.add(lora.baselineAdapter);
  for (const a of dataset ? adaptersFromDataset(dataset.items) : []) names.add(a.name);
  // Adapters loaded at run time must not be served already (the load would be refused).
  if (lora.loadAdapters) { for (const n of loadNames(lora, local)) names.delete(n); }
  return [...names];
}

function loadNames(lora: LoraPlan, set: readonly AdapterInfo[]): string[] {
  const names = set.slice(0, lora.adapterCount).map((a) => a.name);
  if (lora.baselineAdapter && !names.includes(lora.baselineAdapter)) {
    names.push(lora.baselineAdapter);
  }
  return names;
}

function mergeAdapters(...lists: AdapterInfo[][]): AdapterInfo[] {
  const byName = new Map<string, AdapterInfo>();
  for (const list of lists) {
    for (const a of list) if (!byName.has(a.name)) byName.set(a.name, a);
  }
  return [...byName.values()];
}

async function serverAdapters(
  baseUrl: string,
  options: { baseModel: string; apiKey?: string },
): Promise<AdapterInfo[]> {
  const url = `${baseUrl.replace(/\/+$/, "")}/models`;
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    return adaptersFromModels(await res.json(), { baseModel: options.baseModel });
  } catch (e) {
    throw new TargetError(
      `--adapters-from-server: GET ${url} gave no model list (${(e as Error).message})`,
    );
  }
}

/**
 * Assembles the set, builds the per-request selector and (with `--load-adapters`) loads the
 * adapters, all before the run directory exists. Throws UsageError for a selection the set
 * cannot serve (every problem at once) and TargetError when the server refuses a load.
 */
export async function prepareLora(
  plan: RunPlan & { lora: LoraPlan },
  context: {
    baseUrl: string;
    /** The base model (the resolved target model). */
    model: string;
    local: AdapterInfo[];
    dataset?: Dataset;
    log(line: string): void;
  },
): Promise<LoraRun> {
  const lora = plan.lora;
  if (lora.mode === "compare") throw new Error("prepareLora: compare runs one mode at a time");
  const hasDatasetAdapters = context.dataset?.items.some((i) => i.adapter !== undefined) ?? false;
  const explicitSet = lora.adapters !== undefined || lora.adaptersDir !== undefined;
  const spec: SelectionSpec = lora.selection ? parseSelection(lora.selection) as SelectionSpec : {
    strategy: hasDatasetAdapters && !explicitSet && !lora.fromServer ? "dataset" : "round-robin",
  };

  let set = context.local;
  const needsSet = lora.mode === "multi" && spec.strategy !== "none" &&
    spec.strategy !== "dataset";
  if (lora.fromServer || (needsSet && set.length === 0)) {
    const fromServer = await serverAdapters(context.baseUrl, {
      baseModel: context.model,
      apiKey: plan.target.apiKey,
    });
    if (!lora.fromServer) {
      context.log(
        `adapters: none given; using the ${fromServer.length} adapters the server lists for ` +
          `${context.model} (GET /v1/models)`,
      );
    }
    set = mergeAdapters(set, fromServer);
  }
  if (lora.adapterCount !== undefined) {
    if (lora.adapterCount > set.length) {
      throw new UsageError(
        `--adapter-count ${lora.adapterCount}: the adapter set has only ${set.length} adapters`,
      );
    }
    set = set.slice(0, lora.adapterCount);
  }
  for (const w of baseModelMismatches(set, context.model)) context.log(`warning: ${w}`);

  let adapterFor: (index: number) => string | undefined;
  let selection: string;
  if (lora.mode === "base") {
    adapterFor = () => undefined;
    selection = "none";
  } else if (lora.mode === "baseline") {
    const one = lora.baselineAdapter!;
    adapterFor = () => one;
    selection = `baseline:${one}`;
  } else {
    const selector = createAdapterSelector(spec, {
      adapters: set.map((a) => a.name),
      seed: plan.seed,
      batchSize: batchSize(plan),
      items: context.dataset?.items,
      what: "--adapter-selection",
    });
    adapterFor = (i) => selector.adapterFor(i);
    selection = describeSelection(spec);
  }

  const loads = lora.loadAdapters
    ? await loadAdapters(
      context.baseUrl,
      loadNames(lora, set).map((name) => set.find((a) => a.name === name) ?? { name }),
      { apiKey: plan.target.apiKey },
    )
    : [];
  return {
    mode: lora.mode,
    adapters: set,
    selection,
    adapterFor,
    loads,
    unloads: [],
    timelineSamples: 0,
  };
}

/** B of the batch-shaped strategies: the users (the most of any stage), or the in-flight cap. */
function batchSize(plan: RunPlan): number | undefined {
  const load = plan.load;
  if (load.mode === "open") return load.maxInFlight;
  return load.concurrency ?? Math.max(...(load.stages ?? []).map((s) => s.concurrency));
}

/** After the run: unloads what was loaded, when `--unload-after` asks. */
export async function finishLora(
  plan: RunPlan & { lora: LoraPlan },
  run: LoraRun,
  baseUrl: string,
): Promise<void> {
  if (!plan.lora.unloadAfter || run.loads.length === 0) return;
  run.unloads = await unloadAdapters(baseUrl, run.loads.map((l) => l.adapter), {
    apiKey: plan.target.apiKey,
  });
}

/** The `lora` key of meta.json: mode, strategy, the set (PEFT fields) and load timings. */
export function loraMeta(
  plan: RunPlan & { lora: LoraPlan },
  run: LoraRun,
): Record<string, unknown> {
  return {
    mode: run.mode,
    selection: run.selection,
    baseline_adapter: plan.lora.baselineAdapter ?? null,
    adapter_count: run.adapters.length,
    adapters: run.adapters.map(adapterInfoToJson),
    loads: run.loads.map(loadTimingToJson),
    unloads: run.unloads.map(loadTimingToJson),
    // The server's running/waiting adapters over time (vllm:lora_requests_info), when exposed.
    timeline: run.timelineSamples > 0
      ? { file: LORA_TIMELINE_FILE, samples: run.timelineSamples }
      : null,
  };
}
