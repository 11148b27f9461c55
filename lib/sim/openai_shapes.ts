/**
 * vLLM-shaped response bodies (OpenAI API as served by vLLM 0.10/0.11), as pure builders.
 *
 * Streaming chunks are assembled from pre-encoded byte pieces because the simulator emits up to
 * ~100k of them per second; their JSON matches what vLLM's pydantic models dump with
 * `exclude_unset=True` (fields vLLM never sets are absent, fields it sets to None are `null`).
 *
 * Errors use vLLM's current (>= 0.10) shape `{"error": {"message", "type", "param", "code"}}`
 * with `code` the HTTP status as a number (older vLLM sent a flat `{"object": "error", ...}`).
 */

import { WORDS } from "./text_source.ts";
import { allocBytes } from "./byte_slab.ts";

/** Reported by `GET /version`; the suffix says it is the simulator. */
export const SIM_VERSION = "0.11.0+llmload.sim";

/** Which generation endpoint a request came to. */
export type SimEndpoint = "chat" | "completions";

/** vLLM's usage object (field order as vLLM dumps it). */
export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
}

/** Builds a usage object from the two counts. */
export function usage(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  };
}

/** The base model as `GET /v1/models` describes it. */
export interface BaseModelCard {
  model: string;
  maxModelLen: number;
  /** Unix seconds. */
  created: number;
}

/** A loaded LoRA adapter as `GET /v1/models` describes it. */
export interface LoraModelCard {
  name: string;
  /** The `lora_path` it was loaded from (vLLM reports it as `root`). */
  path: string;
  /** Unix seconds. */
  created: number;
}

function modelCard(
  id: string,
  created: number,
  fields: { root: string; parent: string | null; maxModelLen: number | null },
): unknown {
  return {
    id,
    object: "model",
    created,
    owned_by: "vllm",
    root: fields.root,
    parent: fields.parent,
    max_model_len: fields.maxModelLen,
    permission: [{
      id: `modelperm-${id}`,
      object: "model_permission",
      created,
      allow_create_engine: false,
      allow_sampling: true,
      allow_logprobs: true,
      allow_search_indices: false,
      allow_view: true,
      allow_fine_tuning: false,
      organization: "*",
      group: null,
      is_blocking: false,
    }],
  };
}

/**
 * `GET /v1/models` body as vLLM serves it: the base model card (with `max_model_len`), then one
 * card per LoRA adapter with `parent` = the base model, `root` = its path and
 * `max_model_len: null` (vLLM leaves it unset for adapters).
 */
export function modelList(base: BaseModelCard, adapters: readonly LoraModelCard[] = []): unknown {
  return {
    object: "list",
    data: [
      modelCard(base.model, base.created, {
        root: base.model,
        parent: null,
        maxModelLen: base.maxModelLen,
      }),
      ...adapters.map((a) =>
        modelCard(a.name, a.created, { root: a.path, parent: base.model, maxModelLen: null })
      ),
    ],
  };
}

/**
 * `POST /tokenize` body (vLLM's TokenizeResponse): `token_strs` is null unless the request
 * asked for `return_token_strs`.
 */
export function tokenizeBody(
  tokens: readonly number[],
  maxModelLen: number,
  tokenStrs: readonly string[] | null = null,
): unknown {
  return { count: tokens.length, max_model_len: maxModelLen, tokens, token_strs: tokenStrs };
}

/** vLLM error types by status (vLLM names them after the Python exception classes). */
const ERROR_TYPES: Record<number, string> = {
  400: "BadRequestError",
  404: "NotFoundError",
  429: "TooManyRequestsError",
  500: "InternalServerError",
  503: "ServiceUnavailableError",
};

/** vLLM's error body for `status`. */
export function errorBody(
  status: number,
  message: string,
  options: { param?: string | null; type?: string } = {},
): unknown {
  return {
    error: {
      message,
      type: options.type ?? ERROR_TYPES[status] ?? "BadRequestError",
      param: options.param ?? null,
      code: status,
    },
  };
}

