import assert from "node:assert/strict";
import { summarize } from "../../lib/metrics/summary.ts";
import { round3, summaryToJson } from "../../lib/report/files/summary_json.ts";

Deno.test("summary.json is 2-space indented, newline-terminated and rounds to 3 decimals", () => {
  const s = summarize([{
    index: 0,
    phase: "measure",
    requestId: "r",
    scheduledAt: 0,
    sentAt: 0.1234567,
    endAt: 100,
    tokenTimes: [10 / 3, 20],
    tokenCounts: [1, 1],
    outputTokens: 2,
    outputTokensSource: "usage",
  }], { loadMode: "open" });
  const text = summaryToJson(s);
  assert.ok(text.endsWith("}\n"));
  assert.ok(text.startsWith('{\n  "load_mode": "open",\n  "requests": {\n    "total": 1,'));
  const back = JSON.parse(text);
  assert.equal(back.ttft_ms.mean, 3.21); // 3.3333333 - 0.1234567 = 3.2098766
  assert.equal(back.send_lateness_ms.p50, 0.123);
  assert.equal(back.tokens.prompt_drift_pct, null); // unknown stays null, not 0
  assert.doesNotMatch(text, /\.\d{4,}/, "no number has more than 3 decimals");
  // Same summary, same bytes.
  assert.equal(summaryToJson(s), text);
});

Deno.test("round3 folds -0 to 0 and non-finite numbers to null", () => {
  const table: [number, number | null][] = [
    [1.23456, 1.235],
    [-0.0001, 0],
    [2, 2],
    [NaN, null],
    [Infinity, null],
  ];
  for (const [x, want] of table) assert.equal(round3(x), want, String(x));
  assert.ok(Object.is(round3(-0.0001), 0));
});
