import { readPromText } from "./prom_text.ts";
import { metricsUrl, serverRoot } from "./metrics_scraper.ts";
import { engineInfoFromPage, hasVllmSeries } from "./server_metrics_page.ts";

/**
 * What the server says about itself, for meta.json `server` (and `llmload sysinfo`): its
 * `/version`, the models of `/v1/models` with `max_model_len`, the engine settings vLLM exposes
 * as `/metrics` info series, and the response headers that name the server. Taken once, before
 * the run's clock starts. Nothing here is fatal: what cannot be read is null.
 */

/** meta.json `server` (snake_case, as written). */
export interface ServerRecord {
  /** `GET /version`'s `version` (vLLM, the simulator); null when absent. */
  version: string | null;
  /** `/v1/models` entries; null when the list could not be read. */
  models: ServerModel[] | null;
  /** `*_info` series of `/metrics` by name without `vllm:` (labels as strings); null: none read. */
  engine: Record<string, Record<string, string>> | null;
  /** Response headers that name the server or a proxy in front of it (`server`, `via`, …). */
  headers: Record<string, string>;
  /** Whether `/metrics` answered with vLLM series, and why not. */
  metrics: { url: string; available: boolean; problem: string | null };
}

/** One `/v1/models` entry. */
export interface ServerModel {
  id: string;
  max_model_len: number | null;
  owned_by: string | null;
  /** vLLM: the weights' path or hub name; for an adapter, its path. */
  root: string | null;
  /** vLLM: a LoRA adapter's base model; null for a base model. */
  parent: string | null;
}

/** A `/v1/models` answer already fetched (resolve_target.ts), so it is not fetched twice. */
export interface ModelsAnswer {
  status: number;
  /** The parsed JSON body; undefined when it was not JSON. */
  body: unknown;
  headers: Headers;
}

const TIMEOUT_MS = 5_000;

/** Header names that name the software answering (never cookies or auth). */
const NAMING_HEADER = /^(server|via|x-powered-by|x-served-by|x-server|x-generator)$|version/i;

function namingHeaders(into: Record<string, string>, headers: Headers | undefined): void {
  for (const [k, v] of headers ?? []) {
    if (NAMING_HEADER.test(k) && !(k in into)) into[k] = v;
  }
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** The entries of a `/v1/models` body; null when it is not an OpenAI model list. */
export function modelsFromBody(body: unknown): ServerModel[] | null {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return null;
  return data.filter((m) => typeof m?.id === "string").map((m) => ({
    id: m.id,
    max_model_len: Number.isFinite(m.max_model_len) ? m.max_model_len : null,
    owned_by: str(m.owned_by),
    root: str(m.root),
    parent: str(m.parent),
  }));
}

async function get(
  url: string,
  apiKey: string | undefined,
): Promise<{ res: Response; text: string } | undefined> {
  const headers: Record<string, string> = {};
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { res, text: await res.text() };
  } catch {
    return undefined;
  }
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Asks the server at `baseUrl` (the API base, `/v1` or not) what it is: `/version`, `/v1/models`
 * (unless `models` hands over an answer already read) and, unless `metrics` is false, one
 * `/metrics` page, in parallel, each within 5 s. Never throws.
 */
export async function describeServer(
  baseUrl: string,
  options: { apiKey?: string; models?: ModelsAnswer; metrics?: boolean } = {},
): Promise<ServerRecord> {
  const root = serverRoot(baseUrl);
  const url = metricsUrl(baseUrl);
  const [version, models, metrics] = await Promise.all([
    get(`${root}/version`, options.apiKey),
    options.models ? undefined : get(`${root}/v1/models`, options.apiKey),
    options.metrics === false ? undefined : get(url, options.apiKey),
  ]);
  const headers: Record<string, string> = {};
  namingHeaders(headers, options.models?.headers ?? models?.res.headers);
  namingHeaders(headers, version?.res.headers);
  namingHeaders(headers, metrics?.res.headers);

  const modelsBody = options.models
    ? (options.models.status < 300 ? options.models.body : undefined)
    : models?.res.ok
    ? json(models.text)
    : undefined;
  const versionBody = version?.res.ok ? json(version.text) : undefined;

  let engine: ServerRecord["engine"] = null;
  let problem: string | null = null;
  if (options.metrics === false) problem = "disabled (--metrics off)";
  else if (!metrics) problem = `GET ${url} failed (no answer within ${TIMEOUT_MS / 1000} s)`;
  else if (!metrics.res.ok) problem = `GET ${url} answered ${metrics.res.status}`;
  else {
    const page = readPromText(metrics.text);
    if (!hasVllmSeries(page)) {
      problem = page.samples.length
        ? `GET ${url} has no vLLM series (vllm:*)`
        : `GET ${url} is not Prometheus text`;
    }
    const info = engineInfoFromPage(page);
    if (Object.keys(info).length) engine = info;
  }
  return {
    version: str((versionBody as { version?: unknown } | undefined)?.version),
    models: modelsFromBody(modelsBody),
    engine,
    headers,
    metrics: { url, available: problem === null, problem },
  };
}
