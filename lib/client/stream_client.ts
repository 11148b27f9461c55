/**
 * The streaming client: sends one request, stamps raw timestamps, parses the SSE stream and
 * returns one {@link RequestRecord}. It never sleeps for pacing and never computes statistics.
 *
 * Timestamps are monotonic ms from `config.origin` (`performance.now() - origin`):
 * - `sentAt` just before the send (`fetch` by default, see `ClientConfig.transport`);
 *   `headersAt` when the response head has arrived; a connection opened for the request falls
 *   between the two (and `connectMs` says how long it took, when the transport knows);
 * - one `tokenTimes` entry per token event (see chunk.ts), reasoning or answer; `firstAnswerAt`
 *   at the first answer event of a stream that reasoned first. All events decoded from one body
 *   read share that read's arrival time: they arrived together, and stamping once per read
 *   keeps clock calls off the per-event path;
 * - `endAt` at `[DONE]`, at the end of the stream, or at the failure.
 *
 * Failures never reject: they become `record.error` (kinds: connect, timeout, http, stream,
 * parse, cancelled), keeping the tokens and times gathered before the failure.
 */
import { TargetGone } from "./target_gone.ts";
import type { RequestError, RequestRecord } from "../metrics/record.ts";
import { chunkOutputText, createStreamState, interpretChunk, type StreamState } from "./chunk.ts";
import { type ChunkTemplate, learnChunkTemplate, matchesChunkTemplate } from "./chunk_template.ts";
import { buildRequest } from "./request_body.ts";
import { OutputText } from "./output_text.ts";
import { resolveOutputTokens } from "./output_tokens.ts";
import { createSseDecoder, type SseDecoder } from "./sse.ts";
import { createFetchTransport, fetchTransport } from "./fetch_transport.ts";
import type { Transport, TransportResponse } from "./transport.ts";
import type { ClientConfig, Job } from "./types.ts";

export { READ_BUFFER_BYTES } from "./fetch_transport.ts";

/** After `[DONE]`, how long to wait for the body to end before cancelling it, ms. */
export const DRAIN_AFTER_DONE_MS = 1000;

type Timer = ReturnType<typeof setTimeout>;

/** Token chunks a stream may try as its template before it stops trying (chunk_template.ts). */
const MAX_TEMPLATE_TRIES = 4;

/** Longest server message or bad data line quoted in an error message, chars. */
const MAX_QUOTE_CHARS = 300;

/**
 * Sends one streaming request and resolves with its record once the response has ended (or
 * failed, timed out or been cancelled). Never rejects. Every response body is read to its end
 * or cancelled, and every timer is cleared, before the promise resolves.
 */
export function sendRequest(job: Job, config: ClientConfig): Promise<RequestRecord> {
  const request = new StreamRequest(job, config);
  return request.run().catch((e: unknown) => request.failUnexpected(e));
}

/** One request in flight; a class so the hot path reads fields rather than captured closures. */
class StreamRequest {
  readonly job: Job;
  readonly config: ClientConfig;
  readonly origin: number;
  readonly requestId = `llmload-${crypto.randomUUID()}`;
  readonly tokenTimes: number[] = [];
  readonly tokenCounts: number[] = [];
  /** Indexes into `tokenTimes` of the reasoning events (chunk.ts); empty for most streams. */
  readonly reasoningEvents: number[] = [];
  /** Arrival of the first answer event, once one came after reasoning, ms from origin. */
  firstAnswerAt: number | undefined;
  readonly state: StreamState = createStreamState();
  /** Each token event's text, to count tokens from when the server sends no usage. */
  readonly output = new OutputText();
  readonly abortController = new AbortController();

  sentAt = 0;
  headersAt: number | undefined;
  /** Time the transport spent opening a new connection for this request (part of TTFT). */
  connectMs: number | undefined;
  endAt: number | undefined;
  status: number | undefined;
  error: RequestError | undefined;
  /** Why we aborted (timeout or cancel), first cause wins; and when, ms from origin. */
  abortCause: RequestError | undefined;
  abortAt = 0;
  /** Arrival time of the read being decoded, ms from origin. */
  readAt = 0;
  /** Set on `[DONE]` or on a parse/server error: later events are ignored. */
  halted = false;
  doneSeen = false;
  finished = false;
  /** The response once its head arrived: the drain timer and `abort` cancel its body. */
  response: TransportResponse | undefined;
  /** This stream's ordinary token chunk, once learned (chunk_template.ts): skips JSON.parse. */
  template: ChunkTemplate | undefined;
  /** Chunks tried as templates so far; a stream that never fits stops paying for it. */
  templateTries = 0;

