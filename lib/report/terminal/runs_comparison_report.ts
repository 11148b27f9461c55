/**
 * `llmload compare` output: a {@link RunsComparison} as the seed's "COMPARISON RESULTS" terminal
 * block, as Markdown, as `comparison.csv` and as `comparison.json`. Values are formatted as the
 * LoRA compare formats them (E2E/TTFT/ITL in s, TPOT in ms, rates with 2 decimals, improvement
 * signed, positive = better); a change within run-to-run noise is marked ` ~`. Pure.
 */

import { stringify } from "csv-stringify/sync";
import type { RunsComparison } from "../../metrics/runs_comparison.ts";
import { gpuTotals, gpuUsage } from "../../metrics/gpu_usage.ts";
import type { RunToCompare } from "../../metrics/runs_comparison.ts";
import {
  type ComparisonTable,
  formatComparisonValue,
  formatImprovement,
  renderComparisonTables,
  renderComparisonTablesMarkdown,
} from "./lora_comparison_report.ts";
import type { ComparedRunInput, RunReportInput } from "../report_input.ts";
import { commandLineText } from "../run_facts.ts";
import { round3, summaryToJson } from "../files/summary_json.ts";

/** Marks an improvement within run-to-run noise. */
export const NOISE_MARK = "~";

/**
 * The repeat key of a run (see runs_comparison.ts): meta.json `tags.label` when set, else the
 * command line without `--out DIR` / `--out=DIR` together with the effective `load` and
 * `request` settings (sweep points share a command line but not their swept values).
 */
export function repeatKey(meta: Record<string, unknown>): string | undefined {
  const tags = meta.tags as Record<string, unknown> | undefined;
  if (tags && typeof tags.label === "string" && tags.label !== "") return `label:${tags.label}`;
  const argv = Array.isArray(meta.command_line) ? meta.command_line.map(String) : undefined;
  if (!argv) return undefined;
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") i++;
    else if (!argv[i].startsWith("--out=")) kept.push(argv[i]);
  }
  return `cmd:${commandLineText({ command_line: kept }) ?? ""} load:${
    JSON.stringify(meta.load ?? null)
  } request:${JSON.stringify(meta.request ?? null)}`;
}

/**
 * Display names of compared runs: meta.json `tags.label`, else the run id; a repeated name gets
 * `#2`, `#3`… so every column is distinct.
 */
export function comparedRunNames(runs: readonly RunReportInput[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const tags = r.meta.tags as Record<string, unknown> | undefined;
    const variant = r.meta.server_variant as { label?: unknown } | undefined;
    // The name a person gave the run (--tag label=…), else its server variant, else its id.
    const base = tags && typeof tags.label === "string" && tags.label
      ? tags.label
      : typeof variant?.label === "string" && variant.label
      ? variant.label
      : r.runId;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}

/** One loaded run as {@link compareRuns} takes it: summary, repeat key, GPU totals. */
export function runToCompare(c: ComparedRunInput): RunToCompare {
  const key = repeatKey(c.run.meta);
  const gpus = gpuUsage(c.run.gpuSamples);
  return {
    name: c.name,
    summary: c.run.summary,
    ...(key !== undefined ? { repeatKey: key } : {}),
    ...(gpus.length > 0 ? { gpu: gpuTotals(gpus) } : {}),
  };
}

function improvementCell(c: RunsComparison["metrics"][number], i: number): string {
  const text = formatImprovement(c.improvement_pct[i]);
  return c.within_noise[i] ? `${text} ${NOISE_MARK}` : text;
}

function tables(c: RunsComparison): ComparisonTable[] {
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

function note(c: RunsComparison): string {
  const base = `Improvement: each run against ${c.runs[0].name} (positive = better: ` +
    `lower latency, memory and energy; higher rates).`;
  return c.repeat_groups > 0
    ? `${base} ${NOISE_MARK} = within run-to-run noise (largest spread of ${c.repeat_groups} ` +
      `repeat group(s)).`
    : `${base} No repeated runs, so run-to-run noise is unknown.`;
}

/** The terminal block (no trailing newline). */
export function renderRunsComparisonTable(c: RunsComparison): string {
  return renderComparisonTables(tables(c), note(c));
}

/** The Markdown block (`## Comparison results` and its tables; trailing newline). */
export function renderRunsComparisonMarkdown(c: RunsComparison): string {
  return renderComparisonTablesMarkdown(tables(c), note(c));
}

/**
 * `comparison.csv` columns, a stable contract (only ever appended): one row per metric and run,
 * long format so any number of runs fits one header. `metric` (stable key, e.g. `e2e_ms_p95`),
 * `label`, `unit` (ms, req/s, tok/s, %, MiB, Wh), `better` (lower|higher), `run_index` (0 =
 * baseline), `run`, `value`, `change_pct` (signed raw change vs the baseline), `improvement_pct`
 * (positive = better), `noise_pct` (empty without repeats), `within_noise` (true/false, empty
 * when unknown or for the baseline). Numbers to 3 decimals; unknown is empty.
 */
export const COMPARISON_CSV_COLUMNS: readonly string[] = [
  "metric",
  "label",
  "unit",
  "better",
  "run_index",
  "run",
  "value",
  "change_pct",
  "improvement_pct",
  "noise_pct",
  "within_noise",
];

const cell = (v: number | boolean | string | null): string =>
  v === null ? "" : typeof v === "number" ? String(round3(v) ?? "") : String(v);

/** Renders `comparison.csv` (header + rows, trailing newline). */
export function runsComparisonToCsv(c: RunsComparison): string {
  const rows = c.metrics.flatMap((m) =>
    c.runs.map((r, i) =>
      [
        m.key,
        m.label,
        m.unit,
        m.better,
        i,
        r.name,
        m.values[i],
        m.change_pct[i],
        m.improvement_pct[i],
        m.noise_pct,
        m.within_noise[i],
      ].map(cell)
    )
  );
  return stringify([[...COMPARISON_CSV_COLUMNS], ...rows]);
}

/**
 * `comparison.json`: `kind: "runs"`, `runs[]` of `{name, run_id, dir, repeat_key}` (dir as given
 * on the command line, so `llmload report` can reload them), then `metrics`, `requests` and
 * `repeat_groups` as {@link RunsComparison}; numbers to 3 decimals.
 */
export function runsComparisonToJson(
  c: RunsComparison,
  runs: readonly { runId: string; dir: string }[],
): string {
  return summaryToJson({
    kind: "runs",
    runs: c.runs.map((r, i) => ({
      name: r.name,
      run_id: runs[i].runId,
      dir: runs[i].dir,
      repeat_key: r.repeat_key,
    })),
    metrics: c.metrics,
    requests: c.requests,
    repeat_groups: c.repeat_groups,
  });
}
