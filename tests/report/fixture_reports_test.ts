/**
 * Golden test: a recorded requests.jsonl through summarize and every renderer. Regenerate the
 * golden files after a deliberate change with `UPDATE_GOLDEN=1 deno task test tests/report/`.
 */
import assert from "node:assert/strict";
import { summarize } from "../../lib/metrics/summary.ts";
import { recordFromJsonl } from "../../lib/report/files/record_jsonl.ts";
import { summaryToJson } from "../../lib/report/files/summary_json.ts";
import { renderSummaryTable } from "../../lib/report/terminal/terminal_table.ts";
import { assertGolden } from "../helpers/golden.ts";

const dir = new URL("../../fixtures/records/", import.meta.url);

async function loadRecords() {
  const text = await Deno.readTextFile(new URL("mixed_open.jsonl", dir));
  return text.trimEnd().split("\n").map((l, i) => recordFromJsonl(l, { lineNumber: i + 1 }));
}

const golden = (name: string, actual: string) => assertGolden(dir, name, actual);

Deno.test("the recorded run's counts match what its lines say", async () => {
  const records = await loadRecords();
  const s = summarize(records, { loadMode: "open" });
  const measured = records.filter((r) => r.phase === "measure");
  assert.equal(s.requests.warmup, records.length - measured.length);
  assert.equal(s.requests.dropped, measured.filter((r) => r.dropped).length);
  assert.equal(s.requests.failed, measured.filter((r) => r.error && !r.dropped).length);
  assert.equal(s.requests.ok + s.requests.failed + s.requests.dropped, s.requests.total);
  // Every ok request has 16 output tokens: 15 per-token ITLs each, the 3-token event included.
  assert.equal(s.itl_ms.count, s.requests.ok * 15);
  assert.equal(s.tokens.output_total, s.requests.ok * 16);
});

Deno.test("the recorded run renders to the golden summary.json and terminal table", async () => {
  const s = summarize(await loadRecords(), { loadMode: "open" });
  await golden("mixed_open.summary.json", summaryToJson(s));
  await golden(
    "mixed_open.table.txt",
    renderSummaryTable(s, { title: "mixed_open fixture" }) + "\n",
  );
});
