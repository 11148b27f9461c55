/**
 * The `--lora-mode compare` report: a {@link LoraComparison} as text tables shared by the terminal block
 * (terminal/lora_comparison_table.ts), Markdown (markdown/lora_comparison_markdown.ts) and
 * `llmload compare` (a Latency Comparison table with Baseline / Multi-Adapter / Improvement
 * columns, then Request Statistics). Pure: it formats numbers, never computes them.
 *
 * Value formats: E2E latency and TTFT in seconds with 3 decimals (`1.234s`, as the seed); TPOT
 * (and ITL, for `llmload compare`) in ms with 2 decimals (`7.31ms`: per-token times in seconds would read 0.007s and hide the
 * difference); requests/s and tokens/s with 2 decimals; success rate and improvement in % with 2
 * decimals, improvement signed (`+6.32%` = better than the baseline); `n/a` where a value is
 * undefined. A base-model run adds a "Base Model" column and its own improvement column.
 */
import type { ComparisonRow, LoraComparison, LoraRunName } from "../metrics/lora_comparison.ts";

/** Column headings of the compared runs. */
export const RUN_LABELS: Readonly<Record<LoraRunName, string>> = {
  baseline: "Baseline",
  multi: "Multi-Adapter",
  base: "Base Model",
};

const NA = "n/a";

function fixed(v: number | null | undefined, digits: number, suffix = ""): string {
  return v === null || v === undefined || !Number.isFinite(v) ? NA : v.toFixed(digits) + suffix;
}

/** A comparison value as the report shows it (see the module doc). */
export function formatComparisonValue(
  row: Pick<ComparisonRow, "key" | "unit">,
  v: number | null | undefined,
): string {
  if (row.unit === "MiB") return fixed(v, 0, " MiB");
  if (row.unit === "Wh") return fixed(v, 3, " Wh");
  if (row.unit === "ms") {
    return row.key.startsWith("tpot_") || row.key.startsWith("itl_")
      ? fixed(v, 2, "ms")
      : fixed(v === null || v === undefined ? v : v / 1000, 3, "s");
  }
  if (row.unit === "%") return fixed(v, 2, "%");
  return fixed(v, 2);
}

/** An improvement in %, signed: `+6.32%`, `-1.50%`, `+0.00%`, or `n/a`. */
export function formatImprovement(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return NA;
  const s = pct.toFixed(2);
  return (Number(s) === 0 ? "+0.00" : pct > 0 ? `+${s}` : s) + "%";
}

/** One table of a comparison report: heading + rows of cells (first cell = row label). */
export interface ComparisonTable {
  heading: string;
  columns: string[];
  rows: string[][];
}

/** The report's tables: latency with improvements, request statistics, requests per adapter. */
export function comparisonTables(c: LoraComparison): ComparisonTable[] {
  const others = c.runs.filter((r) => r !== "baseline") as Exclude<LoraRunName, "baseline">[];
  const latencyColumns = ["Metric", RUN_LABELS.baseline];
  for (const r of others) latencyColumns.push(RUN_LABELS[r], "Improvement");
  const latency: ComparisonTable = {
    heading: "Latency Comparison",
    columns: latencyColumns,
    rows: c.metrics.map((m) => {
      const cells = [m.label, formatComparisonValue(m, m.values.baseline)];
      for (const r of others) {
        cells.push(formatComparisonValue(m, m.values[r]), formatImprovement(m.improvement_pct[r]));
      }
      return cells;
    }),
  };

  const req = c.runs.map((r) => c.requests[r]!);
  const stat = (label: string, f: (s: typeof req[number]) => string) => [label, ...req.map(f)];
  const requestRows = [
    stat("Total Requests", (s) => String(s.total)),
    stat("Successful Requests", (s) => String(s.ok)),
    stat("Failed Requests", (s) => String(s.failed)),
  ];
  if (req.some((s) => s.dropped > 0)) {
    requestRows.push(stat("Dropped Requests", (s) => String(s.dropped)));
  }
  requestRows.push(stat("Total Duration", (s) => fixed(s.duration_s, 2, "s")));
  const out: ComparisonTable[] = [latency, {
    heading: "Request Statistics",
    columns: ["Metric", ...c.runs.map((r) => RUN_LABELS[r])],
    rows: requestRows,
  }];

  const withAdapters = c.runs.filter((r) => c.adapters[r] !== undefined);
  if (withAdapters.length > 0) {
    const names = [...new Set(withAdapters.flatMap((r) => Object.keys(c.adapters[r]!)))].sort();
    out.push({
      heading: "Requests per Adapter",
      columns: ["Adapter", ...withAdapters.map((r) => RUN_LABELS[r])],
      rows: names.map((n) => [n, ...withAdapters.map((r) => String(c.adapters[r]![n] ?? 0))]),
    });
  }
  return out;
}
