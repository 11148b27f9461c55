/** The server-variants comparison as `comparison.md` (../variant_comparison_rows.ts). Pure. */

import { betterNote, type ComparisonReportInput, metricRows } from "../variant_comparison_rows.ts";
import { markdownTable } from "./markdown_table.ts";

/** `comparison.md`: the variants, one table per metric, failures with their log tails. */
export function renderComparisonMarkdown(input: ComparisonReportInput): string {
  const parts: string[] = [`# ${input.title}`, ""];
  parts.push(
    markdownTable(
      ["#", "variant", "status", "server command"],
      input.variants.map((v) => [
        String(v.index),
        v.label,
        v.status,
        "`" + v.argv.join(" ").replaceAll("`", "'") + "`",
      ]),
      { allLeft: true },
    ),
  );
  for (const m of input.comparison.metrics) {
    const { columns, rows } = metricRows(input, m);
    parts.push(
      "",
      `## ${m.label} (${betterNote(m.lowerIsBetter)})`,
      "",
      markdownTable(columns, rows),
    );
  }
  const failed = input.variants.filter((v) => v.failure);
  if (failed.length) {
    parts.push("", "## Failed variants");
    for (const v of failed) {
      parts.push(
        "",
        `### ${v.index}. ${v.label}: ${v.failure!.kind}`,
        "",
        v.failure!.message,
        "",
        "```",
        ...v.failure!.logTail,
        "```",
      );
    }
  }
  return parts.join("\n") + "\n";
}
