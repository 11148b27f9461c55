/** The per-adapter table of a LoRA run in Markdown (../adapter_stats_cells.ts). Pure. */

import type { AdapterStats } from "../../metrics/adapter_stats.ts";
import {
  ADAPTER_COLUMNS,
  adapterCells,
  hasWarmupColdStart,
  WARMUP_NOTE,
} from "../adapter_stats_cells.ts";
import { markdownTable } from "./markdown_table.ts";

/** Renders the per-adapter table as Markdown (an aligned table, as `deno fmt` leaves it). */
export function renderAdapterMarkdown(stats: readonly AdapterStats[]): string {
  const rows = stats.map((s) =>
    [s.adapter, ...adapterCells(s)].map((c) => c.replaceAll("*", "\\*"))
  );
  const out = [
    "### Per-adapter statistics (ms)",
    "",
    markdownTable(["Adapter", ...ADAPTER_COLUMNS], rows),
  ];
  if (hasWarmupColdStart(stats)) out.push("", WARMUP_NOTE.replace("*", "\\*"));
  return out.join("\n") + "\n";
}
