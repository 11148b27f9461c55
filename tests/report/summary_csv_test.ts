import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import { SUMMARY_CSV_COLUMNS, summaryToCsv } from "../../lib/report/files/summary_csv.ts";

// The public column contract, written out literally: changing it must be deliberate.
const EXPECTED_HEADER = [
  "load_mode,requests_total,requests_ok,requests_failed,requests_dropped,requests_warmup",
  "window_s,requests_per_s,output_tokens_per_s,total_tokens_per_s",
  "output_tokens_total,prompt_tokens_total,output_tokens_source_usage,output_tokens_source_counted",
  "prompt_requested_mean,prompt_actual_mean,prompt_drift_pct",
  "ttft_ms_count,ttft_ms_mean,ttft_ms_min,ttft_ms_max,ttft_ms_p50,ttft_ms_p90,ttft_ms_p95,ttft_ms_p99,ttft_ms_p999",
  "ttft_from_scheduled_ms_count,ttft_from_scheduled_ms_mean,ttft_from_scheduled_ms_min,ttft_from_scheduled_ms_max,ttft_from_scheduled_ms_p50,ttft_from_scheduled_ms_p90,ttft_from_scheduled_ms_p95,ttft_from_scheduled_ms_p99,ttft_from_scheduled_ms_p999",
  "tpot_ms_count,tpot_ms_mean,tpot_ms_min,tpot_ms_max,tpot_ms_p50,tpot_ms_p90,tpot_ms_p95,tpot_ms_p99,tpot_ms_p999",
  "itl_ms_count,itl_ms_mean,itl_ms_min,itl_ms_max,itl_ms_p50,itl_ms_p90,itl_ms_p95,itl_ms_p99,itl_ms_p999",
  "e2e_ms_count,e2e_ms_mean,e2e_ms_min,e2e_ms_max,e2e_ms_p50,e2e_ms_p90,e2e_ms_p95,e2e_ms_p99,e2e_ms_p999",
  "e2e_from_scheduled_ms_count,e2e_from_scheduled_ms_mean,e2e_from_scheduled_ms_min,e2e_from_scheduled_ms_max,e2e_from_scheduled_ms_p50,e2e_from_scheduled_ms_p90,e2e_from_scheduled_ms_p95,e2e_from_scheduled_ms_p99,e2e_from_scheduled_ms_p999",
  "prefill_ms_count,prefill_ms_mean,prefill_ms_min,prefill_ms_max,prefill_ms_p50,prefill_ms_p90,prefill_ms_p95,prefill_ms_p99,prefill_ms_p999",
  "decode_ms_count,decode_ms_mean,decode_ms_min,decode_ms_max,decode_ms_p50,decode_ms_p90,decode_ms_p95,decode_ms_p99,decode_ms_p999",
  "send_lateness_ms_count,send_lateness_ms_mean,send_lateness_ms_min,send_lateness_ms_max,send_lateness_ms_p50,send_lateness_ms_p90,send_lateness_ms_p95,send_lateness_ms_p99,send_lateness_ms_p999",
  "errors_timeout,errors_connect,errors_http,errors_stream,errors_parse,errors_cancelled",
  "requests_cancelled",
  "output_tokens_source_tokenizer",
  "output_tokens_source_estimate",
  "output_tokens_source",
  "ttfat_ms_p50,ttfat_ms_p90,ttfat_ms_p99",
  "reasoning_requests,reasoning_tokens_total,answer_tokens_total,answer_tokens_per_s",
].join(",");

function run(): RequestRecord[] {
  const base = {
    phase: "measure" as const,
    tokenCounts: [1, 1, 1],
    outputTokens: 3,
    outputTokensSource: "usage" as const,
    promptTokens: 10,
    status: 200,
  };
  return [
    {
      ...base,
      index: 0,
      requestId: "a",
      scheduledAt: 0,
      sentAt: 0,
      endAt: 100,
      tokenTimes: [40, 60, 80],
    },
    {
      ...base,
      index: 1,
      requestId: "b",
      scheduledAt: 500,
      sentAt: 500.5,
      endAt: 1000,
      tokenTimes: [560, 580, 600],
    },
    {
      ...base,
      index: 2,
      requestId: "c",
      scheduledAt: 600,
      sentAt: 600,
      endAt: 601,
      tokenTimes: [],
      tokenCounts: [],
      outputTokens: 0,
      status: 503,
      error: { kind: "http", message: "Service unavailable, retry later", status: 503 },
    },
  ];
}

