/** The "TTFT by turn" table of a sessions run in report.md (../turn_cells.ts). Pure. */
import type { TurnRow } from "../../metrics/turn_stats.ts";
import { TURN_COLUMNS, TURN_TITLE, turnCells } from "../turn_cells.ts";
import { markdownTable } from "./markdown_table.ts";

/** The section's lines, led by a blank line; none without turns. */
export function turnMarkdown(rows: readonly TurnRow[] | undefined): string[] {
  if (!rows || rows.length === 0) return [];
  return [
    "",
    `${TURN_TITLE}, sessions:`,
    "",
    markdownTable([...TURN_COLUMNS], rows.map(turnCells)),
  ];
}
