/**
 * What llmload knows about one LoRA adapter, whichever way the set was given: a `--adapters`
 * list (name only), an adapters directory (PEFT `adapter_config.json`: rank, alpha, target
 * modules, base model), the server's `/v1/models` (name, path, parent), or a dataset's
 * `adapter_name` fields. The name is what requests send as `model`.
 */

/** Where an adapter's description came from. */
export type AdapterSource = "list" | "dir" | "models" | "dataset";

/** One adapter. Optional fields are absent when the source did not say. */
export interface AdapterInfo {
  /** Served adapter name: what a request sends as `model`. */
  name: string;
  source: AdapterSource;
  /** Adapter directory (dir: absolute path; models: the card's `root`; dataset: as written). */
  path?: string;
  /** LoRA rank `r` (adapter_config.json). */
  rank?: number;
  /** `lora_alpha` (adapter_config.json); the adapter's scaling is alpha / r. */
  alpha?: number;
  /** `target_modules`: a list of module names, or one regex string as PEFT allows. */
  targetModules?: string[] | string;
  /** `base_model_name_or_path` (dir) or `parent` (models): the model the adapter was made for. */
  baseModel?: string;
}

/** The JSON form of an adapter for `meta.json` and reports (snake_case, PEFT's own key names). */
export interface AdapterInfoJson {
  name: string;
  source: AdapterSource;
  path: string | null;
  r: number | null;
  lora_alpha: number | null;
  target_modules: string[] | string | null;
  base_model_name_or_path: string | null;
}

/** `adapter` as JSON (absent fields become null, so every entry has every key). */
export function adapterInfoToJson(adapter: AdapterInfo): AdapterInfoJson {
  return {
    name: adapter.name,
    source: adapter.source,
    path: adapter.path ?? null,
    r: adapter.rank ?? null,
    lora_alpha: adapter.alpha ?? null,
    target_modules: adapter.targetModules ?? null,
    base_model_name_or_path: adapter.baseModel ?? null,
  };
}

/**
 * Adapters whose recorded base model differs from `baseModel`, as warnings
 * (`adapter "x" was made for "m1", the target serves "m2"`). vLLM refuses or misbehaves with
 * such adapters, but a local path and a hub name can both name the same model, so this is a
 * warning for the caller to print, not a refusal.
 */
export function baseModelMismatches(
  adapters: readonly AdapterInfo[],
  baseModel: string,
): string[] {
  return adapters
    .filter((a) => a.baseModel !== undefined && a.baseModel !== baseModel)
    .map((a) =>
      `adapter "${a.name}" was made for "${a.baseModel}", but the base model is "${baseModel}"`
    );
}
