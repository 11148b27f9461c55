/** The per-adapter table of a LoRA run for the terminal (../adapter_stats_cells.ts). Pure. */

import type { AdapterStats } from "../../metrics/adapter_stats.ts";
import {
  ADAPTER_COLUMNS,
  adapterCells,
  hasWarmupColdStart,
  WARMUP_NOTE,
} from "../adapter_stats_cells.ts";

/**
 * Renders the per-adapter table for the terminal (no trailing newline): a row per adapter, the
 * base model first, columns right-aligned. "errors" counts failed and dropped requests.
 */
export function renderAdapterTable(stats: readonly AdapterStats[]): string {
  const head = "Adapter (ms)";
  const rows = stats.map(adapterCells);
  const labelWidth = Math.max(head.length, ...stats.map((s) => s.adapter.length));
  const widths = ADAPTER_COLUMNS.map((c, j) => Math.max(c.length, ...rows.map((r) => r[j].length)));
  const line = (label: string, values: readonly string[]) =>
    label.padEnd(labelWidth) + values.map((v, j) => "  " + v.padStart(widths[j])).join("");
  const out = [line(head, ADAPTER_COLUMNS)];
  out.push("-".repeat(out[0].length));
  stats.forEach((s, i) => out.push(line(s.adapter, rows[i])));
  if (hasWarmupColdStart(stats)) out.push(WARMUP_NOTE);
  return out.join("\n");
}
