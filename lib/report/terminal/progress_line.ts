import type { LiveSnapshot } from "../../metrics/live_stats.ts";

const ms = (v: number | undefined) => v === undefined ? "-" : `${v.toFixed(v < 100 ? 1 : 0)}ms`;

/** One line of live progress: elapsed, sent, in flight, done, errors, rates, TTFT so far. */
export function formatProgressLine(s: LiveSnapshot): string {
  const parts = [
    `${(s.elapsedMs / 1000).toFixed(1)}s`,
    `sent ${s.sent}`,
    `in flight ${s.inFlight}`,
    `done ${s.done}`,
    `errors ${s.errors}`,
  ];
  if (s.dropped) parts.push(`dropped ${s.dropped}`);
  parts.push(
    `${s.requestsPerS.toFixed(1)} req/s`,
    `${s.outputTokensPerS.toFixed(0)} tok/s`,
    `TTFT p50 ${ms(s.ttftP50Ms)} p99 ${ms(s.ttftP99Ms)}`,
  );
  return parts.join(" | ");
}
