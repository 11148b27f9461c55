/**
 * The simulator's HTTP layer: routes and vLLM-shaped JSON/SSE. It never decides timing: the
 * generation route (generation_route.ts) validates a request, plans its output, submits it to
 * the {@link Engine} and writes each token's event when the engine says the token is due
 * (generation_replies.ts). Options and their defaults: sim_options.ts.
 *
 * The routes answer transport-neutral replies (sim_reply.ts). {@link startSim} serves them with
 * the raw HTTP/1.1 front (http1_server.ts: Deno.listen, each token's event written straight to
 * the socket as one chunk frame), ~20 % less CPU per token than Deno.serve as measured by
 * bench/sim_capacity.ts; the Deno.serve front stays available (`httpServer: "deno"`) for
 * comparison and as a fallback.
 *
 * Routes: `GET /v1/models`, `POST /v1/chat/completions`, `POST /v1/completions`,
 * `GET /health` (200, empty), `GET /version` (`{"version"}`), `GET /metrics` (Prometheus text,
 * prom_metrics.ts), `POST /tokenize`, `POST /detokenize` (routes_tokenize.ts),
 * `POST /v1/load_lora_adapter`, `POST /v1/unload_lora_adapter` (routes_lora.ts). Anything else:
 * FastAPI's `{"detail": "Not Found"}` (404) or `{"detail": "Method Not Allowed"}` (405).
 * Generation requests may get injected faults (faults.ts).
 */

import { createEngine, type Engine, type EngineStats } from "./engine.ts";
import { resolveEngineParams } from "./profiles.ts";
import { errorBody, modelList, SIM_VERSION, type SimEndpoint } from "./openai_shapes.ts";
import type { ServedModel } from "./openai_requests.ts";
import { type AdapterRegistry, createAdapterRegistry } from "./adapters.ts";
import { createFaultInjector, FaultTimers, SimulatedReset } from "./faults.ts";
import { fromRequest, jsonReply, type SimReply, type SimRequest, toResponse } from "./sim_reply.ts";
import { serveHttp1 } from "./http1_server.ts";
import { PROM_CONTENT_TYPE, renderPromMetrics } from "./prom_metrics.ts";
import { createServerMetrics, type ServerMetrics } from "./server_metrics.ts";
import { detokenizeRoute, tokenizeRoute } from "./routes_tokenize.ts";
import { createHfTokenizer } from "../tokenizer/hf_tokenizer.ts";
import { loraRoute } from "./routes_lora.ts";
import { resolveSimConfig, type SimConfig, type SimOptions } from "./sim_options.ts";
import { createGenerationRoute } from "./generation_route.ts";

export type { SimOptions, TruthEntry } from "./sim_options.ts";

/** A running simulator. */
export interface SimHandle {
  /** API base including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  baseUrl: string;
  port: number;
  /** Engine counters (running streams, tokens emitted), for tests and progress. */
  stats(): EngineStats;
  /** Ends open streams, stops the engine's timer and the server; resolves when all is closed. */
  close(): Promise<void>;
}

/** The simulator as a request handler, for mounting without binding a port. */
export interface SimApp {
  /** The routes as a Fetch API handler (Deno.serve, or tests without a port). */
  handler: (req: Request) => Promise<Response>;
  /** The same routes, transport-neutral: what the raw HTTP/1.1 front calls. */
  serve: (req: SimRequest) => Promise<SimReply>;
  engine: Engine;
  /** Aborts open streams and stops the engine. */
  close(): void;
}

const enc = new TextEncoder();

const POST_ROUTES = new Set([
  "/tokenize",
  "/detokenize",
  "/v1/load_lora_adapter",
  "/v1/unload_lora_adapter",
]);
const GET_ROUTES = new Set(["/v1/models", "/health", "/version", "/metrics"]);

/** What the non-generation routes read. */
interface SimState {
  cfg: SimConfig;
  engine: Engine;
  adapters: AdapterRegistry;
  served: ServedModel;
  timers: FaultTimers;
  observed: ServerMetrics;
  /** Unix seconds, the `created` of `/v1/models`. */
  startedAt: number;
}

/** Builds the simulator's handler and engine without starting a server. */
export function createSimApp(options: SimOptions = {}): SimApp {
  const cfg = resolveSimConfig(options);
  const engine = createEngine(resolveEngineParams(options.profile, {
    timing: {
      ttftMs: options.ttftMs,
      ttftPerPromptTokenMs: options.ttftPerPromptTokenMs,
      itlMs: options.itlMs,
    },
    overrides: { seed: cfg.seed, maxModelLen: options.maxModelLen, ...options.engine },
  }));
  cfg.maxModelLen = engine.params.maxModelLen; // the profile's unless maxModelLen was given
  const adapters = createAdapterRegistry(cfg.loraAdapters ?? [], { baseModel: cfg.model });
  // vLLM loads `--lora-modules` at start-up exactly as a runtime load_lora_adapter would.
  if (!cfg.lazyLoraAdapters) { for (const a of adapters.list()) engine.loadAdapter(a.name); }
  const state: SimState = {
    cfg,
    engine,
    adapters,
    served: {
      model: cfg.model,
      maxModelLen: cfg.maxModelLen,
      adapters,
      tokenizer: cfg.tokenizer ? createHfTokenizer(cfg.tokenizer) : undefined,
      promptIds: engine.params.enablePrefixCaching,
    },
    startedAt: Math.floor(Date.now() / 1000),
    timers: new FaultTimers(),
    observed: createServerMetrics(),
  };
  let closed = false;
  const generate = createGenerationRoute({
    ...state,
    injector: cfg.faults ? createFaultInjector(cfg.faults, cfg.seed) : undefined,
    isClosed: () => closed,
  });
  const serve = (req: SimRequest) => route(state, generate, req);
  const close = () => {
    closed = true;
    engine.close("simulator shut down");
    // Stalled streams the engine already finished, and delayed headers, end now too.
    state.timers.closeAll();
  };
  const handler = async (req: Request) => toResponse(await serve(fromRequest(req)));
  return { handler, serve, engine, close };
}

