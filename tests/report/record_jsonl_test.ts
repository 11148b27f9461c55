import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { recordFromJsonl, recordToJsonl } from "../../lib/report/files/record_jsonl.ts";

const FULL: RequestRecord = {
  index: 7,
  phase: "measure",
  requestId: "llmload-abc-000007",
  responseId: "chatcmpl-42",
  user: 3,
  scheduledAt: 1000.125,
  sentAt: 1000.5,
  headersAt: 1004.25,
  endAt: 1100.75,
  tokenTimes: [1050.5, 1060.5, 1080.5],
  tokenCounts: [1, 1, 2],
  promptTokens: 258,
  outputTokens: 4,
  outputTokensSource: "usage",
  requestedPromptTokens: 256,
  finishReason: "length",
  status: 200,
  model: "lora-a",
};

const MINIMAL: RequestRecord = {
  index: 0,
  phase: "warmup",
  requestId: "r0",
  scheduledAt: 0,
  sentAt: 0.001,
  endAt: 3.5,
  tokenTimes: [],
  tokenCounts: [],
  outputTokens: 0,
  outputTokensSource: "counted",
};

const FAILED: RequestRecord = {
  ...MINIMAL,
  phase: "measure",
  status: 429,
  error: { kind: "http", message: "Too many requests", status: 429 },
};

const DROPPED: RequestRecord = {
  ...MINIMAL,
  phase: "measure",
  scheduledAt: 12,
  sentAt: 12,
  endAt: 12,
  dropped: true,
};

Deno.test("a record survives the JSONL round trip exactly (times already on the µs grid)", () => {
  for (const r of [FULL, MINIMAL, FAILED, DROPPED]) {
    const line = recordToJsonl(r);
    assert.ok(!line.includes("\n"));
    assert.deepEqual(recordFromJsonl(line), r, r.requestId);
    // And re-encoding a decoded line reproduces the line byte for byte.
    assert.equal(recordToJsonl(recordFromJsonl(line)), line);
  }
});

Deno.test("JSONL times are rounded to 0.001 ms and stay within half a µs of the raw ones", () => {
  const raw: RequestRecord = {
    ...FULL,
    scheduledAt: 1000.1234567,
    sentAt: 1000.9876543,
    endAt: 1101.00049,
    tokenTimes: [1050.0000004, 1060.33333333],
    tokenCounts: [1, 1],
  };
  const line = recordToJsonl(raw);
  const o = JSON.parse(line);
  assert.equal(o.scheduled_at_ms, 1000.123);
  assert.equal(o.sent_at_ms, 1000.988);
  assert.deepEqual(o.token_times_ms, [1050, 1060.333]);
  const back = recordFromJsonl(line);
  for (const k of ["scheduledAt", "sentAt", "endAt"] as const) {
    assert.ok(Math.abs(back[k] - raw[k]) <= 0.0005 + 1e-9, k);
  }
  assert.equal(recordToJsonl(back), line);
});

Deno.test("a JSONL line is snake_case with units, derived metrics and explicit nulls", () => {
  const o = JSON.parse(recordToJsonl(FULL));
  assert.deepEqual(Object.keys(o), [
    "index",
    "phase",
    "request_id",
    "response_id",
    "user",
    "model",
    "scheduled_at_ms",
    "sent_at_ms",
    "headers_at_ms",
    "end_at_ms",
    "ttft_ms",
    "e2e_ms",
    "tpot_ms",
    "prompt_tokens",
    "requested_prompt_tokens",
    "output_tokens",
    "output_tokens_source",
    "finish_reason",
    "status",
    "error",
    "dropped",
    "token_times_ms",
    "token_counts",
  ]);
  assert.equal(o.ttft_ms, 50);
  assert.equal(o.e2e_ms, 100.25);
  assert.equal(o.tpot_ms, 16.75); // (100.25 - 50) / 3
  assert.deepEqual(o.token_counts, [1, 1, 2]);

  const m = JSON.parse(recordToJsonl(MINIMAL));
  assert.equal(m.response_id, null);
  assert.equal(m.user, null);
  assert.equal(m.ttft_ms, null);
  assert.equal(m.tpot_ms, null);
  assert.equal(m.error, null);
  assert.equal(m.dropped, false);
  assert.ok(!("token_counts" in m), "token_counts omitted when every event carried 1 token");

  const f = JSON.parse(recordToJsonl(FAILED));
  assert.deepEqual(f.error, { kind: "http", message: "Too many requests", status: 429 });
  const d = JSON.parse(recordToJsonl(DROPPED));
  assert.equal(d.dropped, true);
  assert.equal(d.e2e_ms, null, "a dropped request has no E2E");
});

Deno.test("token_counts are restored as ones when the line omits them", () => {
  const r = { ...FULL, tokenCounts: [1, 1, 1], outputTokens: 3 };
  const line = recordToJsonl(r);
  assert.ok(!line.includes("token_counts"));
  assert.deepEqual(recordFromJsonl(line).tokenCounts, [1, 1, 1]);
});

Deno.test("a malformed line is rejected naming every bad field and the line number", () => {
  const o = JSON.parse(recordToJsonl(FULL));
  o.sent_at_ms = "soon";
  o.phase = "later";
  o.token_counts = [1];
  assert.throws(() => recordFromJsonl(JSON.stringify(o), { lineNumber: 3 }), (e) => {
    const msg = (e as Error).message;
    assert.match(msg, /^requests\.jsonl line 3: /);
    assert.match(msg, /field "sent_at_ms" must be a number \(got "soon"\)/);
    assert.match(msg, /field "phase" must be "warmup" or "measure"/);
    assert.match(msg, /field "token_counts" must have one entry per token time \(3, got 1\)/);
    return true;
  });
  assert.throws(() => recordFromJsonl("{not json"), /not valid JSON/);
  assert.throws(() => recordFromJsonl("[1,2]"), /expected a JSON object/);
  const badErr = { ...JSON.parse(recordToJsonl(FAILED)), error: { kind: "oops", message: "x" } };
  assert.throws(() => recordFromJsonl(JSON.stringify(badErr)), /field "error" must be/);
});

Deno.test("the fixture requests.jsonl decodes and re-encodes to the same lines", async () => {
  const text = await Deno.readTextFile(
    new URL("../../fixtures/records/mixed_open.jsonl", import.meta.url),
  );
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 14);
  lines.forEach((line, i) => {
    assert.equal(recordToJsonl(recordFromJsonl(line, { lineNumber: i + 1 })), line);
  });
});
