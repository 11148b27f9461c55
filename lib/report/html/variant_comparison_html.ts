/** The server-variants comparison as `comparison.html` (../variant_comparison_rows.ts). Pure. */

import { betterNote, type ComparisonReportInput, metricRows } from "../variant_comparison_rows.ts";
import { esc, htmlPage, htmlTable, section } from "./html_page.ts";

/** `comparison.html`: the same tables in one self-contained page. */
export function renderComparisonHtml(input: ComparisonReportInput): string {
  const body: string[] = [`<h1>${esc(input.title)}</h1>`];
  body.push(section(
    "variants",
    "Variants",
    htmlTable(
      ["#", "variant", "status", "server command"],
      input.variants.map((v) => [v.index, v.label, v.status, v.argv.join(" ")]),
    ),
  ));
  for (const m of input.comparison.metrics) {
    const { columns, rows } = metricRows(input, m);
    body.push(section(
      `metric-${m.key}`,
      `${m.label} (${betterNote(m.lowerIsBetter)})`,
      htmlTable(columns, rows),
    ));
  }
  const failed = input.variants.filter((v) => v.failure);
  if (failed.length) {
    body.push(section(
      "failures",
      "Failed variants",
      failed.map((v) =>
        `<h3>${esc(`${v.index}. ${v.label}: ${v.failure!.kind}`)}</h3><p>${
          esc(v.failure!.message)
        }</p><pre>${esc(v.failure!.logTail.join("\n"))}</pre>`
      ).join("\n"),
    ));
  }
  return htmlPage(input.title, body.join("\n"));
}
