/**
 * The one call site of the HTML report (`report.html`). The renderer is built on the
 * `html-report` branch against report_input.ts; until the integrator wires it in here, this
 * returns undefined and no report.html is written. Wiring it is a one-line change:
 * `return renderHtml(input)` (the HTML module's entry point).
 */

import type { CompareReportInput, RunReportInput, SweepReportInput } from "./report_input.ts";

/** Any loaded results directory, tagged by kind. */
export type AnyReportInput =
  | { kind: "run"; run: RunReportInput }
  | { kind: "sweep"; sweep: SweepReportInput }
  | { kind: "compare"; compare: CompareReportInput };

/** `report.html` text for `input`, or undefined while no HTML renderer is wired in. */
export function renderHtmlReport(_input: AnyReportInput): string | undefined {
  return undefined;
}
