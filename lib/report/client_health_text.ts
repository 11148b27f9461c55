/**
 * Client health (lib/metrics/client_health.ts) as text for people, shared by the terminal's line
 * and the report's section in Markdown and HTML. Pure.
 */

import type { ClientHealth } from "../metrics/client_health.ts";

/** A duration for people, `-` when not measured. */
export const ms = (v: number | null) => v === null ? "-" : `${v.toFixed(v < 10 ? 2 : 1)} ms`;
/** A CPU share for people, `-` when not measured. */
export const pct = (v: number | null) => v === null ? "-" : `${v.toFixed(0)} %`;

/** The per-thread table's columns. */
export const COLUMNS = ["Thread", "Loop lag p50", "p99", "max", "CPU mean", "CPU peak"];

/** One row per thread: loop lag and CPU. */
export function threadRows(c: ClientHealth): string[][] {
  return c.threads.map((t) => [
    t.thread,
    ms(t.lag_p50_ms),
    ms(t.lag_p99_ms),
    ms(t.lag_max_ms),
    pct(t.cpu_pct),
    pct(t.cpu_peak_pct),
  ]);
}

/** Send lateness of the measured requests, one sentence. */
export function lateLine(c: ClientHealth): string {
  const late = c.send_lateness_ms;
  return `Send lateness (sent − scheduled, ${late.count} measured requests): p50 ` +
    `${ms(late.p50)}, p99 ${ms(late.p99)}, max ${ms(late.max)}.`;
}

/** What "saturated" means, one sentence. */
export function ruleLine(c: ClientHealth): string {
  return `Saturated means one thread had event-loop lag p99 > ${c.thresholds.lag_p99_ms} ms or ` +
    `CPU ≥ ${c.thresholds.cpu_pct} % of a core in 1 s windows, back to back for ` +
    `${c.thresholds.sustain_ms / 1000} s (half the run when shorter); a token's time is ` +
    `stamped up to that lag late.`;
}
