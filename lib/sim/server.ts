/**
 * The simulator's HTTP layer: routes and vLLM-shaped JSON/SSE. It never decides timing; it
 * validates a request, plans its output, submits it to the {@link Engine} and writes each
 * token's event when the engine says the token is due.
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
import { type EngineParams, resolveEngineParams } from "./profiles.ts";
import {
  completionBody,
  createStreamEncoder,
  errorBody,
  idPrefix,
  modelList,
  SIM_VERSION,
  type SimEndpoint,
} from "./openai_shapes.ts";
import { type GenerationRequest, parseGenerationRequest } from "./openai_requests.ts";
import { adapterSpecProblems, createAdapterRegistry } from "./adapters.ts";
import {
  appliedFaults,
  createFaultInjector,
  FAULT_MESSAGES,
  type FaultName,
  type FaultOptions,
  faultProblems,
  FaultTimers,
  SimulatedReset,
  type StreamFaults,
  streamFaults,
} from "./faults.ts";
import { createTokenStream } from "./fault_stream.ts";
import {
  fromRequest,
  type SimReply,
  type SimRequest,
  toResponse,
  type WholeReply,
} from "./sim_reply.ts";
import { serveHttp1 } from "./http1_server.ts";
import { PROM_CONTENT_TYPE, renderPromMetrics } from "./prom_metrics.ts";
import { createServerMetrics } from "./server_metrics.ts";
import { detokenizeRoute, tokenizeRoute } from "./routes_tokenize.ts";
import { createHfTokenizer, type TokenizerFiles } from "../tokenizer/hf_tokenizer.ts";
import { loraRoute } from "./routes_lora.ts";
import { createWordStream, type OutputLengthSpec, planOutput, planText } from "./text_source.ts";

/** Simulator settings; every field optional. Times in ms, lengths in tokens. */
export interface SimOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  hostname?: string;
  /** Served model name; default `sim-llama-8b`. Requests naming another model get 404. */
  model?: string;
  /** Context window (prompt + output tokens); default 32768. */
  maxModelLen?: number;
  /** Time to first token for an empty prompt, ms; default 40. */
  ttftMs?: number;
  /** Extra time to first token per prompt token, ms; default 0.02 (1000 tokens: +20 ms). */
  ttftPerPromptTokenMs?: number;
  /** Gap between successive tokens of a stream, ms; default 10. */
  itlMs?: number;
  /**
   * Engine preset (profiles.ts): `fixed` (default; TTFT/ITL from ttftMs, ttftPerPromptTokenMs
   * and itlMs, which only this profile takes), `tiny`, `llama-8b-h100`, `llama-70b-8xh100`.
   */
  profile?: string;
  /** Engine parameters replacing the profile's (batching, KV cache, LoRA slots, step costs). */
  engine?: Partial<EngineParams>;
  /**
   * Natural output length when the request does not set `ignore_eos` (then it is clamped to
   * [min_tokens, max_tokens]): a fixed count or `{ mean, cv }` for a lognormal;
   * default `{ mean: 200, cv: 0.6 }`.
   */
  outputTokens?: OutputLengthSpec;
  /** Seed of output text and lengths; default 0. */
  seed?: number;
  /** Ground truth per generation request, called once when it ends (see {@link TruthEntry}). */
  truthLog?: (entry: TruthEntry) => void;
  /** Faults to inject into generation requests, each with a rate (see {@link FaultOptions}). */
  faults?: FaultOptions;
  /**
   * Called as each generation request arrives, with its 1-based count, before anything else is
   * done for it (`llmload sim --crash-after-requests` ends the process from here).
   */
  onGenerationRequest?: (count: number) => void;
  /**
   * LoRA adapters served from the start, as vLLM's `--lora-modules`: `name=path` or `name`
   * (path `/sim/loras/<name>`). More can be loaded at run time via `/v1/load_lora_adapter`.
   */
  loraAdapters?: string[];
  /**
   * True: the start-up adapters are registered but not loaded until first used, as adapters a
   * server has on disk but not yet in memory, so each one's first request pays `loraLoadMs` (a
   * cold start). Default false: loaded at start-up as vLLM's `--lora-modules`.
   */
  lazyLoraAdapters?: boolean;
  /**
   * The served model's tokenizer files (read by the caller; structured-cloneable for the Worker):
   * prompt tokens, `/tokenize` and `/detokenize` then use it as vLLM would. Default: the built-in
   * one-token-per-word rule (tokenizer.ts).
   */
  tokenizer?: TokenizerFiles;
  /**
   * HTTP front of {@link startSim}: `raw` (default; Deno.listen and a hand-written HTTP/1.1
   * server, the cheaper per streamed token) or `deno` (Deno.serve, i.e. hyper: kept to compare
   * against in benchmarks, and as a fallback should some client trip over the raw front).
   */
  httpServer?: "raw" | "deno";
  /**
   * False: streams never carry `usage`, whatever `stream_options` asks, as servers that are not
   * vLLM do (`@dwmkerr/mock-llm`, some proxies): the client must count output tokens itself.
   * Default true (vLLM: usage when asked).
   */
  usage?: boolean;
  /**
   * Output tokens per SSE event (the last event may hold fewer), as servers that stream
   * multi-token text chunks do; default 1 (vLLM). With more than one, a stream fault drawn for a token inside an event (not its last) does not fire.
   */
  chunkTokens?: number;
}

