/**
 * `summary.json`: the summary as stable, pretty JSON (2-space indent, keys in the order the
 * summary builds them, numbers rounded to 3 decimals, trailing newline). The same summary
 * always renders to the same bytes, so runs can be diffed and golden-tested.
 */

import type { Summary } from "../../metrics/summary.ts";

/** Rounds to 3 decimals, folding -0 to 0; non-finite numbers become null (as JSON requires). */
export function round3(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  const r = Math.round(x * 1000) / 1000;
  return r === 0 ? 0 : r;
}

/**
 * Renders `summary` (or any JSON-able value, for fields later issues add) as `summary.json`
 * text: every number rounded to 3 decimals.
 */
export function summaryToJson(summary: Summary | Record<string, unknown>): string {
  return JSON.stringify(summary, (_key, v) => (typeof v === "number" ? round3(v) : v), 2) + "\n";
}
