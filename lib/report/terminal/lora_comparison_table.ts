/**
 * The `--lora-mode compare` terminal block, in the seed tool's layout ("COMPARISON RESULTS"),
 * from the shared tables (../lora_comparison_tables.ts). Pure.
 */

import type { LoraComparison } from "../../metrics/lora_comparison.ts";
import { type ComparisonTable, comparisonTables } from "../lora_comparison_tables.ts";

/** Default column widths of the seed's layout: the label column, then every other column. */
const LABEL_WIDTH = [20, 30, 30];
const COLUMN_WIDTH = 15;

/**
 * Renders `comparison` as the terminal block (no trailing newline). With two runs it matches the
 * seed's layout character for character; a value longer than its column widens the column.
 */
export function renderComparisonTable(comparison: LoraComparison): string {
  return renderComparisonTables(
    comparisonTables(comparison),
    comparison.runs.length > 2
      ? "Improvement: each run against the Baseline (lower latency, higher rates = better)."
      : undefined,
  );
}

/**
 * The seed's "COMPARISON RESULTS" terminal layout for any tables (shared by `--lora-mode
 * compare` and `llmload compare`): a ruled title, then each table under `--- heading ---`, the
 * label column 20/30/30 wide and every other column 15 (wider when a value needs it), and an
 * optional closing note. No trailing newline.
 */
export function renderComparisonTables(
  tableList: readonly ComparisonTable[],
  note?: string,
): string {
  const rule = "=".repeat(62);
  const out = [rule, "COMPARISON RESULTS", rule];
  tableList.forEach((t, ti) => {
    const widths = t.columns.map((col, j) =>
      Math.max(
        j === 0 ? LABEL_WIDTH[Math.min(ti, LABEL_WIDTH.length - 1)] : COLUMN_WIDTH,
        col.length,
        ...t.rows.map((r) => r[j].length),
      )
    );
    const line = (cells: string[]) => cells.map((s, j) => s.padEnd(widths[j])).join(" ").trimEnd();
    out.push(
      "",
      `--- ${t.heading} ---`,
      line(t.columns),
      "-".repeat(widths.reduce((a, w) => a + w, 0)),
    );
    for (const r of t.rows) out.push(line(r));
  });
  if (note) out.push("", note);
  return out.join("\n");
}