/**
 * What the simulator actually did for one generation request. Times are wall-clock-comparable
 * ms: `performance.timeOrigin + performance.now()`, so they line up across processes.
 */
export interface TruthEntry {
  /** The request's `x-request-id` header, or the id the simulator generated when absent. */
  requestId: string;
  endpoint: SimEndpoint;
  /** When the handler started on the request. */
  receivedAt: number;
  /**
   * Streaming: taken right before each token's event was handed to the connection (raw front)
   * or enqueued to the response stream (Deno.serve front); the chat role chunk rides with
   * token 0. Non-streaming: when the engine produced each token.
   */
  tokenTimes: number[];
  /** When the response ended (last bytes written, refusal sent, or cancel seen). */
  endedAt: number;
  /** HTTP status sent. */
  status: number;
  /** "length" | "stop" when finished, "abort" when cancelled or shut down; absent on refusal. */
  finishReason?: string;
  promptTokens?: number;
  /** Tokens actually emitted (equals `tokenTimes.length`). */
  completionTokens: number;
  /** Faults injected into this request (see {@link FaultOptions}); absent when none. */
  faults?: FaultName[];
}

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

const DEFAULTS = {
  model: "sim-llama-8b",
  maxModelLen: 32768,
  ttftMs: 40,
  ttftPerPromptTokenMs: 0.02,
  itlMs: 10,
  seed: 0,
};

// timeOrigin is fixed for the process; read once, not per token.
const TIME_ORIGIN = performance.timeOrigin;
const now = () => TIME_ORIGIN + performance.now();

const JSON_HEADERS = { "content-type": "application/json" };
const enc = new TextEncoder();

const POST_ROUTES = new Set([
  "/tokenize",
  "/detokenize",
  "/v1/load_lora_adapter",
  "/v1/unload_lora_adapter",
]);
const GET_ROUTES = new Set(["/v1/models", "/health", "/version", "/metrics"]);

function json(status: number, body: unknown, headers: Record<string, string> = {}): WholeReply {
  return {
    status,
    headers: { ...JSON_HEADERS, ...headers },
    body: enc.encode(JSON.stringify(body)),
  };
}

