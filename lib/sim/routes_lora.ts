/**
 * `POST /v1/load_lora_adapter` and `POST /v1/unload_lora_adapter`, as vLLM serves them with
 * `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True`: `{lora_name, lora_path}` / `{lora_name}` in; on
 * success status 200 with a plain-text body (`Success: LoRA adapter 'x' added successfully.`),
 * otherwise vLLM's JSON error body (400 `InvalidUserInput` when a field is missing or the name
 * is already loaded, 404 `NotFoundError` when unloading an unknown name).
 */

import type { AdapterRegistry } from "./adapters.ts";
import { errorBody } from "./openai_shapes.ts";
import type { WholeReply } from "./sim_reply.ts";

const enc = new TextEncoder();

/** Which adapter operation a request asks for. */
export type LoraOperation = "load" | "unload";

/** The engine's side of adapter loading (which adapters are resident), when it has one. */
export interface AdapterEngine {
  loadAdapter(name: string): boolean;
  unloadAdapter(name: string): boolean;
}

/**
 * Applies a parsed request body to the registry (and, on success, to the engine) and returns
 * the HTTP reply (status 200 on success).
 */
export function loraRoute(
  operation: LoraOperation,
  body: unknown,
  options: { registry: AdapterRegistry; engine?: AdapterEngine },
): WholeReply {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const { registry, engine } = options;
  const result = operation === "load"
    ? registry.load(b.lora_name, b.lora_path)
    : registry.unload(b.lora_name);
  if (result.ok) {
    const name = b.lora_name as string;
    if (operation === "load") engine?.loadAdapter(name);
    else engine?.unloadAdapter(name);
    return {
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: enc.encode(result.message),
    };
  }
  return {
    status: result.status,
    headers: { "content-type": "application/json" },
    body: enc.encode(
      JSON.stringify(errorBody(result.status, result.message, { type: result.type })),
    ),
  };
}
