/**
 * The server-variants comparison's tables as text rows, shared by its terminal text, Markdown
 * (`comparison.md`) and HTML (`comparison.html`): one table per metric, rows = swept points,
 * columns = each variant's value and its change in % against the first variant, as the
 * performance-analysis guide's chunked prefill table (input length: latency ON, latency OFF,
 * change). Failed variants are listed with their kind and the last lines of their server log. Pure.
 */

import type { VariantComparison } from "../metrics/variant_comparison.ts";

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

/** A metric value for people: fewer decimals as it grows; "–" when there is none. */
export function num(v: number | null): string {
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
export function metricRows(
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

/** Which way a metric improves, as the heading says it. */
export function betterNote(lowerIsBetter: boolean): string {
  return lowerIsBetter ? "lower is better" : "higher is better";
}
