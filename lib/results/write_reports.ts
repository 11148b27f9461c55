/**
 * Writes `report.md` and `report.html` for a run, sweep or comparison directory, from its files
 * alone: the end of
 * every run, sweep and compare calls this, and so does `llmload report <dir>`, so a re-render is
 * byte-identical to what the run wrote. Atomic writes: a crash leaves the old report or the new.
 */

import { join } from "node:path";
import type { AnyReportInput } from "../report/report_input.ts";
import type { Reporter } from "../report/reporter.ts";
import { markdownReporter } from "../report/markdown/markdown_reporter.ts";
import { htmlReporter } from "../report/html/html_reporter.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import {
  loadLoraCompareInput,
  type LoadOptions,
  loadRunInput,
  loadRunsCompareInput,
  loadSweepInput,
  type ReportDirKind,
  reportDirKind,
} from "./load_report_input.ts";

/** Loads any results directory as the tagged input of the renderers. */
export async function loadAnyReportInput(
  dir: string,
  options: LoadOptions = {},
): Promise<{ dirKind: ReportDirKind; input: AnyReportInput }> {
  const dirKind = await reportDirKind(dir);
  switch (dirKind) {
    case "run":
      return { dirKind, input: { kind: "run", run: await loadRunInput(dir, options) } };
    case "sweep":
      return { dirKind, input: { kind: "sweep", sweep: await loadSweepInput(dir, options) } };
    case "lora-compare":
      return {
        dirKind,
        input: { kind: "compare", compare: await loadLoraCompareInput(dir, options) },
      };
    case "compare":
      return {
        dirKind,
        input: { kind: "compare", compare: await loadRunsCompareInput(dir, options) },
      };
  }
}

/** The reports every results directory gets, in the order written (report.md first). */
export const DIRECTORY_REPORTERS: readonly Reporter[] = [markdownReporter, htmlReporter];

/** What {@link writeReports} wrote. */
export interface WrittenReports {
  dirKind: ReportDirKind;
  /** Paths written, report.md first. */
  files: string[];
}

/** Loads `dir` and (re)writes its report.md and report.html: one file per reporter. */
export async function writeReports(
  dir: string,
  options: LoadOptions = {},
): Promise<WrittenReports> {
  const { dirKind, input } = await loadAnyReportInput(dir, options);
  const files: string[] = [];
  for (const reporter of DIRECTORY_REPORTERS) {
    const path = join(dir, reporter.fileName);
    await writeFileAtomic(path, await reporter.render(input));
    files.push(path);
  }
  return { dirKind, files };
}

/**
 * {@link writeReports} at the end of a run, sweep or compare: a report that cannot be written
 * is logged, never a failed run (the raw files are complete; `llmload report` can retry).
 */
export async function writeReportsAtEnd(dir: string, log: (line: string) => void): Promise<void> {
  try {
    await writeReports(dir, { warn: (m) => log(`warning: ${m}`) });
  } catch (e) {
    log(`warning: reports not written in ${dir}: ${(e as Error).message}`);
  }
}
