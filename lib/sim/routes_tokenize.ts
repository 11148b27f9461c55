/**
 * `POST /tokenize` and `POST /detokenize` in vLLM's shapes, over the simulator's deterministic
 * tokenizer (tokenizer.ts documents the id rule). Pure: parsed body in, status and body out.
 *
 * `/tokenize` takes `{model?, prompt, add_special_tokens?, return_token_strs?}` or
 * `{model?, messages, add_generation_prompt?, add_special_tokens?, return_token_strs?, ...}` and
 * answers `{count, max_model_len, tokens, token_strs}`; `count` equals the `usage.prompt_tokens`
 * a completion (prompt) or chat completion (messages) request with the same input reports. The
 * simulated tokenizer adds no BOS and its chat template no generation prompt, so
 * `add_special_tokens` and `add_generation_prompt` are accepted and change nothing. Given the
 * model's own tokenizer (`--tokenizer`), both count as in vLLM and ids are that tokenizer's. Unlike
 * generation, prompts longer than max_model_len are not refused (vLLM skips that check here).
 *
 * `/detokenize` takes `{model?, tokens: int[]}` and answers `{prompt}`; ids outside the
 * vocabulary are a 400.
 */

import {
  decodeTokens,
  encodeChat,
  encodeText,
  isTokenId,
  SIM_VOCAB_SIZE,
  tokenText,
} from "./tokenizer.ts";
import { resolveModel, type ServedModel, textMessages } from "./openai_requests.ts";
import { errorBody, tokenizeBody } from "./openai_shapes.ts";

/** A route's answer: HTTP status and JSON body. */
export interface RouteResult {
  status: number;
  body: unknown;
}

function bad(message: string, param: string | null = null): RouteResult {
  return { status: 400, body: errorBody(400, message, { param }) };
}

function checkBody(
  body: unknown,
  served: ServedModel,
): { b: Record<string, unknown> } | { refusal: RouteResult } {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return { refusal: bad("Request body must be a JSON object.") };
  }
  const b = body as Record<string, unknown>;
  const resolved = resolveModel(b.model, served);
  if ("refusal" in resolved) {
    const r = resolved.refusal;
    return { refusal: { status: r.status, body: errorBody(r.status, r.message, r) } };
  }
  return { b };
}

/** Handles a parsed `/tokenize` body. */
export function tokenizeRoute(body: unknown, served: ServedModel): RouteResult {
  const checked = checkBody(body, served);
  if ("refusal" in checked) return checked.refusal;
  const { b } = checked;
  for (const flag of ["add_special_tokens", "add_generation_prompt", "return_token_strs"]) {
    if (b[flag] != null && typeof b[flag] !== "boolean") {
      return bad(`\`${flag}\` must be a boolean.`, flag);
    }
  }
  let tokens: number[];
  if (b.messages !== undefined) {
    const messages = b.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      return bad("`messages` must be a non-empty list of messages.", "messages");
    }
    for (const [i, m] of messages.entries()) {
      if (!m || typeof m !== "object" || typeof (m as { role?: unknown }).role !== "string") {
        return bad(`messages[${i}] must be an object with a string \`role\`.`, "messages");
      }
    }
    // With the model's tokenizer, vLLM's defaults: a generation prompt, no added special tokens.
    tokens = served.tokenizer
      ? served.tokenizer.encodeChat(textMessages(messages), {
        addGenerationPrompt: b.add_generation_prompt !== false,
      })
      : encodeChat(messages);
  } else if (typeof b.prompt === "string") {
    tokens = served.tokenizer
      ? served.tokenizer.encode(b.prompt, { addSpecialTokens: b.add_special_tokens !== false })
      : encodeText(b.prompt);
  } else {
    return bad(
      b.prompt === undefined
        ? "Field required: `prompt` (a string) or `messages`."
        : "`prompt` must be a string.",
      b.prompt === undefined ? null : "prompt",
    );
  }
  const strs = b.return_token_strs !== true
    ? null
    : served.tokenizer
    ? tokens.map((t) => served.tokenizer!.idToToken(t) ?? "")
    : tokens.map(tokenText);
  return { status: 200, body: tokenizeBody(tokens, served.maxModelLen, strs) };
}

/** Handles a parsed `/detokenize` body. */
export function detokenizeRoute(body: unknown, served: ServedModel): RouteResult {
  const checked = checkBody(body, served);
  if ("refusal" in checked) return checked.refusal;
  const tokens = checked.b.tokens;
  if (!Array.isArray(tokens)) {
    return bad("Field required: `tokens` (a list of token ids).", "tokens");
  }
  const tok = served.tokenizer;
  const wrong = tok
    ? tokens.find((t) => !Number.isInteger(t) || tok.idToToken(t) === undefined)
    : tokens.find((t) => !isTokenId(t));
  if (wrong !== undefined) {
    return bad(
      tok
        ? `Token id ${JSON.stringify(wrong)} is out of vocabulary.`
        : `Token id ${JSON.stringify(wrong)} is out of vocabulary (0-${SIM_VOCAB_SIZE - 1}).`,
      "tokens",
    );
  }
  return { status: 200, body: { prompt: tok ? tok.decode(tokens) : decodeTokens(tokens) } };
}
