/**
 * LoRA adapter sets (from a list, an adapters directory, a server's `/v1/models` or a dataset)
 * and per-request adapter selection strategies, seeded per request index.
 * @module
 */
export {
  type AdapterInfo,
  type AdapterInfoJson,
  adapterInfoToJson,
  type AdapterSource,
  baseModelMismatches,
} from "./adapter_info.ts";
export { adapterListProblems, adapterNameProblem, parseAdapterList } from "./adapter_list.ts";
export { type AdapterConfigSource, parseAdapterConfig } from "./adapter_config.ts";
export { ADAPTER_CONFIG_FILE, readAdaptersDir } from "./adapters_dir.ts";
export { adaptersFromModels, baseModelsFromModels } from "./models_adapters.ts";
export { adaptersFromDataset } from "./dataset_adapters.ts";
export {
  DEFAULT_ZIPF_S,
  describeSelection,
  parseSelection,
  type PlainStrategy,
  SELECTION_STRATEGIES,
  type SelectionContext,
  selectionProblems,
  type SelectionSpec,
  type SelectionStrategy,
  uniformPoolSize,
} from "./selection_spec.ts";
export {
  type AdapterSelector,
  type AdapterSelectorOptions,
  createAdapterSelector,
} from "./adapter_selector.ts";
