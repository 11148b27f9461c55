import assert from "node:assert/strict";
import { comparedRunNames } from "../../lib/report/compared_runs.ts";
import { syntheticRun } from "../helpers/report_fixtures.ts";

Deno.test("compared runs are headed by their label, else their server variant, else their id", () => {
  const names = comparedRunNames([
    syntheticRun({ runId: "r1", meta: { tags: { label: "chunked on" } } }),
    syntheticRun({ runId: "r2", meta: { server_variant: { label: "max_num_seqs=64" } } }),
    syntheticRun({ runId: "r3" }),
    syntheticRun({ runId: "r4", meta: { tags: { label: "chunked on" } } }),
  ]);
  assert.deepEqual(names, ["chunked on", "max_num_seqs=64", "r3", "chunked on#2"]);
});
