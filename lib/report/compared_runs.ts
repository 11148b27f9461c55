/**
 * The runs `llmload compare` compares, as its reports name and group them: display names, the
 * repeat key that tells repeats of one setup apart from different setups, and the per-run input
 * of {@link compareRuns}. Pure.
 */

import { gpuTotals, gpuUsage } from "../metrics/gpu_usage.ts";
import type { RunToCompare } from "../metrics/runs_comparison.ts";
import type { ComparedRunInput, RunReportInput } from "./report_input.ts";
import { commandLineText } from "./run_facts.ts";

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
