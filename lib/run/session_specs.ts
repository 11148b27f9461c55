/**
 * The request of each session turn (docs/sessions.md): the conversation so far as chat
 * messages (the system message, every earlier user turn and its answer) and then this turn.
 * The answers are what the server actually said (`--session-history server`, the default, kept
 * from each turn's stream) or the dataset's recorded answers (`dataset`). A session's history
 * lives only while it runs: it is dropped after its last turn, and a session always runs on one
 * thread (lib/load/session_loop.ts), so no history ever crosses threads.
 */

import type { ChatMessage, RequestSpec } from "../client/types.ts";
import type { RunPlan, SessionsPlan } from "../config/run_plan.ts";
import type { Slot } from "../load/types.ts";
import type { SessionShape } from "../load/session_loop.ts";
import { thinkMsFor } from "../load/think_time.ts";
import type { Dataset } from "../workload/datasets/mod.ts";
import type { PromptBook } from "../workload/exact_prompt.ts";
import { type SessionScripts, sessionScripts } from "../workload/session_scripts.ts";

/** Gives each turn its request and keeps what it needs for the next turn. */
export interface SessionSpecs {
  /** The request of the turn in `slot` (a slot with `session` and `turn`). */
  specFor(slot: Slot): RequestSpec;
  /** The turn in `slot` ended; `text` is the server's answer (empty when it failed). */
  answered(slot: Slot, text: string): void;
  /** The session will send no more turns (its start was dropped): its history goes. */
  forget(session: number): void;
}

/** A session in progress: the messages sent so far and the turns it has. */
interface Live {
  messages: ChatMessage[];
  turns: number;
}

/** The session specs of `plan` over its scripts. */
export function sessionSpecs(
  plan: Pick<RunPlan, "endpoint" | "request"> & { sessions: SessionsPlan },
  model: string,
  scripts: SessionScripts,
): SessionSpecs {
  const live = new Map<number, Live>();
  const fromServer = plan.sessions.history === "server";
  const sessionOf = (session: number): Live => {
    let s = live.get(session);
    if (!s) {
      const system = scripts.system(session);
      s = {
        messages: system === undefined ? [] : [{ role: "system", content: system }],
        turns: scripts.turnsOf(session),
      };
      live.set(session, s);
    }
    return s;
  };
  return {
    specFor: (slot) => {
      const session = slot.session!, turn = slot.turn!;
      const s = sessionOf(session);
      const script = scripts.turn(session, turn);
      return {
        endpoint: plan.endpoint,
        model,
        prompt: [...s.messages, { role: "user", content: script.user }],
        maxTokens: script.maxTokens,
        ignoreEos: plan.request.ignoreEos || undefined,
        // Only a first turn is the user turn alone; later prompts add the history.
        requestedPromptTokens: turn === 1 && s.messages.length === 0
          ? script.requestedTokens
          : undefined,
        sampling: plan.request.sampling,
      };
    },
    forget: (session) => live.delete(session),
    answered: (slot, text) => {
      const session = slot.session!, turn = slot.turn!;
      const s = sessionOf(session);
      if (turn >= s.turns) {
        live.delete(session);
        return;
      }
      const script = scripts.turn(session, turn);
      const answer = fromServer ? text : script.answer ?? text;
      s.messages.push({ role: "user", content: script.user }, {
        role: "assistant",
        content: answer,
      });
    },
  };
}

/** A sessions run's specs and the shape its executor follows; undefined without sessions. */
export function sessionParts(
  plan: RunPlan,
  model: string,
  sources: { dataset?: Dataset; book?: PromptBook },
): { specs: SessionSpecs; shape: SessionShape } | undefined {
  const sessions = plan.sessions;
  if (!sessions) return undefined;
  const scripts = sessionScripts({ ...plan, sessions }, sources);
  return {
    specs: sessionSpecs({ ...plan, sessions }, model, scripts),
    shape: {
      turnsOf: scripts.turnsOf,
      thinkMs: (session, turn) => thinkMsFor(sessions.thinkTime, plan.seed, session, turn),
    },
  };
}

/** Synthetic sessions: the user-turn length to calibrate (`--turn-tokens`); else undefined. */
export function sessionTurnLengths(plan: RunPlan): number[] | undefined {
  return plan.sessions?.turnTokens === undefined ? undefined : [plan.sessions.turnTokens];
}
