/** Client health (lib/metrics/client_health.ts) as report.md's section. Pure. */

import type { ClientHealth } from "../../metrics/client_health.ts";
import { COLUMNS, lateLine, ruleLine, threadRows } from "../client_health_text.ts";
import { markdownTable } from "./markdown_table.ts";

/** The report's "Client health" section body (lines, no heading). */
export function clientHealthMarkdown(c: ClientHealth): string[] {
  return [
    `**${c.message}**`,
    "",
    ...c.evidence.map((e) => `- ${e}`),
    "",
    markdownTable(COLUMNS, threadRows(c)),
    "",
    lateLine(c),
    "",
    ruleLine(c),
  ];
}
