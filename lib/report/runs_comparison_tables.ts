/**
 * `llmload compare` output as text tables shared by the terminal block and Markdown: values
 * formatted as the LoRA compare formats them (E2E/TTFT/ITL in s, TPOT in ms, rates with 2
 * decimals, improvement signed, positive = better); a change within run-to-run noise is marked
 * ` ~`. Pure.
 */

import type { RunsComparison } from "../metrics/runs_comparison.ts";
import {
  type ComparisonTable,
  formatComparisonValue,
  formatImprovement,
} from "./lora_comparison_tables.ts";

/** Marks an improvement within run-to-run noise. */
export const NOISE_MARK = "~";

function improvementCell(c: RunsComparison["metrics"][number], i: number): string {
  const text = formatImprovement(c.improvement_pct[i]);
  return c.within_noise[i] ? `${text} ${NOISE_MARK}` : text;
}

/** The comparison's tables: latency with improvements (noise marked), request statistics. */
export function runsComparisonTables(c: RunsComparison): ComparisonTable[] {
  const names = c.runs.map((r) => r.name);
  const columns = ["Metric", names[0]];
  for (const n of names.slice(1)) columns.push(n, "Improvement");
  const latency: ComparisonTable = {
    heading: "Latency Comparison",
    columns,
    rows: c.metrics.map((m) => {
      const cells = [m.label, formatComparisonValue(m, m.values[0])];
      for (let i = 1; i < names.length; i++) {
        cells.push(formatComparisonValue(m, m.values[i]), improvementCell(m, i));
      }
      return cells;
    }),
  };
  const stat = (label: string, f: (s: RunsComparison["requests"][number]) => string) => [
    label,
    ...c.requests.map(f),
  ];
  const rows = [
    stat("Total Requests", (s) => String(s.total)),
    stat("Successful Requests", (s) => String(s.ok)),
    stat("Failed Requests", (s) => String(s.failed)),
  ];
  if (c.requests.some((s) => s.dropped > 0)) {
    rows.push(stat("Dropped Requests", (s) => String(s.dropped)));
  }
  rows.push(
    stat("Total Duration", (s) => (s.duration_s === null ? "n/a" : `${s.duration_s.toFixed(2)}s`)),
  );
  return [latency, { heading: "Request Statistics", columns: ["Metric", ...names], rows }];
}

/** The line under the tables: what improvement means, and how noise was judged. */
export function runsComparisonNote(c: RunsComparison): string {
  const base = `Improvement: each run against ${c.runs[0].name} (positive = better: ` +
    `lower latency, memory and energy; higher rates).`;
  return c.repeat_groups > 0
    ? `${base} ${NOISE_MARK} = within run-to-run noise (largest spread of ${c.repeat_groups} ` +
      `repeat group(s)).`
    : `${base} No repeated runs, so run-to-run noise is unknown.`;
}
