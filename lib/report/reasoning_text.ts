/**
 * The line every report shows for a run whose streams reasoned (issue 20): how many requests
 * reasoned, reasoning and answer tokens, answer-only throughput and TTFAT. One wording for the
 * terminal, Markdown and HTML, from the summary alone; nothing at all for a run without
 * reasoning, so its reports are as before.
 */
import type { Summary } from "../metrics/summary.ts";
import { formatMs } from "./format_ms.ts";

/** The reasoning sentence of `summary`, or undefined when no request reasoned. */
export function reasoningText(summary: Summary): string | undefined {
  const t = summary.tokens;
  if (t.reasoning_requests === undefined || t.reasoning_total === undefined) return undefined;
  const share = t.output_total > 0
    ? ` (${(t.reasoning_total / t.output_total * 100).toFixed(1)}%)`
    : "";
  const parts = [
    `${t.reasoning_requests} of ${summary.requests.ok} ok requests reasoned`,
    `${t.reasoning_total} reasoning tokens${share}`,
    `${t.answer_total ?? 0} answer tokens`,
  ];
  const rate = summary.throughput.answer_tokens_per_s;
  if (rate !== undefined && rate !== null && Number.isFinite(rate)) {
    parts.push(`${rate.toFixed(Math.abs(rate) < 10 ? 2 : 1)} answer tok/s`);
  }
  const ttfat = summary.ttfat_ms;
  if (ttfat && ttfat.p50 !== null) {
    parts.push(`TTFAT p50 ${formatMs(ttfat.p50)} ms, p99 ${formatMs(ttfat.p99)} ms`);
  }
  return parts.join(", ");
}
