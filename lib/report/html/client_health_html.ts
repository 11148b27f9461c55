/** Client health (lib/metrics/client_health.ts) as report.html's section. Pure. */

import type { ClientHealth } from "../../metrics/client_health.ts";
import { COLUMNS, lateLine, ruleLine, threadRows } from "../client_health_text.ts";
import { esc, htmlTable } from "./html_page.ts";

/** The HTML report's "Client health" section body. */
export function clientHealthHtml(c: ClientHealth): string {
  return [
    `<p><strong>${esc(c.message)}</strong></p>`,
    `<ul>${c.evidence.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>`,
    htmlTable(COLUMNS, threadRows(c)),
    `<p>${esc(lateLine(c))}</p>`,
    `<p>${esc(ruleLine(c))}</p>`,
  ].join("\n");
}
