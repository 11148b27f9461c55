/**
 * `report.html` for whatever a directory holds: one run, a sweep, or a comparison. The report
 * pipeline (lib/run) loads the directory and calls this; the page is self-contained (inline
 * SVG charts and styles, no script, no external reference). Pure.
 */

import type { CompareReportInput, RunReportInput, SweepReportInput } from "../report_input.ts";
import { renderRunHtml } from "./run_html.ts";
import { renderSweepHtml } from "./sweep_html.ts";
import { renderCompareHtml } from "./compare_html.ts";

export { renderCompareHtml, renderRunHtml, renderSweepHtml };

/** Any loaded report input. */
export type HtmlReportInput = RunReportInput | SweepReportInput | CompareReportInput;

/** Renders the HTML report of a run, a sweep (has `points`) or a comparison (has `runs`). */
export function renderHtmlReport(input: HtmlReportInput): string {
  if ("points" in input) return renderSweepHtml(input);
  if ("runs" in input) return renderCompareHtml(input);
  return renderRunHtml(input);
}
