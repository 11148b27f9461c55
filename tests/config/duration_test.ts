import assert from "node:assert/strict";
import { formatDurationMs, parseDurationMs } from "../../lib/config/duration.ts";

Deno.test("durations parse with units, combined units and bare seconds", () => {
  const table: [string, number | undefined][] = [
    ["500ms", 500],
    ["60s", 60_000],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["30", 30_000],
    ["", undefined],
    ["fast", undefined],
    ["10 s", undefined],
    ["-5s", undefined],
    ["5sx", undefined],
  ];
  for (const [text, want] of table) assert.deepEqual(parseDurationMs(text), want, text);
});

Deno.test("durations format for people", () => {
  assert.deepEqual(formatDurationMs(850), "850ms");
  assert.deepEqual(formatDurationMs(12_500), "12.5s");
  assert.deepEqual(formatDurationMs(200_000), "3m20s");
});
