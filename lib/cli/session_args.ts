/**
 * The sessions flags of `llmload run` (docs/sessions.md), all in one place: `--sessions` (or
 * its alias `--multi-turn`) turns each closed-loop user or open-loop arrival into a multi-turn
 * session; the others shape the sessions and need it.
 */
import type { SessionsPlan } from "../config/run_plan.ts";
import { parseThinkTime } from "../load/think_time.ts";
import { parseOutputLength } from "../workload/output_length.ts";
import type { FlagValues } from "./flag_readers.ts";

/** node:util parseArgs options, merged into RUN_OPTIONS. */
export const SESSION_OPTIONS = {
  sessions: { type: "boolean" },
  "multi-turn": { type: "boolean" },
  turns: { type: "string" },
  "turn-tokens": { type: "string" },
  "answer-tokens": { type: "string" },
  "think-time": { type: "string" },
  "session-history": { type: "string" },
} as const;

/** Synthetic sessions' turns when `--turns` is not given. */
export const DEFAULT_TURNS = 3;

/** Flags that shape sessions, so they need `--sessions`. */
const SESSION_ONLY = ["turns", "turn-tokens", "answer-tokens", "think-time", "session-history"];

/** The plan's `sessions`, or undefined without `--sessions`; problems are appended. */
export function sessionsSection(
  values: FlagValues,
  problems: string[],
  context: { dataset: boolean },
): SessionsPlan | undefined {
  const str = (flag: string) => values[flag] as string | undefined;
  if (values.sessions !== true && values["multi-turn"] !== true) {
    for (const flag of SESSION_ONLY) {
      if (values[flag] !== undefined) problems.push(`--${flag} needs --sessions`);
    }
    return undefined;
  }
  const length = (flag: string) => {
    const text = str(flag);
    if (text === undefined) return undefined;
    const spec = parseOutputLength(text, flag);
    if (!("problem" in spec)) return spec;
    problems.push(spec.problem);
  };
  if (context.dataset) {
    for (const flag of ["turns", "turn-tokens"]) {
      if (str(flag) !== undefined) {
        problems.push(`--${flag} shapes synthetic sessions; a --dataset brings its own turns`);
      }
    }
  }
  const turns = length("turns") ?? { shape: "fixed" as const, tokens: DEFAULT_TURNS };
  const turnTokens = str("turn-tokens");
  const turnTokensN = turnTokens === undefined ? undefined : Number(turnTokens);
  if (turnTokensN !== undefined && !(Number.isInteger(turnTokensN) && turnTokensN > 0)) {
    problems.push(`--turn-tokens must be a whole number ≥ 1 (got "${turnTokens}")`);
  }
  const think = parseThinkTime(str("think-time") ?? "0");
  if ("problem" in think) problems.push(think.problem);
  const history = str("session-history") ?? "server";
  if (history !== "server" && history !== "dataset") {
    problems.push(`--session-history must be server or dataset (got "${history}")`);
  }
  return {
    turns,
    ...(turnTokensN !== undefined ? { turnTokens: turnTokensN } : {}),
    ...(str("answer-tokens") !== undefined ? { answerTokens: length("answer-tokens") } : {}),
    thinkTime: "problem" in think ? { shape: "fixed", ms: 0 } : think,
    history: history === "dataset" ? "dataset" : "server",
  };
}
