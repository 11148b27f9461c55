import { parseDurationMs } from "./duration.ts";

/** The furthest ahead `--start-at` may be: a day (a typo in a date should not hang a pod). */
export const MAX_START_AHEAD_MS = 24 * 3_600_000;

/**
 * Parses `--start-at`: an ISO 8601 time with a zone (`2026-11-27T12:00:00Z`,
 * `…T13:00:00+01:00`), a time relative to now (`+30s`, `+2m`), or epoch milliseconds
 * (`1795780800000`). It must lie in the future and at most {@link MAX_START_AHEAD_MS} ahead of
 * `nowMs` (epoch ms). Returns epoch ms, or the problem (naming `flag`) to list.
 */
export function parseStartAt(
  text: string,
  options: { nowMs: number; flag?: string },
): { epochMs: number } | { problem: string } {
  const flag = options.flag ?? "--start-at";
  const raw = text.trim();
  let epochMs: number | undefined;
  if (raw.startsWith("+")) {
    const ms = parseDurationMs(raw.slice(1));
    if (ms !== undefined) epochMs = options.nowMs + ms;
  } else if (/^\d{12,}$/.test(raw)) {
    epochMs = Number(raw);
  } else if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(raw)) {
    // A zone is required: a bare local time means something else on every host.
    const t = Date.parse(raw);
    if (Number.isFinite(t)) epochMs = t;
  }
  const want = "an ISO 8601 time with a zone (2026-11-27T12:00:00Z), +DURATION (+30s) or " +
    "epoch milliseconds";
  if (epochMs === undefined) return { problem: `${flag} must be ${want} (got "${text}")` };
  if (epochMs <= options.nowMs) {
    return {
      problem: `${flag} ${new Date(epochMs).toISOString()} is in the past (now ${
        new Date(options.nowMs).toISOString()
      }): give a time in the future, e.g. +30s`,
    };
  }
  if (epochMs - options.nowMs > MAX_START_AHEAD_MS) {
    return {
      problem: `${flag} ${
        new Date(epochMs).toISOString()
      } is more than 24 h ahead: give a time within a day`,
    };
  }
  return { epochMs };
}