/** Builds the simulator's handler and engine without starting a server. */
export function createSimApp(options: SimOptions = {}): SimApp {
  const cfg = { ...DEFAULTS, ...stripUndefined(options) };
  validateOptions(cfg);
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
  const served = {
    model: cfg.model,
    maxModelLen: cfg.maxModelLen,
    adapters,
    tokenizer: cfg.tokenizer ? createHfTokenizer(cfg.tokenizer) : undefined,
  };
  const startedAt = Math.floor(Date.now() / 1000);
  const injector = cfg.faults ? createFaultInjector(cfg.faults, cfg.seed) : undefined;
  const timers = new FaultTimers();
  const observed = createServerMetrics();
  let counter = 0;

  async function serve(req: SimRequest): Promise<SimReply> {
    const path = req.path.replace(/\/+$/, "") || "/";
    const endpoint: SimEndpoint | undefined = path === "/v1/chat/completions"
      ? "chat"
      : path === "/v1/completions"
      ? "completions"
      : undefined;
    if (endpoint) {
      if (req.method !== "POST") return json(405, { detail: "Method Not Allowed" });
      return await generate(endpoint, req);
    }
    if (POST_ROUTES.has(path)) {
      if (req.method !== "POST") return json(405, { detail: "Method Not Allowed" });
      return await postRoute(path, req);
    }
    if (!GET_ROUTES.has(path)) return json(404, { detail: "Not Found" });
    if (req.method !== "GET" && req.method !== "HEAD") {
      return json(405, { detail: "Method Not Allowed" });
    }
    if (path === "/health") return { status: 200, headers: {}, body: null };
    if (path === "/version") return json(200, { version: SIM_VERSION });
    if (path === "/metrics") {
      const snapshot = observed.snapshot(engine.metrics(), { model: cfg.model });
      return {
        status: 200,
        headers: { "content-type": PROM_CONTENT_TYPE },
        body: enc.encode(renderPromMetrics(snapshot)),
      };
    }
    const base = { model: cfg.model, maxModelLen: cfg.maxModelLen, created: startedAt };
    return json(200, modelList(base, adapters.list()));
  }

  async function postRoute(path: string, req: SimRequest): Promise<SimReply> {
    let body: unknown;
    try {
      body = await req.json();
    } catch (e) {
      return json(400, errorBody(400, `Invalid JSON body: ${(e as Error).message}`));
    }
    if (path === "/tokenize" || path === "/detokenize") {
      const r = (path === "/tokenize" ? tokenizeRoute : detokenizeRoute)(body, served);
      return json(r.status, r.body);
    }
    const operation = path === "/v1/load_lora_adapter" ? "load" : "unload";
    const res = loraRoute(operation, body, { registry: adapters, engine });
    // vLLM answers a load once the adapter is in memory: take the profile's load time.
    if (operation === "load" && res.status === 200) await timers.sleep(engine.params.loraLoadMs);
    return res;
  }

  async function generate(endpoint: SimEndpoint, req: SimRequest): Promise<SimReply> {
    const receivedAt = now();
    const headerId = req.header("x-request-id");
    const seq = ++counter;
    cfg.onGenerationRequest?.(seq);
    const requestId = headerId ?? randomId();
    const idHeaders = { "x-request-id": requestId };
    // Drawn first and synchronously, so arrival order alone decides which request gets which.
    const draw = injector?.draw();
    let faults: FaultName[] = draw && draw.slowHeadersMs > 0 ? ["slowHeaders"] : [];
    const refuse = (
      status: number,
      message: string,
      param: string | null,
      headers: Record<string, string> = {},
    ) => {
      cfg.truthLog?.({
        requestId,
        endpoint,
        receivedAt,
        tokenTimes: [],
        endedAt: now(),
        status,
        completionTokens: 0,
        ...(faults.length ? { faults } : {}),
      });
      return json(status, errorBody(status, message, { param }), { ...idHeaders, ...headers });
    };

    if (closed) return refuse(503, "The simulator is shutting down.", null);
    let body: unknown;
    let bodyError: string | undefined;
    try {
      body = await req.json();
    } catch (e) {
      bodyError = `Invalid JSON body: ${(e as Error).message}`;
    }
    if (draw && draw.slowHeadersMs > 0) {
      await timers.sleep(draw.slowHeadersMs);
      if (closed) return refuse(503, "The simulator is shutting down.", null);
    }
    if (bodyError !== undefined) return refuse(400, bodyError, null);
    const parsed = parseGenerationRequest(endpoint, body, served);
    if ("refusal" in parsed) {
      const r = parsed.refusal;
      return refuse(r.status, r.message, r.param);
    }
    // `usage: false` imitates a server that ignores `stream_options`.
    const request = cfg.usage === false
      ? { ...parsed.request, includeUsage: false, continuousUsage: false }
      : parsed.request;
    if (draw?.status !== undefined) {
      faults = appliedFaults(draw, { stream: request.stream, tokens: 1 });
      const retryAfter = cfg.faults?.retryAfterS;
      const headers = draw.status !== 500 && retryAfter !== undefined
        ? { "retry-after": String(retryAfter) }
        : undefined;
      return refuse(draw.status, FAULT_MESSAGES[draw.status], null, headers);
    }
    // Without a client id, arrival order keys the output, so reruns reproduce it.
    const key = `${headerId ?? `#${seq}`}|${request.contentKey}`;
    const plan = planOutput(
      {
        key,
        maxTokens: request.maxTokens,
        minTokens: request.minTokens,
        ignoreEos: request.ignoreEos,
      },
      cfg.seed,
      { length: cfg.outputTokens },
    );
    if (draw) faults = appliedFaults(draw, { stream: request.stream, tokens: plan.tokens });
    const ctx: StreamContext = {
      engine,
      request,
      id: idPrefix(endpoint) + requestId,
      created: Math.floor(Date.now() / 1000),
      tokens: plan.tokens,
      finishReason: plan.finishReason,
      nextWord: createWordStream(plan.wordSeed),
      chunkTokens: cfg.chunkTokens ?? 1,
      faults: draw && request.stream
        ? streamFaults(draw, plan.tokens, cfg.faults?.stall?.ms ?? 0)
        : undefined,
      resetBody: draw?.reset !== undefined && !request.stream,
      timers,
      first: (at) => observed.firstToken(request.promptTokens, (at - receivedAt) / 1000),
      truth: (tokenTimes, status, finishReason) => {
        const endedAt = now();
        const reason = finishReason === "stop" || finishReason === "length"
          ? finishReason
          : "abort";
        observed.finished(reason, (endedAt - receivedAt) / 1000, request.adapter);
        cfg.truthLog?.({
          requestId,
          endpoint,
          receivedAt,
          tokenTimes,
          endedAt,
          status,
          finishReason,
          promptTokens: request.promptTokens,
          completionTokens: tokenTimes.length,
          ...(faults.length ? { faults } : {}),
        });
      },
    };
    observed.started(request.adapter);
    if (request.stream) return streamResponse(ctx, idHeaders);
    return await wholeResponse(ctx, idHeaders, planText(plan));
  }

  let closed = false;
  const close = () => {
    closed = true;
    engine.close("simulator shut down");
    // Stalled streams the engine already finished, and delayed headers, end now too.
    timers.closeAll();
  };
  const handler = async (req: Request) => toResponse(await serve(fromRequest(req)));
  return { handler, serve, engine, close };
}

