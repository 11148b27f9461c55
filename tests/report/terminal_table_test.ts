import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import { formatMs } from "../../lib/report/format_ms.ts";
import { renderSummaryTable } from "../../lib/report/terminal/terminal_table.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

function records(): RequestRecord[] {
  const ok = (i: number, ttft: number, itl: number): RequestRecord => {
    const sentAt = i * 100 + 2;
    const tokenTimes = Array.from({ length: 10 }, (_, j) => sentAt + ttft + j * itl);
    return {
      index: i,
      phase: "measure",
      requestId: `r${i}`,
      scheduledAt: i * 100,
      sentAt,
      endAt: tokenTimes[9] + 1,
      tokenTimes,
      tokenCounts: tokenTimes.map(() => 1),
      outputTokens: 10,
      outputTokensSource: "usage",
      promptTokens: 130,
      requestedPromptTokens: 128,
      status: 200,
    };
  };
  return [
    ok(0, 40, 10),
    ok(1, 1234.5, 12.25),
    ok(2, 45, 9.5),
    {
      index: 3,
      phase: "measure",
      requestId: "r3",
      scheduledAt: 300,
      sentAt: 300,
      endAt: 305,
      tokenTimes: [],
      tokenCounts: [],
      outputTokens: 0,
      outputTokensSource: "counted",
      status: 429,
      error: { kind: "http", message: "Too many requests", status: 429 },
    },
    { ...ok(4, 1, 1), phase: "warmup" },
  ];
}

/** The aligned part: from the header row down to the blank line after the last metric row. */
function tableLines(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("Latency (ms)"));
  const end = lines.indexOf("", start);
  return lines.slice(start, end);
}

Deno.test("terminal table rows and header are all the same width", () => {
  for (const loadMode of ["open", "closed"] as const) {
    const text = renderSummaryTable(summarize(records(), { loadMode }));
    const lines = tableLines(text);
    assert.equal(lines.length, 2 + (loadMode === "open" ? 8 : 7), loadMode);
    const widths = new Set(lines.map((l) => l.length));
    assert.equal(widths.size, 1, `widths ${[...widths]} in\n${lines.join("\n")}`);
  }
});

Deno.test("terminal table shows the summary's numbers in its rows", () => {
  const s = summarize(records(), { loadMode: "open" });
  const text = renderSummaryTable(s, { title: "run 42" });
  assert.ok(text.startsWith("run 42\n"));
  const row = (label: string) => tableLines(text).find((l) => l.startsWith(label + " "))!;
  const cells = (label: string) => row(label).slice(label.length).trim().split(/\s+/);
  // TTFT: 40, 45, 1234.5 -> n 3, mean 439.8, p50 45.0, max 1234.5 (shown as 1235 at 4 digits).
  assert.deepEqual(cells("TTFT"), [
    "3",
    formatMs(s.ttft_ms.mean),
    formatMs(s.ttft_ms.p50),
    formatMs(s.ttft_ms.p90),
    formatMs(s.ttft_ms.p99),
    formatMs(s.ttft_ms.max),
  ]);
  assert.deepEqual(cells("TTFT").slice(0, 3), ["3", "439.8", "45.0"]);
  assert.equal(cells("ITL")[0], "27");
  assert.equal(cells("ITL").at(-1), "12.3"); // max 12.25 rounds half away: toFixed gives 12.3
  assert.equal(cells("Send lateness")[0], "4"); // the failed request counts, the warm-up does not
  assert.match(text, /4 total, 3 ok, 1 failed, 0 dropped, 1 warm-up/);
  assert.match(text, /http 1 {2}e\.g\. "429: Too many requests"/);
  assert.match(text, /req\/s/);
  assert.match(text, /drift \+1\.56%/); // 130 vs 128
});

Deno.test("TTFT from schedule is shown in open loop only", () => {
  assert.match(
    renderSummaryTable(summarize(records(), { loadMode: "open" })),
    /TTFT from schedule/,
  );
  assert.doesNotMatch(
    renderSummaryTable(summarize(records(), { loadMode: "closed" })),
    /TTFT from schedule/,
  );
});

Deno.test("terminal table has no ANSI codes unless colour is asked for", () => {
  const s = summarize(records(), { loadMode: "open" });
  for (const text of [renderSummaryTable(s), renderSummaryTable(s, { color: false })]) {
    assert.ok(!text.includes("\x1b"), "no escape characters");
  }
  const coloured = renderSummaryTable(s, { color: true, title: "t" });
  assert.ok(coloured.includes("\x1b["));
  // Colour wraps the same text: stripping it gives the plain table back.
  assert.equal(coloured.replace(ANSI, ""), renderSummaryTable(s, { title: "t" }));
});

Deno.test("an empty summary renders dashes, not NaN or null", () => {
  const text = renderSummaryTable(summarize([], { loadMode: "open" }));
  assert.doesNotMatch(text, /NaN|null|undefined/);
  assert.match(text, /TTFT +0 +- +- +- +- +-/);
  assert.match(text, /Errors {6}none/);
  const widths = new Set(tableLines(text).map((l) => l.length));
  assert.equal(widths.size, 1);
});

Deno.test("ms are formatted with precision that suits their size", () => {
  const table: [number | null, string][] = [
    [null, "-"],
    [0.04213, "0.042"],
    [7.314, "7.31"],
    [152.34, "152.3"],
    [12345.6, "12346"],
    [-0.0001, "0.000"],
    [-3.5, "-3.50"],
  ];
  for (const [v, want] of table) assert.equal(formatMs(v), want, String(v));
});

Deno.test("a 404 from /v1/completions gets a hint to try --endpoint chat; chat runs do not", () => {
  const failed: RequestRecord = {
    ...records()[0],
    tokenTimes: [],
    tokenCounts: [],
    outputTokens: 0,
    status: 404,
    error: { kind: "http", message: "Not Found", status: 404 },
  };
  const s = summarize([failed], { loadMode: "closed" });
  assert.match(
    renderSummaryTable(s, { endpoint: "completions" }),
    /hint: 404 on \/v1\/completions.*--endpoint chat/,
  );
  assert.doesNotMatch(renderSummaryTable(s, { endpoint: "chat" }), /hint:/);
  assert.doesNotMatch(
    renderSummaryTable(summarize(records(), { loadMode: "closed" }), { endpoint: "completions" }),
    /hint:/,
  );
});

Deno.test("requests llmload cancelled itself are named on the Requests line, apart from failures", () => {
  const stopped: RequestRecord = {
    ...records()[0],
    error: { kind: "cancelled", message: "cancelled: run stopping", status: 200 },
  };
  const text = renderSummaryTable(summarize([...records(), stopped], { loadMode: "closed" }));
  assert.match(text, /1 failed, 0 dropped, 1 cancelled by llmload/);
  assert.doesNotMatch(
    renderSummaryTable(summarize(records(), { loadMode: "closed" })),
    /cancelled/,
  );
});
