/**
 * Adapters a server already serves, read from its `GET /v1/models` body: vLLM lists the base
 * model (`parent: null`) and one card per LoRA adapter with `parent` = the base model and
 * `root` = the adapter's path. Pure: the caller fetches and parses the body.
 */
import type { AdapterInfo } from "./adapter_info.ts";

interface ModelCard {
  id: string;
  root?: unknown;
  parent?: unknown;
}

function cards(body: unknown): ModelCard[] {
  const data = typeof body === "object" && body !== null
    ? (body as Record<string, unknown>).data
    : undefined;
  if (!Array.isArray(data)) {
    throw new TypeError('/v1/models body has no "data" list; is the target an OpenAI API server?');
  }
  return data.filter((c): c is ModelCard =>
    typeof c === "object" && c !== null && typeof (c as ModelCard).id === "string"
  );
}

/**
 * The base models in a `/v1/models` body: cards without a `parent` (null or absent), in the
 * server's order. The first is what a run without `--model` uses. Throws TypeError when the body
 * has no `data` list.
 */
export function baseModelsFromModels(body: unknown): string[] {
  return cards(body).filter((c) => c.parent === null || c.parent === undefined).map((c) => c.id);
}

/**
 * The adapters of `baseModel` in a `/v1/models` body: cards whose `parent` is `baseModel`, in
 * the server's order, with `root` as their path. Cards of other base models and malformed cards
 * are left out. Throws TypeError when the body has no `data` list.
 */
export function adaptersFromModels(
  body: unknown,
  options: { baseModel: string },
): AdapterInfo[] {
  return cards(body)
    .filter((c) => c.parent === options.baseModel && c.id !== options.baseModel)
    .map((c) => {
      const a: AdapterInfo = { name: c.id, source: "models", baseModel: options.baseModel };
      if (typeof c.root === "string" && c.root !== "") a.path = c.root;
      return a;
    });
}
