/**
 * The verdict section of report.html, read from a run's `verdict.json` (absent in runs made before
 * verdicts existed: no section). Pure: report.md shares its rows (../verdict_rows.ts).
 */

import type { Verdict } from "../../metrics/gates.ts";
import { verdictHeading, verdictIntro, verdictRows } from "../verdict_rows.ts";
import { esc, htmlTable } from "./html_page.ts";

/** report.html section body, or "" without a verdict. */
export function verdictHtml(v: Verdict | undefined): string {
  if (!v) return "";
  return `<section id="verdict"><h2>${esc(verdictHeading(v))}</h2>\n<ul>${
    verdictIntro(v).map((l) => `<li>${esc(l)}</li>`).join("")
  }</ul>\n${
    htmlTable(["Check", "Value", "Threshold", "Result"], verdictRows(v), { id: "verdict-table" })
  }\n</section>`;
}
