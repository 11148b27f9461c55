/**
 * `llmload history` trend as a terminal table (../history_rows.ts); runs whose gates failed are
 * marked `✗` in front of the row. Pure.
 */

import type { TrendRow } from "../../metrics/run_history.ts";
import { historyCells, historyLegend } from "../history_rows.ts";

const RED = "\x1b[31m";
const RESET = "\x1b[0m";

/**
 * The trend as aligned terminal text (no trailing newline). `color`: failing rows in red (the
 * caller decides: TTY and no NO_COLOR); without colour the `✗` marker and `FAIL` still show.
 */
export function renderHistoryTable(
  rows: readonly TrendRow[],
  options: { color?: boolean; title?: string } = {},
): string {
  if (rows.length === 0) return `${options.title ? options.title + "\n" : ""}no runs in history`;
  const { head, body } = historyCells(rows);
  const marked = [["", ...head], ...body.map((b, i) => [rows[i].failed ? "✗" : "", ...b])];
  const widths = marked[0].map((_, j) => Math.max(...marked.map((r) => r[j].length)));
  const textCols = new Set([0, 1, 2, 3, head.indexOf("run") + 1]);
  if (head[1] === "series") textCols.add(2);
  const line = (r: string[]) =>
    r.map((c, j) => textCols.has(j) ? c.padEnd(widths[j]) : c.padStart(widths[j])).join("  ")
      .trimEnd();
  const out: string[] = [];
  if (options.title) out.push(options.title);
  out.push(line(marked[0]));
  out.push("-".repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1)));
  for (const [i, r] of marked.slice(1).entries()) {
    const text = line(r);
    out.push(options.color && rows[i].failed ? `${RED}${text}${RESET}` : text);
  }
  out.push(historyLegend(rows));
  return out.join("\n");
}
