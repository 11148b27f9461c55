/**
 * The "TTFT by turn" table of a sessions run (summary.json `by_turn`, docs/sessions.md) as text
 * cells shared by the terminal, Markdown and HTML reports: per turn index, the requests, TTFT
 * (mean, p50, p90, p99), E2E p50 and mean prompt tokens (the history growing). Pure.
 */
import type { TurnRow } from "../metrics/turn_stats.ts";
import { formatMs } from "./format_ms.ts";

/** The table's heading (the terminal's and reports' title for it). */
export const TURN_TITLE = "TTFT by turn (ms)";

/** Every column, the turn first. */
export const TURN_COLUMNS = [
  "turn",
  "n",
  "TTFT mean",
  "TTFT p50",
  "TTFT p90",
  "TTFT p99",
  "E2E p50",
  "prompt tok",
] as const;

/** One row's cells, in {@link TURN_COLUMNS} order. */
export function turnCells(row: TurnRow): string[] {
  const mean = row.prompt_tokens.mean;
  return [
    String(row.turn),
    String(row.requests),
    formatMs(row.ttft_ms.mean),
    formatMs(row.ttft_ms.p50),
    formatMs(row.ttft_ms.p90),
    formatMs(row.ttft_ms.p99),
    formatMs(row.e2e_ms.p50),
    mean === null ? "n/a" : mean.toFixed(0),
  ];
}
