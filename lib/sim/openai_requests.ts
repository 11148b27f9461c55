/**
 * Validation of `/v1/chat/completions` and `/v1/completions` bodies, in vLLM's order: malformed
 * fields (400), unknown model (404), context length (400). Pure: body in, request or error out.
 *
 * Supported: `model` (absent = the served model, as in vLLM), `messages` (string or text-part
 * content) / `prompt` (a string, one-element string array, or token-id array), `max_tokens`,
 * `max_completion_tokens` (chat; wins over max_tokens), `min_tokens`, `ignore_eos`, `stream`,
 * `stream_options.{include_usage, continuous_usage_stats}`, `seed`. Other fields are ignored,
 * as vLLM ignores unknown ones; `n` other than 1 is refused (one choice per request).
 * `model` may name the served model or a loaded LoRA adapter (then the request carries it).
 */

import { countChatTokens, countTokens, encodeChat, encodeText, messageText } from "./tokenizer.ts";
import type { HfTokenizer, TextMessage } from "../tokenizer/hf_tokenizer.ts";
import {
  maxTokensTooLargeMessage,
  promptTooLongMessage,
  type SimEndpoint,
  unknownModelMessage,
} from "./openai_shapes.ts";
import { hashString } from "./text_source.ts";

/** A validated generation request. */
export interface GenerationRequest {
  endpoint: SimEndpoint;
  /** The model name to echo in responses (the adapter's name for a LoRA request). */
  model: string;
  /** The LoRA adapter the request names, absent for the base model. */
  adapter?: string;
  promptTokens: number;
  /** The prompt's token ids, when the server asks for them (`ServedModel.promptIds`). */
  promptTokenIds?: number[];
  /** Resolved max output tokens (vLLM default when absent: max_model_len - prompt tokens). */
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
  /** A digest of prompt and body seed, part of the key that makes output deterministic. */
  contentKey: string;
}

/** A request the simulator refuses, with vLLM's status, message and `param`. */
export interface RequestRefusal {
  status: number;
  message: string;
  param: string | null;
}

/** What the server is configured to serve. */
export interface ServedModel {
  model: string;
  maxModelLen: number;
  /** Loaded LoRA adapters; a request may name one as its `model`. */
  adapters?: { has(name: string): boolean };
  /** The model's own tokenizer (`--tokenizer`); undefined = the built-in rule (tokenizer.ts). */
  tokenizer?: HfTokenizer;
  /** True: requests carry their prompt's token ids (the engine's prefix cache hashes them). */
  promptIds?: boolean;
}

/** Messages with their content flattened to text, for a real tokenizer's chat template. */
export function textMessages(messages: unknown[]): TextMessage[] {
  return messages.map((m) => {
    const msg = m as { role: string; content?: unknown };
    return { role: msg.role, content: messageText(msg.content) };
  });
}

/**
 * Resolves a body's `model` field as vLLM does: absent or null means the base model; the base
 * model's name or a loaded adapter's is accepted; anything else is a 404 (400 if not a string).
 */
export function resolveModel(
  model: unknown,
  served: ServedModel,
): { model: string; adapter?: string } | { refusal: RequestRefusal } {
  if (model === undefined || model === null) return { model: served.model };
  if (typeof model !== "string") {
    return { refusal: { status: 400, message: "`model` must be a string.", param: "model" } };
  }
  if (model === served.model) return { model };
  if (served.adapters?.has(model)) return { model, adapter: model };
  return { refusal: { status: 404, message: unknownModelMessage(model), param: "model" } };
}

type Refused = { refusal: RequestRefusal };

function bad(message: string, param: string | null = null): Refused {
  return { refusal: { status: 400, message, param } };
}

/** Validates a parsed JSON body; returns the request or the refusal vLLM would send. */
export function parseGenerationRequest(
  endpoint: SimEndpoint,
  body: unknown,
  served: ServedModel,
): { request: GenerationRequest } | Refused {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return bad("Request body must be a JSON object.");
  }
  const b = body as Record<string, unknown>;
  const prompt = endpoint === "chat" ? parseChatPrompt(b, served) : parseTextPrompt(b, served);
  if ("refusal" in prompt) return prompt;
  const fields = parseFields(endpoint, b);
  if ("refusal" in fields) return fields;
  const resolved = resolveModel(b.model, served);
  if ("refusal" in resolved) return resolved;
  const { model, adapter } = resolved;
  const lengths = resolveLengths(served.maxModelLen, prompt.promptTokens, fields);
  if ("refusal" in lengths) return lengths;

  // Bounded digest: long prompts are sampled (head + length), which keeps hashing cheap.
  const { promptText, promptTokens, promptTokenIds } = prompt;
  const seed = typeof b.seed === "number" ? b.seed : "";
  const contentKey = `${hashString(promptText.slice(0, 4096))}:${promptText.length}:${seed}`;
  const { stream, opts } = fields;
  return {
    request: {
      endpoint,
      model,
      ...(adapter === undefined ? {} : { adapter }),
      promptTokens,
      ...(promptTokenIds ? { promptTokenIds } : {}),
      maxTokens: lengths.maxTokens,
      minTokens: lengths.minTokens,
      ignoreEos: b.ignore_eos === true,
      stream,
      includeUsage: stream && opts.include_usage === true,
      continuousUsage: stream && opts.continuous_usage_stats === true,
      contentKey,
    },
  };
}

interface ParsedPrompt {
  promptTokens: number;
  /** Only when `ServedModel.promptIds` asks for them. */
  promptTokenIds?: number[];
  /** The prompt as text, for the content key. */
  promptText: string;
}