interface StreamContext {
  engine: Engine;
  request: GenerationRequest;
  id: string;
  created: number;
  tokens: number;
  finishReason: "length" | "stop";
  nextWord: () => number;
  /** Output tokens per SSE event (the last may hold fewer). */
  chunkTokens: number;
  /** Stream faults of this response (streaming only). */
  faults: StreamFaults | undefined;
  /** Non-streaming: cut the body with a reset fault. */
  resetBody: boolean;
  timers: FaultTimers;
  /** The first token went out at `at` (wall-clock-comparable ms). */
  first: (at: number) => void;
  /** Called exactly once per request, when it ends. */
  truth: (tokenTimes: number[], status: number, finishReason: string) => void;
}

function streamResponse(ctx: StreamContext, headers: Record<string, string>): SimReply {
  const { request } = ctx;
  const encoder = createStreamEncoder(request.endpoint, {
    id: ctx.id,
    model: request.model,
    created: ctx.created,
    promptTokens: request.promptTokens,
    finishReason: ctx.finishReason,
    includeUsage: request.includeUsage,
    continuousUsage: request.continuousUsage,
  });
  const tokenTimes: number[] = [];
  let ended = false;
  const end = (finishReason: string) => {
    if (ended) return;
    ended = true;
    ctx.truth(tokenTimes, 200, finishReason);
  };

  let cancel = () => {};
  const out = createTokenStream(ctx.faults, {
    sent(index) {
      const at = now();
      if (tokenTimes.length === 0) ctx.first(at);
      // An event carrying several tokens sends them all at once: one time per token.
      while (tokenTimes.length <= index) tokenTimes.push(at);
    },
    done: () => end(ctx.finishReason),
    cut() {
      // An injected reset: the client is gone as far as the engine is concerned.
      cancel();
      end("abort");
    },
    cancelled() {
      // The client went away: stop generating for it.
      cancel();
      end("abort");
    },
  }, ctx.timers);
  const missingDone = ctx.faults?.missingDone === true;
  /** Words waiting for their multi-token event (`chunkTokens` > 1). */
  let pending: number[] = [];
  cancel = ctx.engine.submit(
    {
      promptTokens: request.promptTokens,
      outputTokens: ctx.tokens,
      finishReason: ctx.finishReason,
      ...(request.adapter === undefined ? {} : { adapter: request.adapter }),
    },
    {
      onToken(index, last) {
        const word = ctx.nextWord();
        let bytes: Uint8Array;
        if (ctx.chunkTokens === 1) bytes = encoder.token(word, index, last);
        else {
          pending.push(word);
          if (pending.length < ctx.chunkTokens && !last) return;
          bytes = encoder.tokens(pending, index, last);
          pending = [];
        }
        if (index < ctx.chunkTokens) bytes = joinBytes(encoder.preamble(), bytes);
        const epilogue = last ? encoder.epilogue(index + 1, { done: !missingDone }) : undefined;
        out.token(index, bytes, epilogue);
      },
      onAbort() {
        end("abort");
        // End without [DONE] so clients see a truncated stream. (controller.error would make
        // Deno print the error for every open stream at shutdown.)
        out.abort();
      },
    },
  ).cancel;
  return {
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8", ...headers },
    stream: out.body,
  };
}

