/** The server-variants comparison as terminal text (../variant_comparison_rows.ts). Pure. */

import { betterNote, type ComparisonReportInput, metricRows } from "../variant_comparison_rows.ts";

function failureLines(input: ComparisonReportInput): string[] {
  return input.variants.filter((v) => v.failure).map((v) =>
    `variant ${v.index} (${v.label}): ${v.failure!.kind}: ${v.failure!.message}`
  );
}

/** Plain text for the terminal: aligned columns, one block per metric. */
export function renderComparisonText(input: ComparisonReportInput): string {
  const out: string[] = [input.title];
  for (const v of input.variants) {
    out.push(`  ${v.index}. ${v.label}: ${v.status}  (${v.argv.join(" ")})`);
  }
  for (const m of input.comparison.metrics) {
    const { columns, rows } = metricRows(input, m);
    const widths = columns.map((c, j) => Math.max(c.length, ...rows.map((r) => r[j].length)));
    const line = (cells: string[]) =>
      cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ");
    out.push("", `${m.label} (${betterNote(m.lowerIsBetter)})`, line(columns));
    out.push("-".repeat(line(columns).length));
    for (const r of rows) out.push(line(r));
  }
  const failed = failureLines(input);
  if (failed.length) out.push("", ...failed);
  return out.join("\n");
}
