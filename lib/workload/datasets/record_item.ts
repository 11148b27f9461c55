/**
 * Turns one parsed record (a JSONL line, an adapters.json entry, a CSV row) into a dataset item.
 *
 * Fields read (others are ignored):
 * - `prompt`: non-empty string; or `messages`: non-empty list of `{role, content}` chat turns
 *   (roles system/user/assistant). Exactly one of the two.
 * - `conversations` (ShareGPT): list of `{from, value}`; the first `human` (or `user`) turn is
 *   the prompt, and the length of the `gpt` (or `assistant`) turn right after it is the expected
 *   output length, estimated with `estimateTokens` (default: code points / 4, rounded up). An
 *   entry without a reply keeps its prompt and has no expected length.
 * - adapter name: `adapter_name`, `adapter` or `lora_name` (the name the server serves it under).
 * - adapter path: `adapter_path`, `lora_path` or `path`; when no name is given, the path's last
 *   segment is the name (vLLM's `--lora-modules name=path` convention).
 * - `max_tokens`: positive integer. `output_tokens`: integer ≥ 0 (expected output length).
 */
import type { ChatMessage, DatasetItem, DatasetProblem, DatasetRow } from "./dataset_item.ts";
import { estimateTokens as defaultEstimate } from "./estimate_tokens.ts";
import { messageTurns, shareGptTurns } from "./conversation_turns.ts";

/** Where a record is, for items and messages. */
export interface RecordPlace {
  source: string;
  line: number;
  unit: "line" | "item";
}

/** Options for {@link recordToRow}. */
export interface RecordOptions {
  /** Tokens in a text (ShareGPT reply length); default code points / 4. */
  estimateTokens?: (text: string) => number;
}

const ADAPTER_NAME_KEYS = ["adapter_name", "adapter", "lora_name"] as const;
const ADAPTER_PATH_KEYS = ["adapter_path", "lora_path", "path"] as const;
const ROLES = new Set(["system", "user", "assistant"]);
const HUMAN = new Set(["human", "user"]);
const REPLY = new Set(["gpt", "assistant", "chatgpt", "bard", "bing"]);

const EXPECTED =
  `expected {"prompt": "...", "adapter_name"?: "...", "max_tokens"?: N} or {"messages": [...]}`;

function describe(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "a list" : "an object";
}

/** Converts one record to an item, or to a problem naming the field and the fix. */
export function recordToRow(
  record: unknown,
  place: RecordPlace,
  options: RecordOptions = {},
): DatasetRow {
  const fail = (message: string, field?: string): DatasetRow => {
    const problem: DatasetProblem = { ...place, message };
    if (field) problem.field = field;
    return { problem };
  };
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    return fail(`must be a JSON object (got ${describe(record)}); ${EXPECTED}`);
  }
  const r = record as Record<string, unknown>;
  const item: DatasetItem = { prompt: "", line: place.line, source: place.source };

  const has = (k: string) => r[k] !== undefined && r[k] !== null;
  const promptKeys = ["prompt", "messages", "conversations"].filter(has);
  if (promptKeys.length === 0) return fail(`has no "prompt" (or "messages"); ${EXPECTED}`);
  if (promptKeys.length > 1) {
    return fail(`give only one of ${promptKeys.map((k) => `"${k}"`).join(", ")}`);
  }
  const key = promptKeys[0];
  if (key === "prompt") {
    if (typeof r.prompt !== "string" || r.prompt.length === 0) {
      return fail(`must be a non-empty string (got ${describe(r.prompt)})`, "prompt");
    }
    item.prompt = r.prompt;
  } else if (key === "messages") {
    const messages = parseMessages(r.messages);
    if (typeof messages === "string") return fail(messages, "messages");
    item.prompt = messages;
    Object.assign(item, messageTurns(messages));
  } else {
    const turns = parseShareGpt(r.conversations, options.estimateTokens ?? defaultEstimate);
    if (typeof turns === "string") return fail(turns, "conversations");
    item.prompt = turns.prompt;
    if (turns.expected !== undefined) item.expectedOutputTokens = turns.expected;
    item.turns = shareGptTurns(r.conversations as unknown[]);
  }

  for (const k of ADAPTER_NAME_KEYS) {
    if (!has(k)) continue;
    if (typeof r[k] !== "string" || (r[k] as string).trim() === "") {
      return fail(`must be a non-empty string (got ${describe(r[k])})`, k);
    }
    item.adapter = (r[k] as string).trim();
    break;
  }
  for (const k of ADAPTER_PATH_KEYS) {
    if (!has(k)) continue;
    if (typeof r[k] !== "string" || (r[k] as string).trim() === "") {
      return fail(`must be a non-empty string (got ${describe(r[k])})`, k);
    }
    item.adapterPath = (r[k] as string).trim();
    item.adapter ??= item.adapterPath.replace(/[/\\]+$/, "").split(/[/\\]/).pop();
    break;
  }
  if (has("max_tokens")) {
    const v = r.max_tokens;
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
      return fail(`must be a positive integer (got ${describe(v)})`, "max_tokens");
    }
    item.maxTokens = v;
  }
  if (has("output_tokens")) {
    const v = r.output_tokens;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      return fail(`must be an integer ≥ 0 (got ${describe(v)})`, "output_tokens");
    }
    item.expectedOutputTokens = v;
  }
  return { item };
}

function parseMessages(value: unknown): ChatMessage[] | string {
  if (!Array.isArray(value) || value.length === 0) {
    return `must be a non-empty list of {"role", "content"} (got ${describe(value)})`;
  }
  const out: ChatMessage[] = [];
  for (const [i, m] of value.entries()) {
    const role = (m as { role?: unknown })?.role;
    const content = (m as { content?: unknown })?.content;
    if (typeof role !== "string" || !ROLES.has(role)) {
      return `entry ${i + 1}: "role" must be "system", "user" or "assistant" (got ${
        describe(role)
      })`;
    }
    if (typeof content !== "string") {
      return `entry ${i + 1}: "content" must be a string (got ${describe(content)})`;
    }
    out.push({ role: role as ChatMessage["role"], content });
  }
  return out;
}

function parseShareGpt(
  value: unknown,
  estimate: (text: string) => number,
): { prompt: string; expected?: number } | string {
  if (!Array.isArray(value)) return `must be a list of {"from", "value"} (got ${describe(value)})`;
  const turns = value as Array<{ from?: unknown; value?: unknown }>;
  const first = turns.findIndex((t) => typeof t?.from === "string" && HUMAN.has(t.from));
  if (first < 0) return `has no "human" turn to use as the prompt`;
  const prompt = turns[first].value;
  if (typeof prompt !== "string" || prompt.length === 0) {
    return `turn ${first + 1}: "value" must be a non-empty string (got ${describe(prompt)})`;
  }
  const reply = turns[first + 1];
  if (reply && typeof reply.from === "string" && REPLY.has(reply.from)) {
    if (typeof reply.value !== "string") {
      return `turn ${first + 2}: "value" must be a string (got ${describe(reply.value)})`;
    }
    return { prompt, expected: estimate(reply.value) };
  }
  return { prompt };
}
