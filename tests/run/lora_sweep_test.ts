import assert from "node:assert/strict";
import { join } from "node:path";
import { scenarioPlans } from "../../lib/cli/scenario_plans.ts";
import { validateScenario } from "../../lib/config/scenario.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { runSweep } from "../../lib/campaign/run_sweep.ts";

const quietIo = { log: () => {}, isTty: false, quiet: true };

const countSweep = validateScenario({
  name: "lora-count",
  description: "the same load over 1 and 8 adapters",
  load: { concurrency: 8 },
  request: { promptTokens: 64, maxTokens: 4, ignoreEos: true },
  stop: { requests: 16 },
  lora: { adapters: ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"] },
  sweep: { axes: { adapterCount: [1, 8] } },
  sim: { maxLoras: 2 },
}, "lora-count");

Deno.test("the adapterCount axis gives each point the set's first N adapters", () => {
  const run = scenarioPlans(countSweep, ["--target", "sim"], { env: {}, ref: "lora-count" });
  assert.deepEqual(run.axes, ["adapterCount"]);
  assert.deepEqual(run.points.map((p) => p.plan.lora?.adapterCount), [1, 8]);
  const one = scenarioPlans(countSweep, ["--target", "sim", "--adapter-count", "8"], {
    env: {},
    ref: "lora-count",
  });
  assert.deepEqual(one.points.map((p) => p.plan.lora?.adapterCount), [8], "a flag narrows");
});

Deno.test("an adapter-count sweep on the simulator (max_loras 2): 8 adapters cost more TTFT than 1; sweep.csv has adapter_count", async () => {
  const out = await Deno.makeTempDir();
  const run = scenarioPlans(countSweep, ["--target", "sim", "--out", out], {
    env: {},
    ref: "lora-count",
  });
  const outcome = await runSweep(run.points, quietIo, {
    scenario: "lora-count",
    axes: run.axes,
    out,
  });
  const [one, eight] = outcome.rows;
  assert.equal(one.summary.requests.ok, 16);
  assert.equal(eight.summary.requests.ok, 16);
  assert.ok(
    eight.summary.ttft_ms.mean! > one.summary.ttft_ms.mean!,
    `TTFT mean with 8 adapters ${eight.summary.ttft_ms.mean} > with 1 ${one.summary.ttft_ms.mean}`,
  );
  const csv = (await Deno.readTextFile(join(outcome.sweepDir, "sweep.csv"))).trim().split("\n");
  const col = csv[0].split(",").indexOf("adapter_count");
  assert.ok(col >= 0);
  assert.deepEqual(csv.slice(1).map((l) => l.split(",")[col]), ["1", "8"]);
});

Deno.test("compare cannot be swept: a usage error before anything runs", async () => {
  const run = scenarioPlans(
    countSweep,
    ["--target", "sim", "--lora-mode", "compare", "--baseline-adapter", "mt"],
    { env: {}, ref: "lora-count" },
  );
  await assert.rejects(
    () => runSweep(run.points, quietIo, { scenario: "x", axes: run.axes, out: "/nonexistent" }),
    (e: Error) => e instanceof UsageError && /cannot be swept/.test(e.problems.join("")),
  );
});
