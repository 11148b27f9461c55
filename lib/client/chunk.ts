/**
 * Interpretation of one parsed streaming chunk (`chat.completion.chunk` or `text_completion`).
 *
 * A token event is an SSE event that carries generated output: non-empty `delta.content`,
 * `delta.reasoning_content`, `delta.reasoning` or `delta.tool_calls` (chat), or non-empty `text`
 * (completions); or a rise in `usage.completion_tokens` inside a chunk that has choices. A
 * role-only or empty chunk is not a token. A usage-only chunk (`choices: []`, the final summary
 * sent for `stream_options.include_usage`) is never a token event: it reports totals, and its
 * arrival time says nothing about when any token was generated.
 *
 * Reasoning models served with a reasoning parser (vLLM `--reasoning-parser`) stream their
 * thinking as `delta.reasoning_content` (older vLLM) or `delta.reasoning` (newer) before the
 * answer's `delta.content`. Such an event is a token event like any other (TTFT is the first
 * token of any kind) and is marked as reasoning in {@link StreamState.reasoningEvent}, so the
 * client can count reasoning tokens and time the first answer token apart.
 */

/** Running interpretation of one stream; {@link interpretChunk} updates it in place. */
export interface StreamState {
  /** The first chunk `id` seen (e.g. `chatcmpl-…`). */
  responseId: string | undefined;
  /** The latest `finish_reason` any choice reported. */
  finishReason: string | undefined;
  /** `usage.prompt_tokens`, latest seen. */
  promptTokens: number | undefined;
  /** `usage.completion_tokens`, latest seen (cumulative: continuous usage or the final chunk). */
  usageOutputTokens: number | undefined;
  /** Sum of the token counts of all token events so far. */
  countedTokens: number;
  /**
   * Whether the latest token event carried reasoning and no answer (no `content`, no tool
   * calls). A usage rise without text keeps the kind of the event before it.
   */
  reasoningEvent: boolean;
  /** `usage.completion_tokens_details.reasoning_tokens`, latest seen (OpenAI-style servers). */
  usageReasoningTokens: number | undefined;

  /** Message of an error object the server sent inside the stream (vLLM does on engine errors). */
  serverError: string | undefined;
}

/** A fresh state for a new stream. */
export function createStreamState(): StreamState {
  return {
    responseId: undefined,
    finishReason: undefined,
    promptTokens: undefined,
    usageOutputTokens: undefined,
    countedTokens: 0,
    reasoningEvent: false,
    usageReasoningTokens: undefined,
    serverError: undefined,
  };
}

// Loose views of what servers send; every field is checked before use.
interface ChoiceShape {
  delta?: {
    content?: unknown;
    reasoning_content?: unknown;
    reasoning?: unknown;
    tool_calls?: unknown;
  } | null;
  text?: unknown;
  finish_reason?: unknown;
}
interface ChunkShape {
  id?: unknown;
  object?: unknown;
  message?: unknown;
  error?: unknown;
  choices?: unknown;
  usage?: {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    completion_tokens_details?: { reasoning_tokens?: unknown } | null;
  } | null;
}

/**
 * Applies one parsed chunk to `state` and returns the number of tokens the event carries:
 * 0 when it is not a token event; 1 when it carries output; when the chunk reports a
 * cumulative `usage.completion_tokens` (vLLM continuous usage stats) above the running total,
 * the rise (so a chunk carrying k tokens counts k, and a rise with no text still counts).
 * Sets `state.serverError` when the chunk is an error object instead of a completion chunk.
 */
export function interpretChunk(chunk: unknown, state: StreamState): number {
  if (chunk === null || typeof chunk !== "object") return 0;
  const c = chunk as ChunkShape;
  if (c.error !== undefined && c.error !== null) {
    state.serverError = errorText(c.error);
    return 0;
  }
  if (c.object === "error") {
    state.serverError = errorText(c);
    return 0;
  }
  if (state.responseId === undefined && typeof c.id === "string") state.responseId = c.id;

  let hasOutput = false;
  let hasChoices = false;
  const choices = c.choices;
  if (Array.isArray(choices)) {
    for (let i = 0; i < choices.length; i++) {
      const choice = choices[i] as ChoiceShape | null;
      if (choice === null || typeof choice !== "object") continue;
      hasChoices = true;
      if (!hasOutput) {
        const kind = outputKind(choice);
        hasOutput = kind !== NO_OUTPUT;
        if (hasOutput) state.reasoningEvent = kind === REASONING;
      }
      const reason = choice.finish_reason;
      if (typeof reason === "string" && reason.length > 0) state.finishReason = reason;
    }
  }

  let count = hasOutput ? 1 : 0;
  const usage = c.usage;
  if (usage !== undefined && usage !== null && typeof usage === "object") {
    const prompt = usage.prompt_tokens;
    if (typeof prompt === "number") state.promptTokens = prompt;
    const reasoning = usage.completion_tokens_details?.reasoning_tokens;
    if (typeof reasoning === "number") state.usageReasoningTokens = reasoning;
    const completion = usage.completion_tokens;
    if (typeof completion === "number") {
      state.usageOutputTokens = completion;
      if (hasChoices) {
        const rise = completion - state.countedTokens;
        if (rise > count) count = rise;
      }
    }
  }
  state.countedTokens += count;
  return count;
}

/**
 * The output text of a token event's chunk: the first choice's content and reasoning (chat) or
 * text (completions); "" for tool calls or anything else. Kept apart from {@link interpretChunk}
 * so the stream state stays what the template fast path (chunk_template.ts) leaves it.
 */
export function chunkOutputText(chunk: unknown): string {
  const choices = (chunk as ChunkShape | null)?.choices;
  if (!Array.isArray(choices)) return "";
  const choice = choices.find((c) => c !== null && typeof c === "object") as
    | ChoiceShape
    | undefined;
  if (choice === undefined) return "";
  const d = choice.delta;
  if (d === undefined || d === null) return typeof choice.text === "string" ? choice.text : "";
  let text = "";
  for (const v of [d.reasoning_content, d.reasoning, d.content]) {
    if (typeof v === "string") text += v;
  }
  return text;
}

const NO_OUTPUT = 0;
const ANSWER = 1;
const REASONING = 2;

/**
 * What a choice carries: an answer (content, tool calls or completions text; a delta holding
 * both reasoning and content counts as the answer's start), reasoning only, or no output.
 */
function outputKind(choice: ChoiceShape): number {
  const delta = choice.delta;
  if (delta === undefined || delta === null) return nonEmpty(choice.text) ? ANSWER : NO_OUTPUT;
  if (nonEmpty(delta.content)) return ANSWER;
  if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return ANSWER;
  return nonEmpty(delta.reasoning_content) || nonEmpty(delta.reasoning) ? REASONING : NO_OUTPUT;
}

function nonEmpty(v: unknown): boolean {
  return typeof v === "string" && v.length > 0;
}

/** A readable message from a server error value: `{message}`, `{detail}`, a string, or JSON. */
function errorText(err: unknown): string {
  if (typeof err === "string") return err;
  if (err !== null && typeof err === "object") {
    const e = err as { message?: unknown; detail?: unknown };
    if (typeof e.message === "string") return e.message;
    if (typeof e.detail === "string") return e.detail;
  }
  return JSON.stringify(err) ?? String(err);
}
