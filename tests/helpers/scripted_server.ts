/**
 * A loopback OpenAI-style streaming server for tests, whose behaviour per request follows a
 * {@link Script}: delays, token counts, chunk shapes and failures.
 *
 * Choosing the script, first match wins:
 * 1. `script` in the JSON request body (send it with `RequestSpec.extraBody: { script }`);
 * 2. the request's `model` when it is a JSON object text (`model: JSON.stringify(script)`);
 * 3. `defaultScript` given to {@link startScriptedServer};
 * 4. `{}` (4 tokens, no delays).
 *
 * Timing: token chunk j (0-based) is written at `receivedAt + ttftMs + j * itlMs` (+ `stallMs`
 * from chunk `stallAfterChunks` on), aimed at absolute times so delays never accumulate. Every
 * request is logged with wall-clock ms (`performance.timeOrigin + performance.now()`, comparable
 * across processes): when it arrived and when each token chunk was handed to the HTTP layer.
 */

/** Per-request behaviour. Times in ms; chunk counts exclude the role chunk. */
export interface Script {
  /** From receiving the request to the first token chunk. Default 0. */
  ttftMs?: number;
  /** Between successive token chunks. Default 0. */
  itlMs?: number;
  /** Output tokens to generate. Default 4. */
  tokens?: number;
  /** Tokens carried by each chunk (the last may carry fewer). Default 1. */
  tokensPerChunk?: number;
  /** Every chunk carries cumulative `usage` (vLLM continuous usage stats). Default: k > 1. */
  continuousUsage?: boolean;
  /** Chat only: send a role-only chunk as soon as the headers go. Default true for chat. */
  roleChunk?: boolean;
  /** Send a final usage-only chunk (`choices: []`). Default: the request's `include_usage`. */
  usageChunk?: boolean;
  /** `usage.prompt_tokens` to report. Default 10. */
  promptTokens?: number;
  /** Text of one token. Default `"tok"`. */
  text?: string;
  /** Answer with this HTTP status and an error body instead of a stream. */
  status?: number;
  /** Message in the error body. Default `"scripted error"`. */
  errorMessage?: string;
  /**
   * Error body shape: `vllm` `{object:"error",message,type,param,code}` (default), `openai`
   * `{error:{message,type,param,code}}`, `detail` `{detail}`, `text` (plain text).
   */
  errorShape?: "vllm" | "openai" | "detail" | "text";
  /** Wait this long before sending the response headers. */
  headersDelayMs?: number;
  /** Break the connection (no terminating chunk) where token chunk N would go. */
  cutAfterChunks?: number;
  /** From token chunk N on, everything is `stallMs` later: a silent stall. */
  stallAfterChunks?: number;
  stallMs?: number;
  /** Just before token chunk N, send a data line that is not JSON; the stream carries on. */
  invalidJsonAfterChunks?: number;
  /** Where token chunk N would go, send an in-stream `{"error":{…}}` event, then `[DONE]`. */
  errorEventAfterChunks?: number;
  /** Leave out `data: [DONE]` (the stream still ends cleanly). */
  omitDone?: boolean;
  /** Leave out `finish_reason` on the last token chunk. */
  omitFinishReason?: boolean;
  /** Send a `: keep-alive` comment before every event. */
  comments?: boolean;
  /** Use `\r\n` line endings. */
  crlf?: boolean;
  /** After `[DONE]`, keep the body open this long before ending it. */
  holdOpenMs?: number;
}

/** How one request went. */
export type ScriptedOutcome = "pending" | "done" | "http-error" | "cut" | "cancelled" | "closed";

/** What the server saw and did for one request. Times are wall-clock ms (see module doc). */
export interface ScriptedRequestLog {
  /** The `x-request-id` header, or `""` when none was sent. */
  requestId: string;
  receivedAt: number;
  path: string;
  headers: Headers;
  body: Record<string, unknown> | undefined;
  script: Script;
  /** The `id` put in every chunk. */
  responseId: string;
  /** When each token-carrying chunk was handed to the HTTP layer. */
  tokenWrites: number[];
  /** Tokens in each of those chunks. */
  tokenCounts: number[];
  outcome: ScriptedOutcome;
}

