import assert from "node:assert/strict";
import { recordFromJsonl, recordToJsonl } from "../../lib/report/files/record_jsonl.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";

const base: RequestRecord = {
  index: 0,
  phase: "measure",
  requestId: "llmload-1",
  scheduledAt: 0,
  sentAt: 1,
  headersAt: 3.5,
  endAt: 20,
  tokenTimes: [5, 10],
  tokenCounts: [1, 1],
  outputTokens: 2,
  outputTokensSource: "counted",
  status: 200,
};

Deno.test("connect_ms is written when a request opened its connection and read back", () => {
  const line = recordToJsonl({ ...base, connectMs: 1.23456 });
  assert.equal(JSON.parse(line).connect_ms, 1.235);
  const back = recordFromJsonl(line);
  assert.equal(back.connectMs, 1.235);
  // Re-encoding the decoded line reproduces it exactly.
  assert.equal(recordToJsonl(back), line);
  // It is part of TTFT and E2E, never subtracted from them.
  assert.equal(JSON.parse(line).ttft_ms, 4);
  assert.equal(JSON.parse(line).e2e_ms, 19);
});

Deno.test("connect_ms is omitted for a reused connection, and old lines without it still load", () => {
  const line = recordToJsonl(base);
  assert.ok(!("connect_ms" in JSON.parse(line)));
  assert.equal(recordFromJsonl(line).connectMs, undefined);
  const withNull = JSON.stringify({ ...JSON.parse(line), connect_ms: null });
  assert.equal(recordFromJsonl(withNull).connectMs, undefined);
  assert.throws(
    () => recordFromJsonl(JSON.stringify({ ...JSON.parse(line), connect_ms: "x" })),
    /field "connect_ms" must be a number or null/,
  );
});