/** vLLM's 404 message for a model it does not serve. */
export function unknownModelMessage(model: string): string {
  return `The model \`${model}\` does not exist.`;
}

/** vLLM's 400 message when the prompt alone fills the context (prompt >= max_model_len). */
export function promptTooLongMessage(maxModelLen: number, promptTokens: number): string {
  return `This model's maximum context length is ${maxModelLen} tokens. However, your request ` +
    `has ${promptTokens} input tokens. Please reduce the length of the input messages.`;
}

/**
 * vLLM's (>= 0.10) 400 message when prompt + max_tokens exceeds max_model_len. Older vLLM said
 * "However, you requested M tokens (P in the messages, K in the completion)"; same numbers.
 */
export function maxTokensTooLargeMessage(
  maxModelLen: number,
  promptTokens: number,
  maxTokens: number,
): string {
  return `'max_tokens' or 'max_completion_tokens' is too large: ${maxTokens}. This model's ` +
    `maximum context length is ${maxModelLen} tokens and your request has ${promptTokens} ` +
    `input tokens (${maxTokens} > ${maxModelLen} - ${promptTokens}).`;
}

/** Response `id` prefix per endpoint, as vLLM names them. */
export function idPrefix(endpoint: SimEndpoint): string {
  return endpoint === "chat" ? "chatcmpl-" : "cmpl-";
}

/** Non-streaming body: `chat.completion` or `text_completion`. `created` in Unix seconds. */
export function completionBody(
  endpoint: SimEndpoint,
  meta: { id: string; model: string; created: number },
  result: { text: string; finishReason: string; promptTokens: number; completionTokens: number },
): unknown {
  const choice = endpoint === "chat"
    ? {
      index: 0,
      message: { role: "assistant", content: result.text, tool_calls: [] },
      logprobs: null,
      finish_reason: result.finishReason,
      stop_reason: null,
    }
    : {
      index: 0,
      text: result.text,
      logprobs: null,
      finish_reason: result.finishReason,
      stop_reason: null,
    };
  return {
    id: meta.id,
    object: endpoint === "chat" ? "chat.completion" : "text_completion",
    created: meta.created,
    model: meta.model,
    choices: [choice],
    usage: usage(result.promptTokens, result.completionTokens),
  };
}

const enc = new TextEncoder();

// Per-word JSON pieces, encoded once: `{"content":" word"}` (chat) and `"text":" word"`.
const CHAT_WORD_PIECES = WORDS.map((w) => enc.encode(`{"content":${JSON.stringify(" " + w)}}`));
const REASONING_WORD_PIECES = WORDS.map((w) =>
  enc.encode(`{"reasoning_content":${JSON.stringify(" " + w)}}`)
);
const TEXT_WORD_PIECES = WORDS.map((w) => enc.encode(`"text":${JSON.stringify(" " + w)}`));
const CHAT_OPEN = enc.encode(`"choices":[{"index":0,"delta":`);
const TEXT_OPEN = enc.encode(`"choices":[{"index":0,`);
const CHAT_MID = enc.encode(`,"logprobs":null,"finish_reason":null}]`);
const TEXT_MID = enc.encode(`,"logprobs":null,"finish_reason":null,"stop_reason":null}]`);
const CLOSE = enc.encode("}\n\n");

