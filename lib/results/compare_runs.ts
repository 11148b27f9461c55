/**
 * `llmload compare`: loads two or more run directories, aligns their metrics (first run =
 * baseline) and writes a comparison directory `<out>/<id>-compare/` holding comparison.json,
 * comparison.csv, comparison.md and report.md (the full template report, re-renderable with
 * `llmload report`).
 */

import { findRecordsFile } from "./records_file.ts";
import {
  COMPARISON_FILE,
  META_FILE,
  RECORDS_FILE,
  SUMMARY_FILE,
  SWEEP_JSON_FILE,
} from "./results_files.ts";
import { join, resolve } from "node:path";
import { UsageError } from "../config/usage_error.ts";
import { compareRuns, type RunsComparison } from "../metrics/runs_comparison.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import type { CompareReportInput } from "../report/report_input.ts";
import { comparedRunNames, runToCompare } from "../report/compared_runs.ts";
import { renderRunsComparisonMarkdown } from "../report/markdown/runs_comparison_markdown.ts";
import {
  runsComparisonToCsv,
  runsComparisonToJson,
} from "../report/files/runs_comparison_files.ts";
import { type LoadOptions, loadRunInput } from "./load_report_input.ts";
import { createRunDir, makeRunId } from "./run_dir.ts";
import { writeReports } from "./write_reports.ts";

/** What {@link compareRunDirs} produced. */
export interface RunsCompareOutcome {
  compareDir: string;
  comparison: RunsComparison;
  input: CompareReportInput;
}

async function problemWith(dir: string): Promise<string | undefined> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(dir);
  } catch {
    return `run directory "${dir}" does not exist`;
  }
  if (!stat.isDirectory) return `"${dir}" is not a directory; give run directories`;
  const missing: string[] = [];
  for (const f of [META_FILE, SUMMARY_FILE]) {
    try {
      await Deno.stat(join(dir, f));
    } catch {
      missing.push(f);
    }
  }
  if (await findRecordsFile(dir) === null) missing.push(RECORDS_FILE);
  if (missing.length === 0) return undefined;
  let hint = "";
  try {
    await Deno.stat(join(dir, SWEEP_JSON_FILE));
    hint = " (it is a sweep: compare its point directories, e.g. " + `"${dir}/<run-id>")`;
  } catch { /* not a sweep */ }
  return `"${dir}" is not a run directory: it has no ${missing.join(", ")}${hint}`;
}

/**
 * Compares the runs in `dirs` (first = baseline) and writes the comparison directory under
 * `options.out`. Every unusable directory is listed in one UsageError before anything is
 * written.
 */
export async function compareRunDirs(
  dirs: readonly string[],
  options: { out: string } & LoadOptions,
): Promise<RunsCompareOutcome> {
  const problems: string[] = [];
  if (dirs.length < 2) {
    problems.push(`llmload compare needs at least two run directories (got ${dirs.length})`);
  }
  for (const d of dirs) {
    const p = await problemWith(d);
    if (p) problems.push(p);
  }
  if (problems.length > 0) throw new UsageError(problems);
  const runs = [];
  for (const d of dirs) runs.push(await loadRunInput(d, options));
  const names = comparedRunNames(runs);
  const input: CompareReportInput = {
    kind: "runs",
    runs: runs.map((run, i) => ({ name: names[i], run })),
  };
  const comparison = compareRuns(input.runs.map(runToCompare));
  const compareDir = await createRunDir(options.out, `${makeRunId(new Date())}-compare`);
  await writeFileAtomic(
    join(compareDir, COMPARISON_FILE),
    runsComparisonToJson(
      comparison,
      runs.map((r, i) => ({ runId: r.runId, dir: resolve(dirs[i]) })),
    ),
  );
  await writeFileAtomic(join(compareDir, "comparison.csv"), runsComparisonToCsv(comparison));
  await writeFileAtomic(
    join(compareDir, "comparison.md"),
    renderRunsComparisonMarkdown(comparison),
  );
  await writeReports(compareDir, options);
  return { compareDir, comparison, input };
}
