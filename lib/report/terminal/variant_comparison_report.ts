/**
 * The server-variants comparison as terminal text, Markdown (`comparison.md`) and HTML
 * (`comparison.html`): one table per metric, rows = swept points, columns = each variant's value
 * and its change in % against the first variant, as the performance-analysis guide's chunked
 * prefill table (input length: latency ON, latency OFF, change). Failed variants are listed with
 * their kind and the last lines of their server log. Pure.
 */

import type { VariantComparison } from "../../metrics/variant_comparison.ts";
import { markdownTable } from "../markdown/markdown_table.ts";
import { esc, htmlPage, htmlTable, section } from "../html/html_page.ts";

/** One variant as the report lists it. */
export interface VariantLine {
  index: number;
  label: string;
  status: string;
  /** The exact server argv. */
  argv: string[];
  failure?: { kind: string; message: string; logTail: string[] } | null;
}

/** What every renderer takes. */
export interface ComparisonReportInput {
  title: string;
  /** Heading of the point column, e.g. "input tokens" ("" when the scenario has no sweep). */
  pointHeading: string;
  comparison: VariantComparison;
  variants: readonly VariantLine[];
}

function num(v: number | null): string {
  if (v === null) return "–";
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** A change in % with its sign; "–" when there is none. */
export function formatChange(pct: number | null): string {
  if (pct === null) return "–";
  const r = Math.round(pct * 10) / 10;
  return `${r > 0 ? "+" : r < 0 ? "" : "±"}${r.toFixed(1)}%`;
}

/** Column headings and text rows of one metric's table. */
function metricRows(
  input: ComparisonReportInput,
  m: VariantComparison["metrics"][number],
): { columns: string[]; rows: string[][] } {
  const vs = input.comparison.variants;
  const base = vs[0]?.label ?? "";
  const columns = [
    input.pointHeading || "point",
    ...vs.map((v) => v.label),
    ...vs.slice(1).map((v) => `${v.label} vs ${base}`),
  ];
  const rows = m.rows.map((r) => [
    r.point || "all",
    ...r.values.map(num),
    ...r.changePct.slice(1).map(formatChange),
  ]);
  return { columns, rows };
}

function betterNote(lowerIsBetter: boolean): string {
  return lowerIsBetter ? "lower is better" : "higher is better";
}

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
