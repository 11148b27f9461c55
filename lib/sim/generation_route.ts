/**
 * `POST /v1/chat/completions` and `POST /v1/completions`: reads and validates the body, draws
 * the request's injected faults, plans its output and hands it to the engine through
 * generation_replies.ts. Every request ends in exactly one {@link TruthEntry}.
 */

import type { Engine } from "./engine.ts";
import { errorBody, idPrefix, type SimEndpoint } from "./openai_shapes.ts";
import {
  type GenerationRequest,
  parseGenerationRequest,
  type ServedModel,
} from "./openai_requests.ts";
import {
  appliedFaults,
  FAULT_MESSAGES,
  type FaultDraw,
  type FaultInjector,
  type FaultName,
  type FaultTimers,
  streamFaults,
} from "./faults.ts";
import { jsonReply, type SimReply, type SimRequest, type WholeReply } from "./sim_reply.ts";
import type { ServerMetrics } from "./server_metrics.ts";
import { createWordStream, type OutputPlan, planOutput, planText } from "./text_source.ts";
import type { SimConfig } from "./sim_options.ts";
import { now, type StreamContext, streamResponse, wholeResponse } from "./generation_replies.ts";

/** What the generation route shares with the rest of the simulator. */
export interface GenerationDeps {
  cfg: SimConfig;
  engine: Engine;
  served: ServedModel;
  injector: FaultInjector | undefined;
  timers: FaultTimers;
  observed: ServerMetrics;
  /** True once the simulator is shutting down. */
  isClosed: () => boolean;
}

/** The generation handler; it counts requests in arrival order. */
export function createGenerationRoute(
  deps: GenerationDeps,
): (endpoint: SimEndpoint, req: SimRequest) => Promise<SimReply> {
  let counter = 0;
  return async (endpoint, req) => {
    const receivedAt = now();
    const headerId = req.header("x-request-id");
    const seq = ++counter;
    deps.cfg.onGenerationRequest?.(seq);
    return await generate(deps, { endpoint, req, receivedAt, headerId, seq });
  };
}

interface Arrival {
  endpoint: SimEndpoint;
  req: SimRequest;
  receivedAt: number;
  headerId: string | null;
  /** 1-based arrival count. */
  seq: number;
}

/** What every truth entry of one request shares; `faults` is replaced as faults are applied. */
interface RequestLog {
  requestId: string;
  endpoint: SimEndpoint;
  receivedAt: number;
  faults: FaultName[];
}

const SHUTTING_DOWN = "The simulator is shutting down.";

async function generate(deps: GenerationDeps, arrival: Arrival): Promise<SimReply> {
  const { cfg } = deps;
  const requestId = arrival.headerId ?? randomId();
  const idHeaders = { "x-request-id": requestId };
  // Drawn first and synchronously, so arrival order alone decides which request gets which.
  const draw = deps.injector?.draw();
  const log: RequestLog = {
    requestId,
    endpoint: arrival.endpoint,
    receivedAt: arrival.receivedAt,
    faults: draw && draw.slowHeadersMs > 0 ? ["slowHeaders"] : [],
  };
  const refuse = (
    status: number,
    message: string,
    param: string | null,
    headers: Record<string, string> = {},
  ) => refusal(cfg, log, status, message, param, { ...idHeaders, ...headers });

  if (deps.isClosed()) return refuse(503, SHUTTING_DOWN, null);
  const read = await readBody(deps, arrival.req, draw);
  if (read === "closed") return refuse(503, SHUTTING_DOWN, null);
  if (read.error !== undefined) return refuse(400, read.error, null);
  const parsed = parseGenerationRequest(arrival.endpoint, read.body, deps.served);
  if ("refusal" in parsed) {
    const r = parsed.refusal;
    return refuse(r.status, r.message, r.param);
  }
  // `usage: false` imitates a server that ignores `stream_options`.
  const request = cfg.usage === false
    ? { ...parsed.request, includeUsage: false, continuousUsage: false }
    : parsed.request;
  if (draw?.status !== undefined) {
    log.faults = appliedFaults(draw, { stream: request.stream, tokens: 1 });
    const retryAfter = cfg.faults?.retryAfterS;
    const headers = draw.status !== 500 && retryAfter !== undefined
      ? { "retry-after": String(retryAfter) }
      : undefined;
    return refuse(draw.status, FAULT_MESSAGES[draw.status], null, headers);
  }
  // Without a client id, arrival order keys the output, so reruns reproduce it.
  const key = `${arrival.headerId ?? `#${arrival.seq}`}|${request.contentKey}`;
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
  if (draw) log.faults = appliedFaults(draw, { stream: request.stream, tokens: plan.tokens });
  const ctx = streamContext(deps, log, request, plan, draw);
  deps.observed.started(request.adapter);
  if (request.stream) return streamResponse(ctx, idHeaders);
  return await wholeResponse(ctx, idHeaders, planText(plan));
}

