import assert from "node:assert/strict";
import { summarize } from "../../lib/metrics/summary.ts";
import { SWEEP_CSV_COLUMNS, sweepToCsv, sweepToJson } from "../../lib/report/files/sweep_csv.ts";
import type { SweepRow } from "../../lib/report/sweep_row.ts";
import { renderSweepTable } from "../../lib/report/terminal/sweep_table.ts";

function row(index: number, concurrency: number, e2e: { mean: number; min: number; max: number }) {
  const summary = summarize([], { loadMode: "closed" });
  summary.e2e_ms = { ...summary.e2e_ms, count: 3, mean: e2e.mean, min: e2e.min, max: e2e.max };
  summary.requests = { total: 3, ok: 3, failed: 0, cancelled: 0, dropped: 0, warmup: 0 };
  return {
    index,
    runId: `run-${index}`,
    values: { concurrency, rate: null, maxInFlight: null, promptTokens: 1000, maxTokens: 128 },
    summary,
  } satisfies SweepRow;
}

const ROWS = [
  row(1, 1, { mean: 100, min: 90, max: 110 }),
  row(2, 8, { mean: 2500.5, min: 2000, max: 3000 }),
];

Deno.test("sweep table: one aligned row per point with the summary's mean, min and max latency", () => {
  const text = renderSweepTable(ROWS, { axes: ["concurrency"] });
  const lines = text.split("\n");
  assert.match(lines[0], /^# +concurrency +ok +errors +latency mean +p50 +p99 +min +max/);
  const body = lines.filter((l) => /^\d /.test(l));
  assert.deepEqual(body.length, 2);
  assert.deepEqual(body[1].split(/ +/).slice(0, 5), ["2", "8", "3", "0", "2501"]);
  assert.ok(body[1].includes("2000") && body[1].includes("3000"));
  // Right-aligned numeric columns end at the same offsets as the header's.
  assert.deepEqual(lines[0].indexOf("errors") + "errors".length, body[0].indexOf(" 0 ") + 2);
});

Deno.test("sweep.csv has the documented header and one row per point; sweep.json keeps summaries", () => {
  const [header, ...rows] = sweepToCsv(ROWS).trimEnd().split("\n");
  assert.deepEqual(header.split(","), SWEEP_CSV_COLUMNS);
  assert.deepEqual(rows.length, 2);
  const second = Object.fromEntries(rows[1].split(",").map((v, i) => [SWEEP_CSV_COLUMNS[i], v]));
  assert.deepEqual(second.concurrency, "8");
  assert.deepEqual(second.rate, "");
  assert.deepEqual(second.e2e_ms_mean, "2500.5");
  assert.deepEqual(second.run_id, "run-2");
  const json = JSON.parse(sweepToJson(ROWS, {
    sweepId: "s",
    scenario: "concurrency",
    axes: ["concurrency"],
    interrupted: false,
  }));
  assert.deepEqual(json.points[1].summary.e2e_ms.max, 3000);
});

Deno.test("sweep table: sessions get a 'TTFT by turn' column (mean TTFT of turn 1, 2, …); others none", () => {
  const turn = (t: number, mean: number) => ({
    turn: t,
    requests: 2,
    ok: 2,
    ttft_ms: { ...ROWS[0].summary.ttft_ms, count: 2, mean },
    e2e_ms: ROWS[0].summary.e2e_ms,
    prompt_tokens: ROWS[0].summary.e2e_ms,
  });
  const sessions = ROWS.map((r, i) => ({
    ...r,
    summary: { ...r.summary, by_turn: [turn(1, 41.4 + i), turn(2, 45.7), turn(3, 48.1)] },
  }));
  const lines = renderSweepTable(sessions, { axes: ["concurrency"] }).split("\n");
  assert.match(lines[0], /TTFT by turn$/);
  assert.match(lines[2], /41\.4 → 45\.7 → 48\.1$/);
  assert.match(lines[3], /42\.4 → 45\.7 → 48\.1$/);
  assert.ok(!renderSweepTable(ROWS, { axes: ["concurrency"] }).includes("TTFT by turn"));
});
