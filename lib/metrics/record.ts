/**
 * The raw record of one request: the only thing the client produces and the only input the
 * statistics need. All times are monotonic milliseconds from the run's start (`performance.now()`
 * minus the run's origin), so records from one run share one clock; `meta.json` holds the
 * wall-clock anchor of time 0.
 *
 * Metric definitions (see docs/running.md "Metrics"):
 * - TTFT = first token event - `sentAt` (also from `scheduledAt` in open loop: the gap is
 *   client-side lag, shown rather than hidden).
 * - E2E = `endAt` - `sentAt` (and from `scheduledAt`).
 * - Prefill ~ TTFT; decode = E2E - TTFT.
 * - TPOT = (E2E - TTFT) / (output tokens - 1), undefined for fewer than 2 output tokens.
 * - ITL = gaps between successive token events; an event carrying k tokens keeps k beside it.
 * - Reasoning streams (`reasoningTokens` set): TTFT stays the first token of any kind; TTFAT
 *   (time to first answer token) = `firstAnswerAt` - `sentAt`.
 */

/** Why a request failed. */
export type ErrorKind = "timeout" | "connect" | "http" | "stream" | "parse" | "cancelled";

/** All error kinds, in the order summaries list them. */
export const ERROR_KINDS: readonly ErrorKind[] = [
  "timeout",
  "connect",
  "http",
  "stream",
  "parse",
  "cancelled",
];

/** A failure, kept as data in the record (a failed request never stops a run). */
export interface RequestError {
  kind: ErrorKind;
  message: string;
  /** HTTP status, for kind "http" (and for failures after headers arrived). */
  status?: number;
}

/**
 * Where the output token count came from (lib/client/output_tokens.ts): the server's `usage`;
 * the local tokenizer on the streamed text; an estimate from the text; or one per token event
 * (no usage and no text, and records written before estimates existed).
 */
export type TokenSource = "usage" | "tokenizer" | "estimate" | "counted";

/** Every {@link TokenSource}, best first. */
export const TOKEN_SOURCES: readonly TokenSource[] = ["usage", "tokenizer", "estimate", "counted"];

/** Which part of the run a request belongs to; warm-up records are kept but not summarised. */
export type Phase = "warmup" | "measure";

/** One request, as measured. Times in ms from the run origin. */
export interface RequestRecord {
  /** 0-based sequence number of the request within the run, in order of scheduling. */
  index: number;
  phase: Phase;
  /** The `x-request-id` header we sent; join key with server logs. */
  requestId: string;
  /** The response's `id` field (e.g. `chatcmpl-…`), when the server sent one. */
  responseId?: string;
  /** Closed loop: virtual user number; open loop: undefined. */
  user?: number;
  /** Sessions: the session this request is a turn of (docs/sessions.md). */
  sessionId?: number;
  /** Sessions: the turn's number in its session, 1-based. */
  turn?: number;
  /** When the request was meant to go (pacer target, or when the virtual user became free). */
  scheduledAt: number;
  /** Just before `fetch`. */
  sentAt: number;
  /** Response headers arrived. */
  headersAt?: number;
  /**
   * Time spent opening a new TCP connection (and TLS handshake, for https) for this request,
   * ms; absent when a pooled keep-alive connection was reused, or when the transport cannot
   * tell (`--transport fetch`). It lies between `sentAt` and `headersAt`, so it is already part
   * of this request's TTFT and E2E.
   */
  connectMs?: number;
  /** `[DONE]`, end of stream, or failure. */
  endAt: number;
  /** Arrival time of every SSE event that carried generated output. */
  tokenTimes: number[];
  /**
   * Tokens carried by each event in `tokenTimes`: 1, or more when the server's usage rose by more,
   * or when the total (usage, tokenizer, estimate) is spread over multi-token text chunks.
   */
  tokenCounts: number[];
  /** Prompt tokens per the server's usage, when reported. */
  promptTokens?: number;
  /** Output tokens: from usage when reported, else counted from the text (`outputTokensSource`). */
  outputTokens: number;
  outputTokensSource: TokenSource;
  /**
   * Of `outputTokens`, those the model spent reasoning (`delta.reasoning_content` /
   * `delta.reasoning` events, or the server's `completion_tokens_details.reasoning_tokens`);
   * absent when the stream had no reasoning, and in records written before it was measured.
   */
  reasoningTokens?: number;
  /**
   * Arrival of the first answer token event (content or tool calls) of a stream that reasoned;
   * absent without reasoning (then it is the first token) or when no answer came.
   */
  firstAnswerAt?: number;
  /** Prompt tokens we asked for (synthetic prompts), to reveal prompt-length drift. */
  requestedPromptTokens?: number;
  finishReason?: string;
  /** HTTP status of the response, when headers arrived. */
  status?: number;
  error?: RequestError;
  /**
   * Open loop with a full `--max-in-flight` cap and no `--queue`: the request was never sent.
   * Such a record has `sentAt = endAt = scheduledAt` and no tokens.
   */
  dropped?: boolean;
  /** LoRA adapter or model the request named. */
  model?: string;
  /**
   * The first request sent to its adapter in this run (a LoRA cold start; see
   * `cold_starts.ts`). Never set for the base model.
   */
  coldStart?: boolean;
}

/**
 * True when llmload itself ended the request: a stop signal, `--max-runtime` or the end of
 * `--grace` aborted it (kind "cancelled" is only ever set by the client's own cancel signal, see
 * stream_client.ts; a server or network failure is "connect", "http", "stream" or "timeout").
 * Such a request says nothing about the server: it is counted apart, never as a failure.
 */
export function isCancelledByUs(r: RequestRecord): boolean {
  return r.error?.kind === "cancelled";
}

/** True when the request completed without error and was actually sent. */
export function isOk(r: RequestRecord): boolean {
  return !r.error && !r.dropped;
}
