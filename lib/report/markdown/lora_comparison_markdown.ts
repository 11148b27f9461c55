/** The `--lora-mode compare` report as Markdown (../lora_comparison_tables.ts). Pure. */

import type { LoraComparison } from "../../metrics/lora_comparison.ts";
import { type ComparisonTable, comparisonTables } from "../lora_comparison_tables.ts";
import { markdownTable } from "./markdown_table.ts";

/** Renders `comparison` as Markdown (aligned GitHub tables, as `deno fmt` leaves them). */
export function renderComparisonMarkdown(comparison: LoraComparison): string {
  return renderComparisonTablesMarkdown(
    comparisonTables(comparison),
    "Improvement: each run against the Baseline; positive is better (lower latency, higher rates).",
  );
}

/**
 * Tables as the Markdown counterpart of {@link renderComparisonTables}: `## Comparison results`,
 * the intro line, then each table under `### heading` (trailing newline).
 */
export function renderComparisonTablesMarkdown(
  tableList: readonly ComparisonTable[],
  intro: string,
): string {
  const out = ["## Comparison results", "", intro];
  for (const t of tableList) out.push("", `### ${t.heading}`, "", markdownTable(t.columns, t.rows));
  return out.join("\n") + "\n";
}
