/** An SLO search's points as a terminal table (../search_text.ts). Pure. */

import type { SearchDoc } from "../search_doc.ts";
import { searchRows } from "../search_text.ts";

/** The terminal table of the points (no trailing newline); ✗ marks a missed objective. */
export function renderSearchTable(doc: SearchDoc, options: { title?: string } = {}): string {
  const { head, body } = searchRows(doc);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const textCol = (j: number) => j === 2 || j === 3 || j === head.length - 1;
  const line = (cells: string[]) =>
    cells.map((c, j) => (textCol(j) ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ")
      .trimEnd();
  const out: string[] = [];
  if (options.title) out.push(options.title);
  out.push(line(head));
  out.push("-".repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1)));
  for (const r of body) out.push(line(r));
  out.push("✗ = objective missed; latencies in ms; req/s = achieved (ok requests per second)");
  return out.join("\n");
}