Deno.test("summary.csv header is the stable documented column list", () => {
  assert.equal(SUMMARY_CSV_COLUMNS.join(","), EXPECTED_HEADER);
  const csv = summaryToCsv(summarize(run(), { loadMode: "open" }));
  assert.equal(csv.split("\n")[0], EXPECTED_HEADER);
});

Deno.test("summary.csv has one row whose cells line up with the header", () => {
  const s = summarize(run(), { loadMode: "open" });
  const csv = summaryToCsv(s, {
    run_id: "20250101-000000-ab12",
    scenario: "chat, short",
    model: "m",
  });
  const lines = csv.split("\n");
  assert.equal(lines.length, 3); // header, row, trailing newline
  assert.equal(lines[2], "");
  const header = lines[0].split(",");
  assert.deepEqual(header.slice(0, 3), ["run_id", "scenario", "model"]);
  // The scenario cell holds a comma, so it is quoted: split on the parsed row, not naively.
  assert.ok(lines[1].startsWith(`20250101-000000-ab12,"chat, short",m,open,`));
  const cells = lines[1].replace(`"chat, short"`, "chat_short").split(",");
  assert.equal(cells.length, header.length);
  const at = (name: string) => cells[header.indexOf(name)];
  assert.equal(at("requests_total"), "3");
  assert.equal(at("requests_ok"), "2");
  assert.equal(at("requests_failed"), "1");
  assert.equal(at("window_s"), "1");
  assert.equal(at("requests_per_s"), "2");
  assert.equal(at("ttft_ms_mean"), String(s.ttft_ms.mean)); // (40 + 59.5) / 2
  assert.equal(at("ttft_ms_mean"), "49.75");
  assert.equal(at("send_lateness_ms_max"), "0.5");
  assert.equal(at("errors_http"), "1");
  assert.equal(at("errors_timeout"), "0");
  // Unknown values are empty cells, not "null".
  assert.equal(at("prompt_drift_pct"), "");
  assert.ok(!lines[1].includes("null"));
});

Deno.test("summary.csv can give the row alone, to append a run to a sweep's file", () => {
  const s = summarize(run(), { loadMode: "closed" });
  const row = summaryToCsv(s, { run_id: "x" }, { header: false });
  assert.equal(row.split("\n").length, 2);
  assert.ok(row.startsWith("x,closed,3,"));
});

Deno.test("summary.csv refuses an extra column that would shadow a fixed one", () => {
  const s = summarize(run(), { loadMode: "open" });
  assert.throws(() => summaryToCsv(s, { requests_ok: 5 }), /requests_ok/);
});

Deno.test("summary.csv rounds numbers to 3 decimals", () => {
  const records = run().slice(0, 1);
  records[0].tokenTimes = [1 / 3, 60, 80];
  const csv = summaryToCsv(summarize(records, { loadMode: "open" }));
  const [header, row] = csv.split("\n").map((l) => l.split(","));
  assert.equal(row[header.indexOf("ttft_ms_mean")], "0.333");
});

Deno.test("summary.csv: reasoning columns at the end, empty without reasoning, filled with it", () => {
  const cells = (records: RequestRecord[]) => {
    const [head, row] = summaryToCsv(summarize(records, { loadMode: "open" })).split("\n");
    const names = head.split(",");
    const values = row.split(",");
    return (name: string) => values[names.indexOf(name)];
  };
  const plain = cells(run());
  assert.equal(plain("ttfat_ms_p50"), "");
  assert.equal(plain("reasoning_tokens_total"), "");
  const reasoned = run().map((r) =>
    r.error ? r : { ...r, reasoningTokens: 2, firstAnswerAt: r.tokenTimes[2] }
  );
  const got = cells(reasoned);
  assert.equal(got("reasoning_requests"), "2");
  assert.equal(got("reasoning_tokens_total"), "4");
  assert.equal(got("answer_tokens_total"), "2");
  assert.equal(got("ttfat_ms_p50"), "89.75", "TTFATs 80 and 99.5 ms");
});
