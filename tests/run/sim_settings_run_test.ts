import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { scenarioPlans } from "../../lib/cli/scenario_plans.ts";
import type { Scenario } from "../../lib/config/scenario.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { runSweep } from "../../lib/campaign/run_sweep.ts";

const LORA = new URL("../../fixtures/datasets/lora_prompts.jsonl", import.meta.url).pathname;
const quietIo = { log: () => {}, isTty: false, quiet: true };
const SHORT = ["--prompt-tokens", "16", "--max-tokens", "4", "--ignore-eos"];

async function readJsonl(path: string) {
  return (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
}

async function readRun(dir: string) {
  return {
    records: await readJsonl(join(dir, "requests.jsonl")),
    meta: JSON.parse(await Deno.readTextFile(join(dir, "meta.json"))),
  };
}

/** `llmload run --target sim ARGS` into a fresh directory. */
async function simRun(args: string[]) {
  const out = await Deno.makeTempDir();
  const { plan } = parseRunArgs(["--target", "sim", ...args, "--out", out], {});
  const outcome = await runBenchmark(plan, quietIo);
  return { outcome, ...await readRun(outcome.runDir) };
}

Deno.test("--sim-fault-500 1 makes every request an http error with status 500, and meta.json says why", async () => {
  const { records, meta, outcome } = await simRun([
    ...["--sim-fault-500", "1", "--sim-retry-after", "2", "--requests", "3", ...SHORT],
  ]);
  assert.equal(records.length, 3);
  for (const r of records) {
    assert.equal(r.error?.kind, "http", JSON.stringify(r));
    assert.equal(r.error?.status, 500);
    assert.equal(r.status, 500);
  }
  assert.equal(outcome.summary.requests.failed, 3);
  assert.equal(meta.target.sim, true);
  assert.deepEqual(meta.target.sim_options, {
    profile: "fixed",
    faults: { http500: 1, retry_after_s: 2 },
    seed: 42,
  });
  assert.equal(meta.target.sim_engine.max_num_batched_tokens, 8192, "the fixed profile's engine");
});

Deno.test("--sim-profile and engine flags take effect: tiny's 8192-token context refuses a 9000-token prompt", async () => {
  const args = ["--requests", "2", "--prompt-tokens", "9000", "--max-tokens", "4"];
  const tiny = await simRun(["--sim-profile", "tiny", ...args]);
  for (const r of tiny.records) assert.equal(r.status, 400, JSON.stringify(r.error));
  assert.equal(tiny.meta.target.sim_options.profile, "tiny");
  assert.equal(tiny.meta.target.sim_engine.max_model_len, 8192);
  assert.equal(tiny.meta.target.sim_engine.max_num_seqs, 64);

  const wide = await simRun(["--sim-profile", "tiny", "--sim-max-model-len", "16384", ...args]);
  for (const r of wide.records) assert.equal(r.error, null, JSON.stringify(r.error));
  assert.equal(wide.meta.target.sim_engine.max_model_len, 16384);
});

Deno.test("--sim-ttft sets the simulated engine's TTFT: no request's first token comes sooner", async () => {
  const { records, meta } = await simRun(["--sim-ttft", "250ms", "--requests", "2", ...SHORT]);
  for (const r of records) assert.ok(r.ttft_ms >= 250, `TTFT ${r.ttft_ms} ms`);
  assert.equal(meta.target.sim_options.ttft_ms, 250);
  // The fixed profile turns TTFT into front-end time plus one step.
  assert.equal(
    meta.target.sim_engine.api_overhead_ms + meta.target.sim_engine.step_overhead_ms,
    250,
  );
});

Deno.test("--sim-lora-adapters are served together with the dataset's adapters", async () => {
  const { records, meta } = await simRun([
    ...["--sim-lora-adapters", "sql", "--dataset", LORA, "--requests", "4", "--max-tokens", "3"],
  ]);
  assert.deepEqual(meta.target.sim_options.lora_adapters, [
    "sql",
    "geo-lora",
    "ko-lora",
    "sum-lora",
  ]);
  for (const r of records) assert.equal(r.error, null, JSON.stringify(r.error));
  assert.deepEqual(
    records.map((r) => r.model).filter((m) => m !== records[3].model).sort(),
    ["geo-lora", "ko-lora", "sum-lora"],
  );
  const asSql = await simRun(["--sim-lora-adapters", "sql", "--model", "sql", "--requests", "1"]);
  assert.equal(asSql.records[0].error, null, "the --sim-lora-adapters adapter answers as a model");
  assert.equal(asSql.records[0].model, "sql");
});

Deno.test("a sweep on the simulator starts it once with the scenario's sim settings; every point records them", async () => {
  const scenario: Scenario = {
    name: "faulty",
    description: "two points against a failing simulator",
    request: { promptTokens: 16, maxTokens: 4, ignoreEos: true },
    stop: { requests: 2 },
    sim: { fault503: 1, maxNumSeqs: 4 },
    sweep: { axes: { concurrency: [1, 2] } },
  };
  const out = await Deno.makeTempDir();
  const run = scenarioPlans(scenario, ["--target", "sim", "--out", out], { env: {}, ref: "x" });
  const outcome = await runSweep(run.points, quietIo, { scenario: "faulty", axes: run.axes, out });
  assert.equal(outcome.rows.length, 2);
  const urls = new Set<string>();
  for (const row of outcome.rows) {
    const { records, meta } = await readRun(join(outcome.sweepDir, row.runId));
    assert.equal(records.length, 2);
    for (const r of records) assert.equal(r.status, 503);
    assert.equal(meta.target.sim, true);
    assert.deepEqual(meta.target.sim_options.faults, { http503: 1 });
    assert.equal(meta.target.sim_engine.max_num_seqs, 4);
    urls.add(meta.target.url);
  }
  assert.equal(urls.size, 1, "one simulator for the whole sweep");
});

Deno.test("--sim-truth-log writes the simulator's ground truth, one line per request, matched by request id", async () => {
  const file = join(await Deno.makeTempDir(), "truth.jsonl");
  const { records, meta } = await simRun(["--sim-truth-log", file, "--requests", "3", ...SHORT]);
  const truth = await readJsonl(file);
  const generation = truth.filter((t) => t.endpoint === "chat");
  assert.deepEqual(
    generation.map((t) => t.requestId).sort(),
    records.map((r) => r.request_id).sort(),
  );
  for (const t of generation) assert.equal(t.tokenTimes.length, 4);
  assert.equal(meta.target.sim_options.truth_log_file, file);
});
