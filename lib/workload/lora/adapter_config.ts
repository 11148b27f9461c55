/**
 * Parses a PEFT `adapter_config.json` (the file every LoRA adapter directory holds beside its
 * weights) into an {@link AdapterInfo}. Pure: text in, adapter or problems out; reading the
 * directory is `adapters_dir.ts`'s job.
 *
 * Fields read: `r` (rank, a positive integer; required), `lora_alpha` (a positive number;
 * required), `target_modules` (a non-empty list of names, or one regex string; required),
 * `base_model_name_or_path` (a string, or null/absent when unknown), and `peft_type` (when
 * present it must be "LORA": other PEFT methods are not LoRA adapters vLLM can serve).
 */
import type { AdapterInfo } from "./adapter_info.ts";

/** Where the config lives and what the adapter is called, for the result and the messages. */
export interface AdapterConfigSource {
  /** Adapter name (its folder's name). */
  name: string;
  /** The adapter's directory, recorded as its path. */
  dir: string;
  /** The config file as messages should name it. */
  file: string;
}

/** The adapter described by `text`, or every problem with it (each naming file and field). */
export function parseAdapterConfig(
  text: string,
  source: AdapterConfigSource,
): { adapter: AdapterInfo } | { problems: string[] } {
  const at = (field: string, message: string) => `${source.file}: field "${field}" ${message}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {
      problems: [`${source.file}: not valid JSON (${(e as Error).message}); fix the file`],
    };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { problems: [`${source.file}: must hold a JSON object (PEFT's adapter_config.json)`] };
  }
  const o = json as Record<string, unknown>;
  const problems: string[] = [];

  if (o.peft_type !== undefined && o.peft_type !== "LORA") {
    problems.push(at("peft_type", `must be "LORA" (got ${JSON.stringify(o.peft_type)})`));
  }
  const r = o.r;
  if (r === undefined) problems.push(at("r", "is missing; give the LoRA rank, e.g. 8"));
  else if (typeof r !== "number" || !Number.isInteger(r) || r <= 0) {
    problems.push(at("r", `must be a positive integer (got ${JSON.stringify(r)})`));
  }
  const alpha = o.lora_alpha;
  if (alpha === undefined) problems.push(at("lora_alpha", "is missing; give it, e.g. 16"));
  else if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha <= 0) {
    problems.push(at("lora_alpha", `must be a number > 0 (got ${JSON.stringify(alpha)})`));
  }
  const tm = o.target_modules;
  let targetModules: string[] | string | undefined;
  if (tm === undefined || tm === null) {
    problems.push(at("target_modules", 'is missing; give a list such as ["q_proj", "v_proj"]'));
  } else if (typeof tm === "string" && tm.length > 0) targetModules = tm;
  else if (
    Array.isArray(tm) && tm.length > 0 && tm.every((m) => typeof m === "string" && m.length > 0)
  ) targetModules = tm as string[];
  else {
    problems.push(
      at(
        "target_modules",
        `must be a non-empty list of module names or a regex string (got ${JSON.stringify(tm)})`,
      ),
    );
  }
  const base = o.base_model_name_or_path;
  if (base !== undefined && base !== null && (typeof base !== "string" || base === "")) {
    problems.push(
      at("base_model_name_or_path", `must be a model name or path (got ${JSON.stringify(base)})`),
    );
  }
  if (problems.length > 0) return { problems };

  const adapter: AdapterInfo = {
    name: source.name,
    source: "dir",
    path: source.dir,
    rank: r as number,
    alpha: alpha as number,
    targetModules,
  };
  if (typeof base === "string") adapter.baseModel = base;
  return { adapter };
}
