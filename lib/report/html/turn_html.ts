/** The "TTFT by turn" table of a sessions run in report.html (../turn_cells.ts). Pure. */
import type { TurnRow } from "../../metrics/turn_stats.ts";
import { TURN_COLUMNS, TURN_TITLE, turnCells } from "../turn_cells.ts";
import { esc, htmlTable } from "./html_page.ts";

/** The table under its heading; "" without turns. */
export function turnHtml(rows: readonly TurnRow[] | undefined): string {
  if (!rows || rows.length === 0) return "";
  return `<h3>${esc(TURN_TITLE)}</h3>` +
    htmlTable([...TURN_COLUMNS], rows.map(turnCells), { id: "turn-table" });
}
