/**
 * The one small interface a report medium implements (after k6's `output/types.go` and vegeta's
 * `lib/reporters.go`): the end of a run, sweep or compare, and `llmload report <dir>`, iterate over
 * a list of these (lib/results/write_reports.ts) instead of naming each renderer.
 */

import type { AnyReportInput } from "./report_input.ts";

/** The folders of lib/report/: who reads the output, and how. */
export type Medium = "terminal" | "markdown" | "html" | "files";

/** Renders a loaded results directory into one file of that directory. */
export interface Reporter {
  readonly medium: Medium;
  /** The file it writes in the results directory, e.g. `report.md` (a contract). */
  readonly fileName: string;
  /** The file's text. Async so that a renderer can be imported on first use. */
  render(input: AnyReportInput): string | Promise<string>;
}
