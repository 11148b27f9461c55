/** The terminal's "TTFT by turn" table of a sessions run (../turn_cells.ts). Pure. */
import type { TurnRow } from "../../metrics/turn_stats.ts";
import { TURN_COLUMNS, TURN_TITLE, turnCells } from "../turn_cells.ts";

/** The table's lines (heading, rule, one row per turn); none without turns. */
export function turnTableLines(rows: readonly TurnRow[] | undefined): string[] {
  if (!rows || rows.length === 0) return [];
  const cells = rows.map(turnCells);
  const widths = TURN_COLUMNS.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const line = (values: readonly string[]) =>
    values.map((v, j) => j === 0 ? v.padEnd(widths[j]) : v.padStart(widths[j])).join("  ");
  const head = line(TURN_COLUMNS);
  return [TURN_TITLE, head, "-".repeat(head.length), ...cells.map(line)];
}
