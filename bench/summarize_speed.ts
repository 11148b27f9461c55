/**
 * How long `summarize` takes on big runs (the statistics are computed once, at the end of a run,
 * and again by `llmload report`). Prints ms per size; not a test.
 *
 * Usage: deno run bench/summarize_speed.ts
 */
import { summarize } from "../lib/metrics/summary.ts";
import type { RequestRecord } from "../lib/metrics/record.ts";

function records(n: number, tokens: number): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = i * 5;
    const tokenTimes = Array.from({ length: tokens }, (_, j) => t0 + 40 + j * 10 + (i % 7));
    out.push({
      index: i,
      phase: "measure",
      requestId: `r${i}`,
      scheduledAt: t0,
      sentAt: t0 + 0.5,
      endAt: tokenTimes[tokens - 1] + 1,
      tokenTimes,
      tokenCounts: tokenTimes.map(() => 1),
      outputTokens: tokens,
      outputTokensSource: "usage",
    });
  }
  return out;
}

console.log("| records | tokens each | ITL values | summarize ms |");
console.log("| ---: | ---: | ---: | ---: |");
for (const [n, tokens] of [[1_000, 100], [20_000, 100], [100_000, 200]]) {
  const rs = records(n, tokens);
  const t = performance.now();
  summarize(rs, { loadMode: "open" });
  console.log(`| ${n} | ${tokens} | ${n * (tokens - 1)} | ${(performance.now() - t).toFixed(0)} |`);
}
