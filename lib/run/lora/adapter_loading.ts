import { TargetError } from "../resolve_target.ts";

/**
 * Runtime adapter loading (`--load-adapters`, `--unload-after`): `POST /v1/load_lora_adapter`
 * and `/v1/unload_lora_adapter`, as vLLM serves them when started with
 * `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True`. Each call is timed. A server that refuses runtime
 * loading (404 or 405: the route does not exist) or refuses an adapter (400: bad path) stops the
 * run before any load is sent, as a TargetError (exit code 4) naming the adapter and the fix.
 * "Already loaded" (400 with that message) counts as loaded: the adapter is there either way.
 */

/** One timed load or unload, as meta.json records it. */
export interface AdapterLoadTiming {
  adapter: string;
  /** The `lora_path` sent (load only). */
  path?: string;
  /** HTTP status of the answer. */
  status: number;
  /** Round-trip time of the call, ms. */
  ms: number;
  /** True when the server said the adapter was already loaded (load) or not there (unload). */
  already: boolean;
}

/** vLLM mounts the LoRA routes beside the API: `<base>/load_lora_adapter`, base ending in /v1. */
function loraRoute(baseUrl: string, op: "load" | "unload"): string {
  return `${baseUrl.replace(/\/+$/, "")}/${op}_lora_adapter`;
}

async function post(
  url: string,
  body: Record<string, string>,
  apiKey: string | undefined,
): Promise<{ status: number; text: string; ms: number }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const t0 = performance.now();
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (e) {
    throw new TargetError(`POST ${url} failed (${(e as Error).message}). Is the server up?`);
  }
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t0 };
}

/**
 * Loads each adapter in turn (name and path; a name without a path is sent as its own path, as
 * for a Hugging Face repo id) and returns the timings. Throws TargetError on the first refusal.
 */
export async function loadAdapters(
  baseUrl: string,
  adapters: readonly { name: string; path?: string }[],
  options: { apiKey?: string } = {},
): Promise<AdapterLoadTiming[]> {
  const url = loraRoute(baseUrl, "load");
  const out: AdapterLoadTiming[] = [];
  for (const a of adapters) {
    const path = a.path ?? a.name;
    const r = await post(url, { lora_name: a.name, lora_path: path }, options.apiKey);
    const already = r.status === 400 && /already been loaded/i.test(r.text);
    if (r.status >= 200 && r.status < 300 || already) {
      out.push({ adapter: a.name, path, status: r.status, ms: r.ms, already });
      continue;
    }
    if (r.status === 404 || r.status === 405) {
      throw new TargetError(
        `--load-adapters: POST ${url} answered ${r.status}: the server does not allow runtime ` +
          `LoRA loading. Start vLLM with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True (and --enable-lora), ` +
          `or serve the adapters with --lora-modules and drop --load-adapters.`,
      );
    }
    throw new TargetError(
      `--load-adapters: loading adapter "${a.name}" from "${path}" failed: POST ${url} answered ` +
        `${r.status}: ${r.text.slice(0, 300)}`,
    );
  }
  return out;
}

/**
 * Unloads each adapter; a refusal is reported in the timing (status), never thrown, because the
 * run's results are already written and an unload failure must not hide them.
 */
export async function unloadAdapters(
  baseUrl: string,
  names: readonly string[],
  options: { apiKey?: string } = {},
): Promise<AdapterLoadTiming[]> {
  const url = loraRoute(baseUrl, "unload");
  const out: AdapterLoadTiming[] = [];
  for (const name of names) {
    try {
      const r = await post(url, { lora_name: name }, options.apiKey);
      out.push({ adapter: name, status: r.status, ms: r.ms, already: r.status === 404 });
    } catch {
      out.push({ adapter: name, status: 0, ms: 0, already: false });
    }
  }
  return out;
}

/** A timing as meta.json writes it (snake_case, ms rounded to 0.001). */
export function loadTimingToJson(t: AdapterLoadTiming): Record<string, unknown> {
  return {
    adapter: t.adapter,
    path: t.path ?? null,
    status: t.status,
    ms: Math.round(t.ms * 1000) / 1000,
    already: t.already,
  };
}
