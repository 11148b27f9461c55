import assert from "node:assert/strict";
import { summarize } from "../../lib/metrics/summary.ts";
import { SWEEP_CSV_COLUMNS, sweepToCsv, sweepToJson } from "../../lib/report/files/sweep_csv.ts";
import type { SweepRow } from "../../lib/report/sweep_row.ts";
import { renderSweepTable } from "../../lib/report/terminal/sweep_table.ts";

const BASE = { concurrency: 4, rate: null, maxInFlight: null, promptTokens: 4000, maxTokens: null };
const rows: SweepRow[] = [
  { outputTokens: "uniform:64-256", sharedPrefixTokens: 0, temperature: 0 },
  { outputTokens: "normal:200,50", sharedPrefixTokens: 3000, temperature: 0.7 },
].map((v, i) => ({
  index: i + 1,
  runId: `run-${i + 1}`,
  values: { ...BASE, ...v },
  summary: summarize([], { loadMode: "closed" }),
}));

Deno.test("sweep.csv keeps its original columns first and appends the new axes' columns", () => {
  assert.deepEqual(SWEEP_CSV_COLUMNS[22], "prompt_drift_pct");
  assert.deepEqual(SWEEP_CSV_COLUMNS.slice(23, 27), [
    "output_tokens",
    "shared_prefix_tokens",
    "temperature",
    "adapter_count", // the LoRA adapterCount axis, appended after these
  ]);
  const [, first, second] = sweepToCsv(rows).trimEnd().split("\n");
  // Then the GPU columns, empty without GPU data.
  assert.ok(first.endsWith(",uniform:64-256,0,0,,,"), first);
  assert.ok(second.endsWith(',"normal:200,50",3000,0.7,,,'), second);
  // A row without the new values (an older caller) leaves the new cells empty.
  const old = sweepToCsv([{ ...rows[0], values: BASE }]).trimEnd().split("\n")[1];
  assert.ok(old.endsWith(",,,,,,"), old);
});

Deno.test("the sweep table labels the new axes; sweep.json carries their values and the hooks", () => {
  const text = renderSweepTable(rows, {
    axes: ["outputTokens", "sharedPrefixTokens", "temperature"],
  });
  const [head, , r1, r2] = text.split("\n");
  assert.match(head, /^# +output tokens +prefix tokens +temperature +ok/);
  assert.deepEqual(r1.split(/ +/).slice(0, 4), ["1", "uniform:64-256", "0", "0"]);
  assert.deepEqual(r2.split(/ +/).slice(0, 4), ["2", "normal:200,50", "3000", "0.7"]);
  const hooks = { setup: { ms: 1, ok: true, error: null }, teardown: null };
  const json = JSON.parse(sweepToJson(rows, {
    sweepId: "s",
    scenario: "x",
    axes: ["temperature"],
    interrupted: false,
    hooks,
  }));
  assert.deepEqual(json.hooks, hooks);
  assert.deepEqual(json.points[1].values.temperature, 0.7);
  const none = JSON.parse(
    sweepToJson(rows, { sweepId: "s", scenario: "x", axes: [], interrupted: false }),
  );
  assert.deepEqual(none.hooks, null);
});