function parseChatPrompt(b: Record<string, unknown>, served: ServedModel): ParsedPrompt | Refused {
  const messages = b.messages;
  if (messages === undefined) return bad("Field required: messages", "messages");
  if (!Array.isArray(messages) || messages.length === 0) {
    return bad("`messages` must be a non-empty list of messages.", "messages");
  }
  for (const [i, m] of messages.entries()) {
    if (!m || typeof m !== "object" || typeof (m as { role?: unknown }).role !== "string") {
      return bad(`messages[${i}] must be an object with a string \`role\`.`, "messages");
    }
  }
  const ids = served.tokenizer
    ? served.tokenizer.encodeChat(textMessages(messages))
    : served.promptIds
    ? encodeChat(messages)
    : undefined;
  const promptTokens = ids?.length ?? countChatTokens(messages);
  const promptText = messages.map((m) => messageText((m as { content?: unknown }).content))
    .join("\n");
  return { promptTokens, promptText, ...(served.promptIds ? { promptTokenIds: ids } : {}) };
}

function parseTextPrompt(b: Record<string, unknown>, served: ServedModel): ParsedPrompt | Refused {
  const prompt = unwrapPrompt(b.prompt);
  if (prompt === undefined) {
    return bad(
      b.prompt === undefined
        ? "Field required: prompt"
        : "`prompt` must be a string, a one-element list of strings, or a list of token ids " +
          "(the simulator serves one prompt per request).",
      "prompt",
    );
  }
  // vLLM's completions add the tokenizer's special tokens (the BOS) to a text prompt.
  const ids = typeof prompt !== "string"
    ? prompt
    : served.tokenizer
    ? served.tokenizer.encode(prompt, { addSpecialTokens: true })
    : served.promptIds
    ? encodeText(prompt)
    : undefined;
  const promptTokens = ids?.length ?? countTokens(prompt as string);
  const promptText = typeof prompt === "string" ? prompt : prompt.join(",");
  return { promptTokens, promptText, ...(served.promptIds ? { promptTokenIds: ids } : {}) };
}

/** The body's scalar fields, checked for type and range but not yet against the context. */
interface ParsedFields {
  maxRaw: unknown;
  minRaw: unknown;
  stream: boolean;
  opts: Record<string, unknown>;
}

function parseFields(endpoint: SimEndpoint, b: Record<string, unknown>): ParsedFields | Refused {
  if (b.model !== undefined && b.model !== null && typeof b.model !== "string") {
    return bad("`model` must be a string.", "model");
  }
  const maxField = endpoint === "chat" && b.max_completion_tokens != null
    ? "max_completion_tokens"
    : "max_tokens";
  const maxRaw = b[maxField];
  if (maxRaw != null && !(Number.isInteger(maxRaw) && (maxRaw as number) >= 1)) {
    return bad(`${maxField} must be at least 1, got ${JSON.stringify(maxRaw)}.`, maxField);
  }
  const minRaw = b.min_tokens ?? 0;
  if (!(Number.isInteger(minRaw) && (minRaw as number) >= 0)) {
    return bad(`min_tokens must be greater than or equal to 0, got ${JSON.stringify(minRaw)}.`);
  }
  for (const flag of ["ignore_eos", "stream"] as const) {
    if (b[flag] != null && typeof b[flag] !== "boolean") {
      return bad(`\`${flag}\` must be a boolean.`, flag);
    }
  }
  if (b.n != null && b.n !== 1) {
    return bad("The simulator supports only n=1.", "n");
  }
  const stream = b.stream === true;
  const options = b.stream_options;
  if (options != null) {
    if (typeof options !== "object" || Array.isArray(options)) {
      return bad("`stream_options` must be an object.", "stream_options");
    }
    if (!stream) return bad("Stream options can only be defined when `stream=True`.");
  }
  return { maxRaw, minRaw, stream, opts: (options ?? {}) as Record<string, unknown> };
}

/** max/min output tokens against the context window, as vLLM checks them. */
function resolveLengths(
  maxModelLen: number,
  promptTokens: number,
  fields: ParsedFields,
): { maxTokens: number; minTokens: number } | Refused {
  if (promptTokens >= maxModelLen) {
    return bad(promptTooLongMessage(maxModelLen, promptTokens), "input_tokens");
  }
  const maxRaw = fields.maxRaw;
  const maxTokens = maxRaw == null ? maxModelLen - promptTokens : (maxRaw as number);
  if (promptTokens + maxTokens > maxModelLen) {
    return bad(maxTokensTooLargeMessage(maxModelLen, promptTokens, maxTokens), "max_tokens");
  }
  const minTokens = fields.minRaw as number;
  if (minTokens > maxTokens) {
    return bad(
      `min_tokens must be less than or equal to max_tokens=${maxTokens}, got ${minTokens}.`,
      "min_tokens",
    );
  }
  return { maxTokens, minTokens };
}

function unwrapPrompt(prompt: unknown): string | number[] | undefined {
  if (typeof prompt === "string") return prompt;
  if (!Array.isArray(prompt) || prompt.length === 0) return undefined;
  if (prompt.every((t) => Number.isInteger(t))) return prompt as number[];
  if (prompt.length !== 1) return undefined;
  const only = prompt[0];
  if (typeof only === "string") return only;
  if (Array.isArray(only) && only.length > 0 && only.every((t) => Number.isInteger(t))) {
    return only as number[];
  }
  return undefined;
}
