import type { Phase } from "../metrics/record.ts";
import type { Transport } from "./transport.ts";

/** Which OpenAI endpoint a request goes to. */
export type Endpoint = "chat" | "completions";

/**
 * One chat turn sent in `messages`. Same shape as the dataset readers' ChatMessage (workload/),
 * declared here because client/ must not import workload/.
 */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** What to ask the server: one request's content, independent of when or how it is sent. */
export interface RequestSpec {
  endpoint: Endpoint;
  /** Model or LoRA adapter name, sent as `model`. */
  model: string;
  /**
   * Prompt text (chat: sent as one user message), or a whole chat conversation sent as
   * `messages` unchanged (chat endpoint only: a completions request cannot carry roles).
   */
  prompt: string | ChatMessage[];
  /** `max_tokens` for the request. */
  maxTokens: number;
  /** Send `ignore_eos: true` (vLLM extension) so the server generates exactly `maxTokens`. */
  ignoreEos?: boolean;
  /** Prompt tokens we meant this prompt to have, copied into the record to reveal drift. */
  requestedPromptTokens?: number;
  /** Sampling parameters; each is sent only when set. */
  sampling?: SamplingParams;
  /** Extra body fields merged last (sampling parameters and the like). */
  extraBody?: Record<string, unknown>;
}

/**
 * Sampling parameters, in camelCase; sent under their OpenAI/vLLM names (`top_p`, `min_p`, ...).
 * Mirrors config's `Sampling` (client/ must not import config/).
 */
export interface SamplingParams {
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  repetitionPenalty?: number;
  stop?: string[];
  seed?: number;
}

/** One unit of work handed to the client by the run: what to send plus its place in the run. */
export interface Job {
  index: number;
  phase: Phase;
  /** Pacer target (open loop) or when the virtual user became free (closed loop); ms from origin. */
  scheduledAt: number;
  /** Closed-loop virtual user number. */
  user?: number;
  spec: RequestSpec;
  /** Sessions: given the stream's whole output text once it has ended (the turn's answer). */
  onOutputText?: (text: string) => void;
}

/** How to reach the server; fixed for a run. */
export interface ClientConfig {
  /** API base including `/v1`, e.g. `http://127.0.0.1:8000/v1` (no trailing slash needed). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never written to any output. */
  apiKey?: string;
  /** Whole-request limit, ms. */
  timeoutMs: number;
  /** Limit until response headers arrive, ms. */
  connectTimeoutMs?: number;
  /** Limit until the first token event, ms from send. */
  ttftTimeoutMs?: number;
  /** `performance.now()` at the run's start: record times are relative to it. */
  origin: number;
  /** Aborting it (Ctrl-C, drain timeout) ends in-flight requests as kind "cancelled". */
  signal?: AbortSignal;
  /** Optional shared HTTP client (connection pool settings) for the default fetch transport. */
  httpClient?: Deno.HttpClient;
  /**
   * How requests go on the wire. Default: `fetch` (through `httpClient` when given). The socket
   * transport (`createSocketTransport`) costs less client CPU per token event.
   */
  transport?: Transport;
  /**
   * Counts output text with the model's tokenizer, for servers that send no `usage`
   * (output_tokens.ts); without it such counts are estimated from the text.
   */
  countOutputTokens?: (text: string) => number;
}
