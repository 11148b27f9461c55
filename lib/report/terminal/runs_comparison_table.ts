/** `llmload compare` as the seed's "COMPARISON RESULTS" terminal block. Pure. */

import type { RunsComparison } from "../../metrics/runs_comparison.ts";
import { runsComparisonNote, runsComparisonTables } from "../runs_comparison_tables.ts";
import { renderComparisonTables } from "./lora_comparison_table.ts";

/** The terminal block (no trailing newline). */
export function renderRunsComparisonTable(c: RunsComparison): string {
  return renderComparisonTables(runsComparisonTables(c), runsComparisonNote(c));
}