/** Logs a request refused before any token and answers vLLM's error body. */
function refusal(
  cfg: SimConfig,
  log: RequestLog,
  status: number,
  message: string,
  param: string | null,
  headers: Record<string, string>,
): WholeReply {
  cfg.truthLog?.({
    requestId: log.requestId,
    endpoint: log.endpoint,
    receivedAt: log.receivedAt,
    tokenTimes: [],
    endedAt: now(),
    status,
    completionTokens: 0,
    ...(log.faults.length ? { faults: log.faults } : {}),
  });
  return jsonReply(status, errorBody(status, message, { param }), headers);
}

/**
 * Reads the JSON body, then holds the headers back for a slowHeaders fault; a bad body is
 * refused only after that hold. "closed": the simulator shut down during the hold.
 */
async function readBody(
  deps: GenerationDeps,
  req: SimRequest,
  draw: FaultDraw | undefined,
): Promise<{ body: unknown; error?: string } | "closed"> {
  let body: unknown;
  let error: string | undefined;
  try {
    body = await req.json();
  } catch (e) {
    error = `Invalid JSON body: ${(e as Error).message}`;
  }
  if (draw && draw.slowHeadersMs > 0) {
    await deps.timers.sleep(draw.slowHeadersMs);
    if (deps.isClosed()) return "closed";
  }
  return error === undefined ? { body } : { body, error };
}

/** Everything the response needs, including the truth entry written when it ends. */
function streamContext(
  deps: GenerationDeps,
  log: RequestLog,
  request: GenerationRequest,
  plan: OutputPlan,
  draw: FaultDraw | undefined,
): StreamContext {
  const { cfg, observed } = deps;
  const { receivedAt } = log;
  return {
    engine: deps.engine,
    request,
    id: idPrefix(log.endpoint) + log.requestId,
    created: Math.floor(Date.now() / 1000),
    tokens: plan.tokens,
    finishReason: plan.finishReason,
    nextWord: createWordStream(plan.wordSeed),
    chunkTokens: cfg.chunkTokens ?? 1,
    reasoningTokens: cfg.reasoningTokens ?? 0,
    faults: draw && request.stream
      ? streamFaults(draw, plan.tokens, cfg.faults?.stall?.ms ?? 0)
      : undefined,
    resetBody: draw?.reset !== undefined && !request.stream,
    timers: deps.timers,
    first: (at) => observed.firstToken(request.promptTokens, (at - receivedAt) / 1000),
    truth: (tokenTimes, status, finishReason) => {
      const endedAt = now();
      const reason = finishReason === "stop" || finishReason === "length" ? finishReason : "abort";
      observed.finished(reason, (endedAt - receivedAt) / 1000, request.adapter);
      cfg.truthLog?.({
        requestId: log.requestId,
        endpoint: log.endpoint,
        receivedAt,
        tokenTimes,
        endedAt,
        status,
        finishReason,
        promptTokens: request.promptTokens,
        completionTokens: tokenTimes.length,
        ...(log.faults.length ? { faults: log.faults } : {}),
      });
    },
  };
}

function randomId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}