  wholeTimer: Timer | undefined;
  connectTimer: Timer | undefined;
  ttftTimer: Timer | undefined;
  drainTimer: Timer | undefined;

  constructor(job: Job, config: ClientConfig) {
    this.job = job;
    this.config = config;
    this.origin = config.origin;
  }

  now(): number {
    return performance.now() - this.origin;
  }

  async run(): Promise<RequestRecord> {
    const config = this.config;
    const signal = config.signal;
    if (signal?.aborted) {
      this.sentAt = this.now();
      this.endAt = this.sentAt;
      this.error = { kind: "cancelled", message: "cancelled before sending" };
      return this.record();
    }
    const { path, body } = buildRequest(this.job.spec);
    const payload = JSON.stringify(body);
    const url = trimSlash(config.baseUrl) + path;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "accept": "text/event-stream",
      "accept-encoding": "identity",
      "x-request-id": this.requestId,
    };
    if (config.apiKey) headers["authorization"] = `Bearer ${config.apiKey}`;

    signal?.addEventListener("abort", this.onCancel);
    try {
      this.startTimers();
      this.sentAt = this.now();
      let res: TransportResponse;
      try {
        res = await transportFor(config).send(url, {
          method: "POST",
          headers,
          body: payload,
          signal: this.abortController.signal,
        });
      } catch (e) {
        this.endAt = this.abortCause ? this.abortAt : this.now();
        this.error = this.abortCause ?? { kind: "connect", message: errorMessage(e) };
        return this.record();
      }
      this.headersAt = this.now();
      this.status = res.status;
      this.connectMs = res.connectMs;
      clearTimeout(this.connectTimer);

      if (res.status < 200 || res.status > 299) {
        await this.readErrorBody(res);
      } else if (!res.hasBody) {
        this.endAt = this.now();
        this.error = { kind: "stream", message: "response has no body", status: res.status };
      } else {
        await this.readStream(res);
      }
      return this.record();
    } finally {
      this.finished = true;
      signal?.removeEventListener("abort", this.onCancel);
      this.clearTimers();
    }
  }

  startTimers(): void {
    const c = this.config;
    this.wholeTimer = setTimeout(
      () => this.abort("timeout", `request exceeded timeoutMs=${c.timeoutMs} ms`),
      c.timeoutMs,
    );
    if (c.connectTimeoutMs !== undefined) {
      this.connectTimer = setTimeout(
        () =>
          this.abort(
            "timeout",
            `no response headers within connectTimeoutMs=${c.connectTimeoutMs} ms`,
          ),
        c.connectTimeoutMs,
      );
    }
    if (c.ttftTimeoutMs !== undefined) {
      this.ttftTimer = setTimeout(
        () =>
          this.abort("timeout", `no token within ttftTimeoutMs=${c.ttftTimeoutMs} ms of sending`),
        c.ttftTimeoutMs,
      );
    }
  }

  clearTimers(): void {
    clearTimeout(this.wholeTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.ttftTimer);
    clearTimeout(this.drainTimer);
  }

  onCancel = (): void => {
    // A run stopped because its server died ended this request too: the server's failure, not
    // ours, so it counts as a failed stream (the error rate must show it).
    const reason = this.config.signal?.reason;
    if (reason instanceof TargetGone) this.abort("stream", `stream cut: ${reason.message}`);
    else this.abort("cancelled", "cancelled: run stopping");
  };

  /** Ends the request for a timeout or cancel: aborting the send errors any pending read. */
  abort(kind: "timeout" | "cancelled" | "stream", message: string): void {
    if (this.finished || this.abortCause !== undefined) return;
    if (this.doneSeen) {
      // Only the drain after [DONE] is left: stop it, the record stays a success.
      this.response?.cancel();
      return;
    }
    this.abortAt = this.now();
    this.abortCause = this.status === undefined
      ? { kind, message }
      : { kind, message, status: this.status };
    this.abortController.abort();
  }

  /** Non-2xx: read the whole body (so the connection can be reused) and quote the server. */
  async readErrorBody(res: TransportResponse): Promise<void> {
    let text = "";
    try {
      text = await res.text();
    } catch (e) {
      text = `(error body unreadable: ${errorMessage(e)})`;
    }
    this.endAt = this.abortCause ? this.abortAt : this.now();
    this.error = this.abortCause ?? {
      kind: "http",
      message: `HTTP ${res.status}: ${serverMessage(text)}`,
      status: res.status,
    };
  }

  async readStream(res: TransportResponse): Promise<void> {
    this.response = res;
    const decoder: SseDecoder = createSseDecoder(this.onData);
    let readError: unknown;
    let ended = false;
    try {
      for (;;) {
        const value = await res.read();
        if (value === null) {
          ended = true;
          break;
        }
        this.readAt = performance.now() - this.origin;
        // The view is valid until the next read; the decoder copies what it keeps.
        decoder.push(value);
        if (this.halted && !this.doneSeen) break;
      }
    } catch (e) {
      readError = e;
    }

    if (this.doneSeen) {
      // `[DONE]` already stamped endAt; whatever happened while draining does not matter.
      if (!ended) await res.cancel();
      return;
    }
    if (this.abortCause !== undefined) {
      this.endAt = this.abortAt;
      this.error = this.abortCause;
      await res.cancel();
      return;
    }
    if (this.error !== undefined) {
      // A parse or in-stream server error stopped us; endAt was stamped there.
      await res.cancel();
      return;
    }
    this.endAt = this.now();
    if (readError !== undefined) {
      this.error = {
        kind: "stream",
        message: `body read failed: ${errorMessage(readError)}`,
        status: res.status,
      };
      await res.cancel();
      return;
    }
    decoder.end();
    if (this.doneSeen || this.state.finishReason !== undefined) return;
    const type = res.headers.get("content-type") ?? "";
    const hint = type.includes("text/event-stream") ? "" : ` (content-type: ${type || "none"})`;
    this.error = {
      kind: "stream",
      message: `stream ended without [DONE] or a finish_reason${hint}`,
      status: res.status,
    };
  }

  /** Called synchronously from the decoder for every SSE event: the per-token hot path. */
  onData = (data: string): void => {
    if (this.halted) return;
    const template = this.template;
    if (template !== undefined && matchesChunkTemplate(data, template)) {
      // Exactly what interpretChunk would do with this chunk: one token, nothing else changed.
      this.state.countedTokens++;
      if (this.tokenTimes.length === 0) clearTimeout(this.ttftTimer);
      if (template.reasoning === true) this.reasoningEvents.push(this.tokenTimes.length);
      else if (this.firstAnswerAt === undefined) this.firstAnswerAt = this.readAt;
      this.tokenTimes.push(this.readAt);
      this.tokenCounts.push(1);
      this.output.addLiteral(
        data.slice(template.prefix.length, data.length - template.suffix.length),
      );
      return;
    }
    if (data === "[DONE]") {
      this.doneSeen = true;
      this.halted = true;
      this.endAt = this.readAt;
      clearTimeout(this.wholeTimer);
      clearTimeout(this.ttftTimer);
      // A well-behaved server ends the body right after [DONE]; don't wait forever if not.
      this.drainTimer = setTimeout(() => {
        this.response?.cancel();
      }, DRAIN_AFTER_DONE_MS);
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.halted = true;
      this.endAt = this.readAt;
      this.error = {
        kind: "parse",
        message: `SSE data is not valid JSON: ${quote(data)}`,
        status: this.status,
      };
      return;
    }
    const tokens = interpretChunk(chunk, this.state);
    if (this.state.serverError !== undefined) {
      this.halted = true;
      this.endAt = this.readAt;
      this.error = {
        kind: "stream",
        message: `server error in stream: ${quote(this.state.serverError)}`,
        status: this.status,
      };
      return;
    }
    if (tokens > 0) {
      if (this.tokenTimes.length === 0) clearTimeout(this.ttftTimer);
      if (this.state.reasoningEvent) this.reasoningEvents.push(this.tokenTimes.length);
      else if (this.firstAnswerAt === undefined) this.firstAnswerAt = this.readAt;
      this.tokenTimes.push(this.readAt);
      this.tokenCounts.push(tokens);
      this.output.addText(chunkOutputText(chunk));
      // A token chunk that did not match (none learned yet, or the first chunk's role field
      // made the last one too narrow) becomes the template, up to a few tries per stream.
      if (tokens === 1 && this.templateTries < MAX_TEMPLATE_TRIES) {
        this.templateTries++;
        this.template = learnChunkTemplate(data, { chunk, tokens, state: this.state });
      }
    }
  };

  /** Last resort for a bug or an unbuildable body: still a record, never a rejection. */
  failUnexpected(e: unknown): RequestRecord {
    this.finished = true;
    this.clearTimers();
    this.config.signal?.removeEventListener("abort", this.onCancel);
    if (this.sentAt === 0) this.sentAt = this.now();
    this.endAt = this.now();
    this.error = {
      kind: this.headersAt === undefined ? "connect" : "stream",
      message: `client error: ${errorMessage(e)}`,
    };
    if (this.status !== undefined) this.error.status = this.status;
    return this.record();
  }

  record(): RequestRecord {
    const job = this.job;
    const spec = job.spec;
    const state = this.state;
    const tokens = resolveOutputTokens({
      counts: this.tokenCounts,
      usage: state.usageOutputTokens,
      texts: () => this.output.texts(),
      counter: this.config.countOutputTokens,
    });
    const r: RequestRecord = {
      index: job.index,
      phase: job.phase,
      requestId: this.requestId,
      scheduledAt: job.scheduledAt,
      sentAt: this.sentAt,
      endAt: this.endAt ?? this.now(),
      tokenTimes: this.tokenTimes,
      tokenCounts: tokens.counts,
      outputTokens: tokens.total,
      outputTokensSource: tokens.source,
      model: spec.model,
    };
    job.onOutputText?.(this.output.texts().join(""));
    if (state.responseId !== undefined) r.responseId = state.responseId;
    if (job.user !== undefined) r.user = job.user;
    if (this.headersAt !== undefined) r.headersAt = this.headersAt;
    if (this.connectMs !== undefined) r.connectMs = this.connectMs;
    if (state.promptTokens !== undefined) r.promptTokens = state.promptTokens;
    if (spec.requestedPromptTokens !== undefined) {
      r.requestedPromptTokens = spec.requestedPromptTokens;
    }
    if (state.finishReason !== undefined) r.finishReason = state.finishReason;
    this.addReasoning(r, tokens.counts);
    if (this.status !== undefined) r.status = this.status;
    if (this.error !== undefined) {
      if (this.error.status === undefined) delete this.error.status;
      r.error = this.error;
    }
    return r;
  }

  /**
   * Reasoning fields of a stream that reasoned (record.ts): the server's own reasoning count
   * when its usage gives one, else the tokens of the reasoning events (`counts`: the resolved
   * per-event counts, whatever their source); and when the answer began.
   */
  addReasoning(r: RequestRecord, counts: number[]): void {
    const fromUsage = this.state.usageReasoningTokens;
    if (this.reasoningEvents.length === 0 && !(fromUsage !== undefined && fromUsage > 0)) return;
    let counted = 0;
    for (const i of this.reasoningEvents) counted += counts[i] ?? 1;
    r.reasoningTokens = fromUsage ?? counted;
    if (this.firstAnswerAt !== undefined) r.firstAnswerAt = this.firstAnswerAt;
  }
}

