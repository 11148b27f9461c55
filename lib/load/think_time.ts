/**
 * Think time between a session's turns (`--think-time`, docs/sessions.md): how long a user
 * reads the answer before sending the next turn. Fixed (`2s`), uniform over a range
 * (`uniform:0.5s-2s`) or exponential around a mean (`exp:1s`). Drawn from the run seed, the
 * session and the turn alone, so a session waits the same in every run with that seed, on
 * whichever thread or host it runs.
 */
import { parseDurationMs } from "../config/duration.ts";
import { createRng } from "./rng.ts";

/** A think-time distribution, in ms. */
export type ThinkTime =
  | { shape: "fixed"; ms: number }
  | { shape: "uniform"; minMs: number; maxMs: number }
  | { shape: "exponential"; meanMs: number };

/** No think time: the next turn goes as soon as the answer ended. */
export const NO_THINK: ThinkTime = { shape: "fixed", ms: 0 };

/** Parses `D`, `uniform:D1-D2` or `exp:D` (D a duration: `500ms`, `2s`); a message when bad. */
export function parseThinkTime(text: string): ThinkTime | { problem: string } {
  const want = `--think-time must be a duration, uniform:MIN-MAX or exp:MEAN, e.g. ` +
    `uniform:0.5s-2s (got "${text}")`;
  const t = text.trim();
  const fixed = parseDurationMs(t);
  if (fixed !== undefined) return { shape: "fixed", ms: fixed };
  const uniform = /^uniform:([^-]+)-(.+)$/.exec(t);
  if (uniform) {
    const minMs = parseDurationMs(uniform[1]), maxMs = parseDurationMs(uniform[2]);
    if (minMs === undefined || maxMs === undefined || minMs > maxMs) return { problem: want };
    return { shape: "uniform", minMs, maxMs };
  }
  const exp = /^exp:(.+)$/.exec(t);
  if (exp) {
    const meanMs = parseDurationMs(exp[1]);
    return meanMs === undefined || meanMs <= 0
      ? { problem: want }
      : { shape: "exponential", meanMs };
  }
  return { problem: want };
}

/** The think time after turn `turn` (1-based) of session `session`, ms. */
export function thinkMsFor(spec: ThinkTime, seed: number, session: number, turn: number): number {
  if (spec.shape === "fixed") return spec.ms;
  const rng = createRng(
    ((seed ^ 0x27d4eb2f) ^ Math.imul(session + 1, 0x9e3779b1) ^ Math.imul(turn, 0x85ebca6b)) >>> 0,
  );
  if (spec.shape === "uniform") return spec.minMs + rng.next() * (spec.maxMs - spec.minMs);
  return rng.exponential(1 / spec.meanMs);
}

/** `2s`, `uniform:500ms-2s`, `exp:1s`: for meta.json and logs. */
export function describeThinkTime(spec: ThinkTime): string {
  const d = (ms: number) => `${ms}ms`;
  if (spec.shape === "fixed") return d(spec.ms);
  if (spec.shape === "uniform") return `uniform:${d(spec.minMs)}-${d(spec.maxMs)}`;
  return `exp:${d(spec.meanMs)}`;
}