function finalMid(finishReason: string): Uint8Array {
  return enc.encode(
    `,"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}` +
      `,"stop_reason":null}]`,
  );
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = allocBytes(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function wordsText(words: readonly number[]): string {
  return JSON.stringify(words.map((w) => " " + WORDS[w]).join(""));
}

/**
 * The chat delta of a multi-token event whose first word is output token `from`: the words
 * before `reasoningTokens` as `reasoning_content`, the rest as `content` (both when the event
 * straddles the end of the reasoning).
 */
function chatDelta(words: readonly number[], from: number, reasoningTokens: number): string {
  const split = Math.max(0, Math.min(words.length, reasoningTokens - from));
  if (split === 0) return `{"content":${wordsText(words)}}`;
  const reasoning = `"reasoning_content":${wordsText(words.slice(0, split))}`;
  if (split === words.length) return `{${reasoning}}`;
  return `{${reasoning},"content":${wordsText(words.slice(split))}}`;
}

/** Encodes one response's SSE events. */
export interface StreamEncoder {
  /** Events sent together with the first token before it (chat: the role chunk), or null. */
  preamble(): Uint8Array | null;
  /** The event carrying output token `index` (word index into WORDS); `last` adds finish_reason. */
  token(word: number, index: number, last: boolean): Uint8Array;
  /** One event carrying several words, the last of them output token `index`. */
  tokens(words: readonly number[], index: number, last: boolean): Uint8Array;
  /**
   * Events after the last token: the usage chunk (when asked for) and `[DONE]` (left out with
   * `done: false`, for the missing-`[DONE]` fault).
   */
  epilogue(completionTokens: number, options?: { done?: boolean }): Uint8Array;
}

/** What a stream encoder needs to know about its response. */
export interface StreamMeta {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  promptTokens: number;
  /** finish_reason of the final token chunk. */
  finishReason: string;
  /** `stream_options.include_usage`: a last chunk with `choices: []` and `usage`. */
  includeUsage: boolean;
  /** `stream_options.continuous_usage_stats` (vLLM extension): usage on every chunk. */
  continuousUsage: boolean;
  /** Chat: output tokens below this index are sent as `delta.reasoning_content`; default 0. */
  reasoningTokens?: number;
}

/** Creates the SSE encoder for one streaming response in vLLM's chunk shapes. */
export function createStreamEncoder(endpoint: SimEndpoint, meta: StreamMeta): StreamEncoder {
  const chat = endpoint === "chat";
  const object = chat ? "chat.completion.chunk" : "text_completion";
  const headText = `data: {"id":${JSON.stringify(meta.id)},"object":"${object}",` +
    `"created":${meta.created},"model":${JSON.stringify(meta.model)},`;
  const head = enc.encode(headText);
  const open = chat ? CHAT_OPEN : TEXT_OPEN;
  const pieces = chat ? CHAT_WORD_PIECES : TEXT_WORD_PIECES;
  const mid = chat ? CHAT_MID : TEXT_MID;
  const last = finalMid(meta.finishReason);
  const reasoningTokens = chat ? meta.reasoningTokens ?? 0 : 0;
  const usageField = (completion: number) =>
    enc.encode(`,"usage":${JSON.stringify(usage(meta.promptTokens, completion))}`);

  return {
    preamble() {
      if (!chat) return null;
      return enc.encode(
        headText +
          `"choices":[{"index":0,"delta":{"role":"assistant","content":""},` +
          `"logprobs":null,"finish_reason":null}]` +
          (meta.continuousUsage ? `,"usage":${JSON.stringify(usage(meta.promptTokens, 0))}` : "") +
          "}\n\n",
      );
    },
    token(word, index, isLast) {
      const piece = index < reasoningTokens ? REASONING_WORD_PIECES[word] : pieces[word];
      const parts = [head, open, piece, isLast ? last : mid];
      if (meta.continuousUsage) parts.push(usageField(index + 1));
      parts.push(CLOSE);
      return concat(parts);
    },
    tokens(words, index, isLast) {
      // Off the one-token hot path: encoded per event rather than from cached pieces.
      const piece = enc.encode(
        chat
          ? chatDelta(words, index + 1 - words.length, reasoningTokens)
          : `"text":${wordsText(words)}`,
      );
      const parts = [head, open, piece, isLast ? last : mid];
      if (meta.continuousUsage) parts.push(usageField(index + 1));
      parts.push(CLOSE);
      return concat(parts);
    },
    epilogue(completionTokens, options = {}) {
      const usageChunk = meta.includeUsage
        ? `${headText}"choices":[],"usage":` +
          `${JSON.stringify(usage(meta.promptTokens, completionTokens))}}\n\n`
        : "";
      return enc.encode(usageChunk + (options.done === false ? "" : "data: [DONE]\n\n"));
    },
  };
}