/**
 * The configured transport, else fetch (through `httpClient` when one is given). A wrapper per
 * request around a given `httpClient` is one small object: cheaper than caching it.
 */
function transportFor(config: ClientConfig): Transport {
  if (config.transport !== undefined) return config.transport;
  if (config.httpClient !== undefined) {
    return createFetchTransport({ httpClient: config.httpClient });
  }
  return fetchTransport;
}

function trimSlash(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 47) end--;
  return s.slice(0, end);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function quote(s: string): string {
  return s.length > MAX_QUOTE_CHARS ? `${s.slice(0, MAX_QUOTE_CHARS)}…` : s;
}

/**
 * The server's own words from an error body: `{error:{message}}` (OpenAI, recent vLLM),
 * `{message}` (older vLLM), `{detail}` (FastAPI), else the raw text; truncated.
 */
export function serverMessage(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) return "(empty body)";
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return quote(trimmed);
  }
  if (parsed !== null && typeof parsed === "object") {
    const p = parsed as { error?: unknown; message?: unknown; detail?: unknown };
    const err = p.error;
    if (typeof err === "string") return quote(err);
    if (err !== null && typeof err === "object") {
      const m = (err as { message?: unknown }).message;
      if (typeof m === "string") return quote(m);
    }
    if (typeof p.message === "string") return quote(p.message);
    if (typeof p.detail === "string") return quote(p.detail);
    if (p.detail !== undefined) return quote(JSON.stringify(p.detail));
  }
  return quote(trimmed);
}