// Non-streaming requests run to completion even if the client leaves: the only disconnect
// signal before a response exists is `req.signal`, whose use makes Deno 2.9 print a warning
// about its legacy abort behaviour. Streams (the load-test path) do stop on disconnect.
function wholeResponse(
  ctx: StreamContext,
  headers: Record<string, string>,
  text: string,
): Promise<SimReply> {
  const { request } = ctx;
  const tokenTimes: number[] = [];
  return new Promise((resolve) => {
    ctx.engine.submit(
      {
        promptTokens: request.promptTokens,
        outputTokens: ctx.tokens,
        finishReason: ctx.finishReason,
        ...(request.adapter === undefined ? {} : { adapter: request.adapter }),
      },
      {
        onToken(index, last) {
          const at = now();
          tokenTimes.push(at);
          if (index === 0) ctx.first(at);
          if (!last) return;
          ctx.truth(tokenTimes, 200, ctx.finishReason);
          const meta = { id: ctx.id, model: request.model, created: ctx.created };
          const result = {
            text,
            finishReason: ctx.finishReason,
            promptTokens: request.promptTokens,
            completionTokens: ctx.tokens,
          };
          const body = completionBody(request.endpoint, meta, result);
          const reply = json(200, body, headers);
          // A reset cuts the body halfway (see FaultOptions.reset).
          if (ctx.resetBody) reply.cutAt = Math.max(1, reply.body!.length >> 1);
          resolve(reply);
        },
        onAbort(reason) {
          ctx.truth(tokenTimes, 503, "abort");
          resolve(json(503, errorBody(503, reason), headers));
        },
      },
    );
  });
}

function joinBytes(first: Uint8Array | null, rest: Uint8Array): Uint8Array {
  if (!first) return rest;
  const out = new Uint8Array(first.length + rest.length);
  out.set(first);
  out.set(rest, first.length);
  return out;
}

function randomId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateOptions(cfg: typeof DEFAULTS & SimOptions): void {
  const problems: string[] = [];
  if (cfg.faults) problems.push(...faultProblems(cfg.faults));
  if (cfg.loraAdapters) problems.push(...adapterSpecProblems(cfg.loraAdapters, cfg.model));
  const nonNeg = ["ttftMs", "ttftPerPromptTokenMs", "itlMs"] as const;
  for (const k of nonNeg) {
    if (!(Number.isFinite(cfg[k]) && cfg[k] >= 0)) {
      problems.push(`${k} must be >= 0 (got ${cfg[k]})`);
    }
  }
  if (!(Number.isInteger(cfg.maxModelLen) && cfg.maxModelLen >= 2)) {
    problems.push(`maxModelLen must be an integer >= 2 (got ${cfg.maxModelLen})`);
  }
  const out = cfg.outputTokens;
  const mean = typeof out === "number" ? out : out?.mean;
  if (out !== undefined && !(Number.isFinite(mean) && (mean as number) >= 1)) {
    problems.push(`outputTokens must be >= 1 (got ${JSON.stringify(out)})`);
  }
  if (
    cfg.chunkTokens !== undefined && !(Number.isInteger(cfg.chunkTokens) && cfg.chunkTokens >= 1)
  ) {
    problems.push(`chunkTokens must be an integer >= 1 (got ${cfg.chunkTokens})`);
  }
  if (problems.length) throw new RangeError(`Invalid simulator options: ${problems.join("; ")}`);
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
