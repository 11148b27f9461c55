/** `llmload history --format markdown`: the trend as a Markdown table. Pure. */

import type { TrendRow } from "../../metrics/run_history.ts";
import { historyCells, historyLegend } from "../history_rows.ts";
import { markdownTable } from "./markdown_table.ts";

/** The trend as a Markdown table with the same columns (trailing newline). */
export function renderHistoryMarkdown(rows: readonly TrendRow[]): string {
  if (rows.length === 0) return "No runs in history.\n";
  const { head, body } = historyCells(rows);
  const bold = body.map((b, i) =>
    rows[i].failed ? b.map((c, j) => head[j] === "verdict" ? `**${c}** ✗` : c) : b
  );
  return `${markdownTable(head, bold)}\n\n${historyLegend(rows)}\n`;
}
