/**
 * A fast path for the per-token hot path: within one stream a server sends every ordinary token
 * chunk as the same JSON text with only the output string changing (vLLM:
 * `{"id":"chatcmpl-…",…,"choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,
 * "finish_reason":null}]}`). After one such chunk has been parsed and interpreted the slow way,
 * its text is split around the output string into a prefix and a suffix. A later event that is
 * exactly prefix + one valid, non-empty JSON string literal + suffix is then the same JSON value
 * with a different non-empty output string, so `interpretChunk` would count exactly one token and
 * change nothing else: no `JSON.parse`, no objects allocated. Anything else (finish_reason,
 * usage, an error, a different id, invalid JSON) fails the match and takes the slow path, so the
 * records are identical either way (tests/client/chunk_template_test.ts checks agreement).
 *
 * bench/chunk_template_speed.ts, 234-byte vLLM chunks on our shared 2-core box: 1.9–2.6 µs per
 * event through `JSON.parse` + `interpretChunk`, 0.22–0.29 µs through a template match.
 */
import type { StreamState } from "./chunk.ts";

/** The text around the output string of a stream's ordinary token chunk. */
export interface ChunkTemplate {
  readonly prefix: string;
  readonly suffix: string;
  /**
   * The hole is `delta.reasoning_content` or `delta.reasoning` with no answer beside it: a
   * matching event is a reasoning token (chunk.ts `StreamState.reasoningEvent`).
   */
  readonly reasoning?: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;
/** A string no server sends as output: it marks the hole when the template is checked. */
const SENTINEL = "\u0000llmload\u0000";

interface ChoiceLike {
  delta?: Record<string, unknown> | null;
  text?: unknown;
  finish_reason?: unknown;
}

/**
 * Learns a template from an event whose `data` was just parsed into `chunk` and interpreted
 * as exactly `tokens` tokens into `state`. Returns undefined unless the chunk is an ordinary
 * one-token chunk (one choice, no finish reason, no usage, no error) whose output string occurs
 * exactly once in `data` and is proven, by re-parsing with a sentinel in its place, to be the
 * very field `interpretChunk` read.
 */
export function learnChunkTemplate(
  data: string,
  parsed: { chunk: unknown; tokens: number; state: StreamState },
): ChunkTemplate | undefined {
  const { chunk, tokens, state } = parsed;
  if (tokens !== 1 || state.serverError !== undefined) return undefined;
  if (chunk === null || typeof chunk !== "object" || Array.isArray(chunk)) return undefined;
  const c = chunk as { usage?: unknown; error?: unknown; choices?: unknown };
  if (c.usage !== undefined && c.usage !== null) return undefined;
  if (c.error !== undefined && c.error !== null) return undefined;
  if (!Array.isArray(c.choices) || c.choices.length !== 1) return undefined;
  const field = outputField(c.choices[0]);
  if (field === undefined) return undefined;
  const literal = JSON.stringify(field.get(c.choices[0] as ChoiceLike));
  const at = data.indexOf(literal);
  if (at < 0 || data.indexOf(literal, at + 1) >= 0) return undefined;
  const prefix = data.slice(0, at);
  const suffix = data.slice(at + literal.length);
  try {
    const probe = JSON.parse(prefix + JSON.stringify(SENTINEL) + suffix) as { choices?: unknown };
    if (!Array.isArray(probe.choices) || probe.choices.length !== 1) return undefined;
    if (field.get(probe.choices[0] as ChoiceLike) !== SENTINEL) return undefined;
  } catch {
    return undefined;
  }
  const template = { prefix: flat(prefix), suffix: flat(suffix) };
  return state.reasoningEvent ? { ...template, reasoning: true } : template;
}

/**
 * A flat copy of `s`. A `slice` is a view into the string it came from (V8's SlicedString):
 * kept as is, a template would hold a whole decoded read alive, and every comparison against
 * it would go through the view.
 */
function flat(s: string): string {
  return JSON.parse(JSON.stringify(s));
}

/** Where the choice's output string is, when it is the non-empty string that makes it a token. */
function outputField(
  choice: unknown,
): { get: (c: ChoiceLike) => unknown } | undefined {
  if (choice === null || typeof choice !== "object") return undefined;
  const ch = choice as ChoiceLike;
  if (typeof ch.finish_reason === "string" && ch.finish_reason.length > 0) return undefined;
  const delta = ch.delta;
  if (delta !== undefined && delta !== null) {
    if (typeof delta !== "object") return undefined;
    for (const key of ["content", "reasoning_content", "reasoning"]) {
      const v = delta[key];
      if (typeof v === "string" && v.length > 0) {
        return { get: (c) => (c.delta as Record<string, unknown> | null | undefined)?.[key] };
      }
    }
    return undefined;
  }
  return typeof ch.text === "string" && ch.text.length > 0 ? { get: (c) => c.text } : undefined;
}

/**
 * True when `data` is `template` with a valid, non-empty JSON string literal in the hole: the
 * event is then one token and changes nothing else in the stream's state.
 */
export function matchesChunkTemplate(data: string, template: ChunkTemplate): boolean {
  const { prefix, suffix } = template;
  const end = data.length - suffix.length;
  // At least `"x"` between the two.
  if (end - prefix.length < 3) return false;
  // `slice` + `===` rather than startsWith/endsWith: V8 compares two strings' characters in
  // bulk, where startsWith walks them one by one (~0.1 µs against 0.3–2 µs for a 180-char
  // prefix, measured on our 2-core box).
  if (data.slice(0, prefix.length) !== prefix || data.slice(end) !== suffix) return false;
  return isNonEmptyStringLiteral(data, prefix.length, end);
}

/** Whether `s[from, to)` is exactly one JSON string literal with at least one character. */
function isNonEmptyStringLiteral(s: string, from: number, to: number): boolean {
  if (s.charCodeAt(from) !== QUOTE || s.charCodeAt(to - 1) !== QUOTE) return false;
  const last = to - 1;
  let i = from + 1;
  if (i >= last) return false; // `""`: empty output is not a token
  while (i < last) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === QUOTE) return false;
    if (c !== BACKSLASH) {
      i++;
      continue;
    }
    const e = s.charCodeAt(i + 1);
    if (i + 1 >= last) return false;
    if (e === 117) {
      // \uXXXX: four hex digits, all before the closing quote.
      for (let k = i + 2; k < i + 6; k++) {
        if (k >= last || !isHex(s.charCodeAt(k))) return false;
      }
      i += 6;
    } else if (
      e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 ||
      e === 114 || e === 116
    ) {
      i += 2;
    } else {
      return false;
    }
  }
  return i === last;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
