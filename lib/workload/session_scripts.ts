/**
 * What each session says (docs/sessions.md): its user turns, the dataset's answers where it has
 * them, and each turn's `max_tokens`. A pure function of the plan, the prepared prompts and the
 * session number, so a session reads the same on whichever thread or host runs it.
 *
 * Dataset sessions: session s is the conversation of item s mod n (cycling like plain dataset
 * runs); an item without a conversation is a one-turn session. Synthetic sessions: the turn
 * count is drawn per session from `--turns`, and each user turn is a synthetic prompt of
 * exactly `--turn-tokens` tokens (calibrated like any synthetic prompt).
 */
import type { SessionsPlan } from "../config/run_plan.ts";
import type { Dataset } from "./datasets/mod.ts";
import type { PromptBook } from "./exact_prompt.ts";
import { type OutputLengthSpec, outputTokensFor } from "./output_length.ts";

/** One user turn as a session sends it. */
export interface ScriptTurn {
  user: string;
  /** The dataset's answer to this turn, when it has one. */
  answer?: string;
  maxTokens: number;
  /** Synthetic turns: the user turn's own token length. */
  requestedTokens?: number;
}

/** Every session's script, by session number. */
export interface SessionScripts {
  /** User turns in session `session` (≥ 1). */
  turnsOf(session: number): number;
  /** The conversation's system message, if it has one. */
  system(session: number): string | undefined;
  /** Turn `turn` (1-based) of session `session`. */
  turn(session: number, turn: number): ScriptTurn;
}

/** The plan fields the scripts depend on. */
export interface ScriptRecipe {
  seed: number;
  sessions: SessionsPlan;
  request: { promptTokens: number; maxTokens: number; outputTokens?: OutputLengthSpec };
}

/** Turns per session are drawn with their own index space, apart from per-turn draws. */
const TURN_SLOTS = 4096;
/** Salt so the turn count never repeats a per-request draw of the same index. */
const TURNS_SALT = 0x6a09e667;

/** The scripts of a run: from the dataset's conversations, else synthetic. */
export function sessionScripts(
  recipe: ScriptRecipe,
  sources: { dataset?: Dataset; book?: PromptBook },
): SessionScripts {
  const { seed, sessions, request } = recipe;
  const maxTokensFor = (session: number, turn: number, own?: number) => {
    const index = session * TURN_SLOTS + turn;
    if (sessions.answerTokens) return outputTokensFor(sessions.answerTokens, seed, index);
    if (own !== undefined) return own;
    return request.outputTokens
      ? outputTokensFor(request.outputTokens, seed, index)
      : request.maxTokens;
  };
  const { dataset, book } = sources;
  if (dataset) {
    const n = dataset.items.length;
    const item = (s: number) => dataset.items[s % n];
    const turnsOf = (s: number) => {
      const it = item(s);
      if (it.turns?.length) return it.turns;
      const text = typeof it.prompt === "string" ? it.prompt : it.prompt.at(-1)?.content ?? "";
      return [{ user: text }];
    };
    return {
      turnsOf: (s) => turnsOf(s).length,
      system: (s) => item(s).system,
      turn: (s, t) => {
        const { user, answer } = turnsOf(s)[t - 1];
        return { user, answer, maxTokens: maxTokensFor(s, t, item(s).maxTokens) };
      },
    };
  }
  if (!book) throw new Error("sessionScripts: synthetic sessions need a prompt book");
  const tokens = sessions.turnTokens ?? request.promptTokens;
  return {
    turnsOf: (s) => Math.max(1, outputTokensFor(sessions.turns, (seed ^ TURNS_SALT) >>> 0, s) | 0),
    system: () => undefined,
    turn: (s, t) => ({
      user: book.promptFor(s * TURN_SLOTS + t, tokens),
      maxTokens: maxTokensFor(s, t),
      requestedTokens: tokens,
    }),
  };
}
