/**
 * Client health (lib/metrics/client_health.ts) for people: the terminal's one line and the
 * report's section, in Markdown and HTML. Pure.
 */

import type { ClientHealth } from "../../metrics/client_health.ts";
import { esc, htmlTable } from "../html/html_page.ts";
import { markdownTable } from "../markdown/markdown_table.ts";

const ms = (v: number | null) => v === null ? "-" : `${v.toFixed(v < 10 ? 2 : 1)} ms`;
const pct = (v: number | null) => v === null ? "-" : `${v.toFixed(0)} %`;

/**
 * The terminal's line, e.g. `client healthy · 2 workers · loop lag p99 1.20 ms (worst: worker 2)
 * · CPU peak 41 % · send lateness p99 0.40 ms`, or the saturated message with its evidence.
 */
export function renderClientHealthLine(c: ClientHealth): string {
  if (c.verdict === "saturated") return `${c.message} (${c.evidence.join("; ")})`;
  const parts = [c.message];
  if (c.workers > 1) parts.push(`${c.workers} workers`);
  const worst = c.threads.reduce<ClientHealth["threads"][number] | undefined>(
    (a, b) => (a === undefined || (b.lag_p99_ms ?? 0) > (a.lag_p99_ms ?? 0) ? b : a),
    undefined,
  );
  if (worst) parts.push(`loop lag p99 ${ms(worst.lag_p99_ms)} (worst: ${worst.thread})`);
  const peak = Math.max(...c.threads.map((t) => t.cpu_peak_pct ?? -1));
  if (peak >= 0) parts.push(`CPU peak ${pct(peak)} of a core`);
  if (c.send_lateness_ms.p99 !== null) {
    parts.push(`send lateness p99 ${ms(c.send_lateness_ms.p99)}`);
  }
  return parts.join(" · ");
}

const COLUMNS = ["Thread", "Loop lag p50", "p99", "max", "CPU mean", "CPU peak"];

function threadRows(c: ClientHealth): string[][] {
  return c.threads.map((t) => [
    t.thread,
    ms(t.lag_p50_ms),
    ms(t.lag_p99_ms),
    ms(t.lag_max_ms),
    pct(t.cpu_pct),
    pct(t.cpu_peak_pct),
  ]);
}

function lateLine(c: ClientHealth): string {
  const late = c.send_lateness_ms;
  return `Send lateness (sent − scheduled, ${late.count} measured requests): p50 ` +
    `${ms(late.p50)}, p99 ${ms(late.p99)}, max ${ms(late.max)}.`;
}

function ruleLine(c: ClientHealth): string {
  return `Saturated means one thread had event-loop lag p99 > ${c.thresholds.lag_p99_ms} ms or ` +
    `CPU ≥ ${c.thresholds.cpu_pct} % of a core in 1 s windows, back to back for ` +
    `${c.thresholds.sustain_ms / 1000} s (half the run when shorter); a token's time is ` +
    `stamped up to that lag late.`;
}

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
