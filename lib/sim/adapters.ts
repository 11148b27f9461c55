/**
 * The simulator's LoRA adapter registry: adapters named at start plus those loaded at run time
 * through `POST /v1/load_lora_adapter` (vLLM with `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True`).
 * It only records names and paths: no files are read, and which adapters are resident in GPU
 * slots is the engine's business, not this registry's.
 *
 * Results mirror vLLM's `OpenAIServingModels`: success is a plain-text message, refusals carry
 * vLLM's status, error type and message.
 */

/** A registered adapter. */
export interface LoraAdapter {
  /** Name requests use as their `model`. */
  name: string;
  /** `lora_path` it was loaded from (reported as `root` in `/v1/models`). */
  path: string;
  /** When it was registered, Unix seconds. */
  created: number;
}

/** Outcome of a load or unload, shaped for the HTTP layer. */
export type AdapterResult =
  | { ok: true; message: string }
  | { ok: false; status: 400 | 404; type: string; message: string };

/** The registry's operations. */
export interface AdapterRegistry {
  has(name: string): boolean;
  /** Adapters in registration order. */
  list(): LoraAdapter[];
  /** Registers `name` at `path`; 400 when either is empty or `name` is already taken. */
  load(name: unknown, path: unknown): AdapterResult;
  /** Removes `name`; 400 when it is missing from the request, 404 when not registered. */
  unload(name: unknown): AdapterResult;
}

/** Directory the simulator pretends adapters named without a path live in. */
export const DEFAULT_LORA_DIR = "/sim/loras";

/**
 * Parses one start-up adapter spec, as vLLM's `--lora-modules` takes it: `name=path`, or just
 * `name` (path `/sim/loras/<name>`).
 */
export function parseAdapterSpec(spec: string): { name: string; path: string } {
  const eq = spec.indexOf("=");
  const name = (eq < 0 ? spec : spec.slice(0, eq)).trim();
  const path = eq < 0 ? `${DEFAULT_LORA_DIR}/${name}` : spec.slice(eq + 1).trim();
  return { name, path };
}

/** Problems with start-up adapter specs (empty names or paths, duplicates, the base name). */
export function adapterSpecProblems(specs: readonly string[], baseModel: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    const { name, path } = parseAdapterSpec(spec);
    if (!name || !path) problems.push(`loraAdapters entry "${spec}" needs a name (and a path)`);
    else if (name === baseModel) {
      problems.push(`loraAdapters entry "${spec}" reuses the base model's name`);
    } else if (seen.has(name)) problems.push(`loraAdapters names "${name}" twice`);
    seen.add(name);
  }
  return problems;
}

/**
 * Creates a registry holding the start-up adapters (specs as in {@link parseAdapterSpec},
 * already validated with {@link adapterSpecProblems}). `now` gives Unix seconds (injectable
 * for tests).
 */
export function createAdapterRegistry(
  specs: readonly string[],
  options: { baseModel: string; now?: () => number },
): AdapterRegistry {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const adapters = new Map<string, LoraAdapter>();
  for (const spec of specs) {
    const { name, path } = parseAdapterSpec(spec);
    adapters.set(name, { name, path, created: now() });
  }
  const invalid = (message: string): AdapterResult => ({
    ok: false,
    status: 400,
    type: "InvalidUserInput",
    message,
  });

  return {
    has: (name) => adapters.has(name),
    list: () => [...adapters.values()],
    load(name, path) {
      if (typeof name !== "string" || !name || typeof path !== "string" || !path) {
        return invalid("Both 'lora_name' and 'lora_path' must be provided.");
      }
      if (adapters.has(name)) {
        return invalid(`The lora adapter '${name}' has already been loaded.`);
      }
      // vLLM would let the adapter shadow nothing here: requests naming the base model always
      // reach the base model, so an adapter with its name could never be used.
      if (name === options.baseModel) {
        return invalid(`The lora adapter name '${name}' is the base model's name.`);
      }
      adapters.set(name, { name, path, created: now() });
      return { ok: true, message: `Success: LoRA adapter '${name}' added successfully.` };
    },
    unload(name) {
      if (typeof name !== "string" || !name) {
        return invalid("either 'lora_name' and 'lora_int_id' needs to be provided.");
      }
      if (!adapters.delete(name)) {
        return {
          ok: false,
          status: 404,
          type: "NotFoundError",
          message: `The lora adapter '${name}' cannot be found.`,
        };
      }
      return { ok: true, message: `Success: LoRA adapter '${name}' removed successfully.` };
    },
  };
}