/** Dispatches by path and method; FastAPI's 404/405 bodies for anything else. */
async function route(
  state: SimState,
  generate: (endpoint: SimEndpoint, req: SimRequest) => Promise<SimReply>,
  req: SimRequest,
): Promise<SimReply> {
  const path = req.path.replace(/\/+$/, "") || "/";
  const endpoint: SimEndpoint | undefined = path === "/v1/chat/completions"
    ? "chat"
    : path === "/v1/completions"
    ? "completions"
    : undefined;
  if (endpoint) {
    if (req.method !== "POST") return jsonReply(405, { detail: "Method Not Allowed" });
    return await generate(endpoint, req);
  }
  if (POST_ROUTES.has(path)) {
    if (req.method !== "POST") return jsonReply(405, { detail: "Method Not Allowed" });
    return await postRoute(state, path, req);
  }
  if (!GET_ROUTES.has(path)) return jsonReply(404, { detail: "Not Found" });
  if (req.method !== "GET" && req.method !== "HEAD") {
    return jsonReply(405, { detail: "Method Not Allowed" });
  }
  return getRoute(state, path);
}

function getRoute(state: SimState, path: string): SimReply {
  const { cfg } = state;
  if (path === "/health") return { status: 200, headers: {}, body: null };
  if (path === "/version") return jsonReply(200, { version: SIM_VERSION });
  if (path === "/metrics") {
    const snapshot = state.observed.snapshot(state.engine.metrics(), { model: cfg.model });
    return {
      status: 200,
      headers: { "content-type": PROM_CONTENT_TYPE },
      body: enc.encode(renderPromMetrics(snapshot)),
    };
  }
  const base = { model: cfg.model, maxModelLen: cfg.maxModelLen, created: state.startedAt };
  return jsonReply(200, modelList(base, state.adapters.list()));
}

async function postRoute(state: SimState, path: string, req: SimRequest): Promise<SimReply> {
  let body: unknown;
  try {
    body = await req.json();
  } catch (e) {
    return jsonReply(400, errorBody(400, `Invalid JSON body: ${(e as Error).message}`));
  }
  if (path === "/tokenize" || path === "/detokenize") {
    const r = (path === "/tokenize" ? tokenizeRoute : detokenizeRoute)(body, state.served);
    return jsonReply(r.status, r.body);
  }
  const { engine } = state;
  const operation = path === "/v1/load_lora_adapter" ? "load" : "unload";
  const res = loraRoute(operation, body, { registry: state.adapters, engine });
  // vLLM answers a load once the adapter is in memory: take the profile's load time.
  if (operation === "load" && res.status === 200) {
    await state.timers.sleep(engine.params.loraLoadMs);
  }
  return res;
}

// Deno's default error handler, except that injected resets (a body errored on purpose) are not
// logged: a fault test would otherwise print one stack per reset.
function quietResets(error: unknown): Response {
  if (!(error instanceof SimulatedReset)) console.error(error);
  return new Response("Internal Server Error", { status: 500 });
}

/**
 * Starts the simulator on `hostname:port` (default 127.0.0.1, a free port) and resolves once it
 * listens. Close it with `close()`; that also clears the engine's timer.
 */
export async function startSim(options: SimOptions = {}): Promise<SimHandle> {
  const app = createSimApp(options);
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? 0;
  let addr: Deno.NetAddr;
  let shutdown: () => Promise<void>;
  if (options.httpServer === "deno") {
    const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
    const server = Deno.serve(
      { port, hostname, onListen: resolve, onError: quietResets },
      app.handler,
    );
    addr = await listening;
    shutdown = () => server.shutdown();
  } else {
    const server = serveHttp1(app.serve, { hostname, port });
    addr = server.addr;
    shutdown = () => server.shutdown();
  }
  const host = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://${urlHost}:${addr.port}/v1`,
    port: addr.port,
    stats: () => app.engine.stats(),
    close() {
      closing ??= (async () => {
        // Ends every stream (cleanly, without [DONE]) and answers pending requests first, so
        // the server's shutdown only waits for those last bytes to leave.
        app.close();
        await shutdown();
      })();
      return closing;
    },
  };
}
