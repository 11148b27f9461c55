/** `llmload compare` as Markdown. Pure. */

import type { RunsComparison } from "../../metrics/runs_comparison.ts";
import { runsComparisonNote, runsComparisonTables } from "../runs_comparison_tables.ts";
import { renderComparisonTablesMarkdown } from "./lora_comparison_markdown.ts";

/** The Markdown block (`## Comparison results` and its tables; trailing newline). */
export function renderRunsComparisonMarkdown(c: RunsComparison): string {
  return renderComparisonTablesMarkdown(runsComparisonTables(c), runsComparisonNote(c));
}
