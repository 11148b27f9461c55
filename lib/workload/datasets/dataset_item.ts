/**
 * The one item type every dataset reader produces, and the problem type for malformed input.
 * Readers never throw on a bad line: they yield a {@link DatasetProblem} and the caller decides
 * (skip it or fail the run; see `read_dataset.ts`).
 */

/** Chat roles a dataset may use; these are the roles every OpenAI-compatible server accepts. */
export type ChatRole = "system" | "user" | "assistant";

/** One chat turn, as sent in `messages` to `/v1/chat/completions`. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** A prompt: plain text (completions, or one user message), or a whole chat conversation. */
export type DatasetPrompt = string | ChatMessage[];

/**
 * One user turn of a multi-turn conversation (sessions, docs/sessions.md): what the user says
 * and the answer the dataset recorded after it, if any.
 */
export interface ConversationTurn {
  user: string;
  answer?: string;
}

/** One request's content taken from a dataset file. */
export interface DatasetItem {
  /** Prompt text, or chat messages when the file gave `messages`. */
  prompt: DatasetPrompt;
  /**
   * Every user turn of the conversation, in order (ShareGPT `conversations`, or `messages` with
   * user turns), for sessions; `prompt` stays the first turn alone (or the messages as given).
   */
  turns?: ConversationTurn[];
  /** The conversation's leading system message, for sessions. */
  system?: string;
  /** LoRA adapter to send as `model` (the served adapter name); absent = the base model. */
  adapter?: string;
  /** Adapter directory as written in the file (adapters.json), for loading adapters at run time. */
  adapterPath?: string;
  /** `max_tokens` the file asks for this request (tokens). */
  maxTokens?: number;
  /**
   * Output length the file implies (tokens, an estimate for ShareGPT: see `record_item.ts`).
   * The run layer may use it as `max_tokens` when the plan says "output from dataset".
   */
  expectedOutputTokens?: number;
  /**
   * Where the item came from: 1-based line where the record starts (JSONL, CSV), or 1-based
   * position in the top-level list (JSON formats).
   */
  line: number;
  /** File name (path as given) the item came from. */
  source: string;
}

/** A malformed record: where it is, which field, what is wrong and how to fix it. */
export interface DatasetProblem {
  source: string;
  /** 1-based line (JSONL, CSV) or list position (JSON formats); 0 = the file as a whole. */
  line: number;
  /** "line" for line-based formats, "item" for positions in a JSON list. */
  unit: "line" | "item";
  /** Offending field, when one field is to blame. */
  field?: string;
  /** What is wrong, with the expected value and a fix where one is known. */
  message: string;
}

/** One parsed record: an item, or the reason it could not become one. */
export type DatasetRow = { item: DatasetItem } | { problem: DatasetProblem };

/** Formats one problem as `dataset "f.jsonl" line 3: field "prompt" ...` for messages. */
export function formatProblem(problem: DatasetProblem): string {
  const where = problem.line > 0 ? ` ${problem.unit} ${problem.line}` : "";
  const field = problem.field ? `field "${problem.field}" ` : "";
  return `dataset "${problem.source}"${where}: ${field}${problem.message}`;
}