/** A running scripted server. */
export interface ScriptedServer {
  /** API base including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  baseUrl: string;
  port: number;
  /** Every request, in order of arrival. */
  requests: ScriptedRequestLog[];
  /** The log of the request with this `x-request-id`. */
  byId(requestId: string): ScriptedRequestLog | undefined;
  /** Ends every open stream, clears every timer and stops listening. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options for {@link startScriptedServer}. */
export interface ScriptedServerOptions {
  /** Script for requests that carry none. */
  defaultScript?: Script;
}

/** Wall-clock ms with sub-ms resolution, comparable across processes. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Converts a server wall-clock time to ms from a run origin taken with `performance.now()`. */
export function wallToRunMs(wallMs: number, origin: number): number {
  return wallMs - performance.timeOrigin - origin;
}

type Timer = ReturnType<typeof setTimeout>;

interface Action {
  /** Absolute `performance.now()` time to run at. */
  at: number;
  kind: "write" | "token" | "cut" | "close";
  bytes?: Uint8Array;
  tokens?: number;
}

// A timer may fire a little early; writing up to this much ahead beats a second timer that
// would fire ~1-2 ms late.
const EARLY_MS = 0.5;

const encoder = new TextEncoder();

/** Starts the server on 127.0.0.1 and a free port. Close it with `close()` (or `await using`). */
export function startScriptedServer(options: ScriptedServerOptions = {}): ScriptedServer {
  const requests: ScriptedRequestLog[] = [];
  const byId = new Map<string, ScriptedRequestLog>();
  const stoppers = new Set<() => void>();
  let closing = false;
  let counter = 0;

  const handler = async (req: Request): Promise<Response> => {
    const t0 = performance.now();
    const url = new URL(req.url);
    const log: ScriptedRequestLog = {
      requestId: req.headers.get("x-request-id") ?? "",
      receivedAt: performance.timeOrigin + t0,
      path: url.pathname,
      headers: req.headers,
      body: undefined,
      script: {},
      responseId: "",
      tokenWrites: [],
      tokenCounts: [],
      outcome: "pending",
    };
    requests.push(log);
    if (log.requestId) byId.set(log.requestId, log);

    const chat = url.pathname === "/v1/chat/completions";
    if (req.method !== "POST" || (!chat && url.pathname !== "/v1/completions")) {
      log.outcome = "http-error";
      return Response.json({ detail: "Not Found" }, { status: 404 });
    }
    try {
      log.body = await req.json();
    } catch {
      log.outcome = "http-error";
      return Response.json({ detail: "body is not JSON" }, { status: 400 });
    }
    const script = pickScript(log.body, options.defaultScript);
    log.script = script;
    counter++;
    log.responseId = `${chat ? "chatcmpl" : "cmpl"}-scripted-${counter}`;

    if (script.headersDelayMs !== undefined && script.headersDelayMs > 0) {
      await sleep(script.headersDelayMs, stoppers);
    }
    if (closing) {
      log.outcome = "closed";
      return new Response(null, { status: 503 });
    }
    if (script.status !== undefined) {
      log.outcome = "http-error";
      return errorResponse(script);
    }
    const actions = plan(script, log, chat, t0);
    return streamResponse(actions, log, stoppers);
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const port = server.addr.port;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (closed) return closed;
    closing = true;
    for (const stop of [...stoppers]) stop();
    closed = server.shutdown();
    return closed;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    byId: (id) => byId.get(id),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function pickScript(body: unknown, fallback: Script | undefined): Script {
  if (body !== null && typeof body === "object") {
    const b = body as { script?: unknown; model?: unknown };
    if (b.script !== null && typeof b.script === "object") return b.script as Script;
    if (typeof b.model === "string" && b.model.startsWith("{")) {
      try {
        return JSON.parse(b.model) as Script;
      } catch {
        // Not a script after all: an odd model name.
      }
    }
  }
  return fallback ?? {};
}

function errorResponse(script: Script): Response {
  const status = script.status!;
  const message = script.errorMessage ?? "scripted error";
  const type = status === 429 ? "RateLimitError" : status === 404 ? "NotFoundError" : "Error";
  switch (script.errorShape ?? "vllm") {
    case "openai":
      return Response.json({ error: { message, type, param: null, code: status } }, { status });
    case "detail":
      return Response.json({ detail: message }, { status });
    case "text":
      return new Response(message, { status, headers: { "content-type": "text/plain" } });
    default:
      return Response.json({ object: "error", message, type, param: null, code: status }, {
        status,
      });
  }
}

/** The whole response as timed actions, computed up front so timing is absolute. */
function plan(script: Script, log: ScriptedRequestLog, chat: boolean, t0: number): Action[] {
  const body = log.body ?? {};
  const streamOptions = (body.stream_options ?? {}) as Record<string, unknown>;
  const ttft = script.ttftMs ?? 0;
  const itl = script.itlMs ?? 0;
  const total = script.tokens ?? 4;
  const k = Math.max(1, script.tokensPerChunk ?? 1);
  const continuous = script.continuousUsage ??
    (k > 1 || streamOptions.continuous_usage_stats === true);
  const usageChunk = script.usageChunk ?? streamOptions.include_usage === true;
  const promptTokens = script.promptTokens ?? 10;
  const text = script.text ?? "tok";
  const eol = script.crlf ? "\r\n" : "\n";
  const model = typeof body.model === "string" ? body.model : "scripted";
  const created = Math.floor(Date.now() / 1000);
  const chunks = Math.ceil(total / k);

  const usage = (completion: number) => ({
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completion,
    completion_tokens: completion,
  });
  const event = (data: string): Uint8Array =>
    encoder.encode(`${script.comments ? `: keep-alive${eol}${eol}` : ""}data: ${data}${eol}${eol}`);
  const chunk = (choice: Record<string, unknown> | undefined, completion?: number) => {
    const obj: Record<string, unknown> = {
      id: log.responseId,
      object: chat ? "chat.completion.chunk" : "text_completion",
      created,
      model,
      choices: choice ? [choice] : [],
    };
    if (completion !== undefined) obj.usage = usage(completion);
    return event(JSON.stringify(obj));
  };
  const timeOf = (j: number) =>
    t0 + ttft + j * itl +
    (script.stallAfterChunks !== undefined && j >= script.stallAfterChunks
      ? (script.stallMs ?? 0)
      : 0);

  const actions: Action[] = [];
  if (chat && (script.roleChunk ?? true)) {
    const role = { index: 0, delta: { role: "assistant", content: "" }, finish_reason: null };
    actions.push({ at: t0, kind: "write", bytes: chunk(role, continuous ? 0 : undefined) });
  }
  let sent = 0;
  for (let j = 0; j < chunks; j++) {
    const at = timeOf(j);
    if (script.cutAfterChunks === j) {
      actions.push({ at, kind: "cut" });
      return actions;
    }
    if (script.invalidJsonAfterChunks === j) {
      actions.push({ at, kind: "write", bytes: event(`{"id":"${log.responseId}","choices":[{`) });
    }
    if (script.errorEventAfterChunks === j) {
      const error = { message: "scripted engine error", type: "InternalServerError", code: 500 };
      actions.push({ at, kind: "write", bytes: event(JSON.stringify({ error })) });
      actions.push({ at, kind: "write", bytes: event("[DONE]") });
      actions.push({ at, kind: "close" });
      return actions;
    }
    const n = Math.min(k, total - sent);
    sent += n;
    const last = j === chunks - 1;
    const finish = last && !script.omitFinishReason ? "length" : null;
    const piece = text.repeat(n);
    const choice = chat
      ? { index: 0, delta: { content: piece }, logprobs: null, finish_reason: finish }
      : { index: 0, text: piece, logprobs: null, finish_reason: finish, stop_reason: null };
    actions.push({
      at,
      kind: "token",
      tokens: n,
      bytes: chunk(choice, continuous ? sent : undefined),
    });
  }
  const end = chunks > 0 ? timeOf(chunks - 1) : t0 + ttft;
  if (script.cutAfterChunks !== undefined && script.cutAfterChunks >= chunks) {
    actions.push({ at: end, kind: "cut" });
    return actions;
  }
  if (usageChunk) actions.push({ at: end, kind: "write", bytes: chunk(undefined, sent) });
  if (!script.omitDone) actions.push({ at: end, kind: "write", bytes: event("[DONE]") });
  actions.push({ at: end + (script.holdOpenMs ?? 0), kind: "close" });
  return actions;
}

function streamResponse(
  actions: Action[],
  log: ScriptedRequestLog,
  stoppers: Set<() => void>,
): Response {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let timer: Timer | undefined;
  let next = 0;
  let open = true;

  const finish = (outcome: ScriptedOutcome) => {
    if (!open) return;
    open = false;
    clearTimeout(timer);
    timer = undefined;
    stoppers.delete(stop);
    if (log.outcome === "pending") log.outcome = outcome;
  };
  const stop = () => {
    if (!open) return;
    finish("closed");
    try {
      controller.close();
    } catch {
      // Already closed or errored by the HTTP layer.
    }
  };

  // Set once the queue was seen empty a turn before a cut.
  let drained = false;
  const pump = () => {
    timer = undefined;
    while (open && next < actions.length && actions[next].at <= performance.now() + EARLY_MS) {
      const a = actions[next++];
      try {
        if (a.kind === "cut") {
          // Bytes still queued (a late timer made a write and the cut due in one turn) would
          // be dropped with the connection: cut only once the HTTP layer has taken them all,
          // and a moment later, so a cut keeps every token written before it on any machine.
          if ((controller.desiredSize ?? 1) < 1 || !drained) {
            next--;
            drained = (controller.desiredSize ?? 1) >= 1;
            timer = setTimeout(pump, 10);
            return;
          }
          finish("cut");
          // Erroring the body makes Deno drop the connection without the terminating chunk.
          // (Deno logs this one-line reason; a string keeps it free of a stack trace.)
          controller.error("scripted-server: connection cut on purpose");
        } else if (a.kind === "close") {
          finish("done");
          controller.close();
        } else {
          controller.enqueue(a.bytes!);
          if (a.kind === "token") {
            log.tokenWrites.push(performance.timeOrigin + performance.now());
            log.tokenCounts.push(a.tokens!);
          }
        }
      } catch {
        finish("cancelled");
      }
    }
    if (open && next < actions.length) {
      timer = setTimeout(pump, Math.max(0, actions[next].at - performance.now()));
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      stoppers.add(stop);
      pump();
    },
    // Deno cancels the body when the client goes away (it cancelled, timed out or broke off).
    cancel() {
      finish("cancelled");
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-request-id": log.requestId,
    },
  });
}

function sleep(ms: number, stoppers: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      stoppers.delete(stop);
      resolve();
    };
    const timer = setTimeout(stop, ms);
    stoppers.add(stop);
  });
}
