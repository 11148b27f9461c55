import assert from "node:assert/strict";
import { configPlan } from "../../lib/cli/config_plans.ts";
import { scenarioFlags, scenarioPlans } from "../../lib/cli/scenario_plans.ts";
import { SIM_RUN_OPTIONS } from "../../lib/cli/sim_args.ts";
import { type Scenario, ScenarioSchema, validateScenario } from "../../lib/config/scenario.ts";
import { parseYamlConfigText } from "../../lib/config/yaml_config.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { PROFILE_NAMES } from "../../lib/sim/mod.ts";

const SCENARIO: Scenario = {
  name: "sim-defaults",
  description: "a scenario with simulator defaults",
  stop: { requests: 2 },
  sim: {
    profile: "llama-8b-h100",
    chunkedPrefill: false,
    maxNumBatchedTokens: 2048,
    loraAdapters: ["a", "b"],
    fault500: 0.02,
    faultStall: "0.01:2s",
  },
};

const plans = (s: Scenario, args: string[]) =>
  scenarioPlans(s, args, { env: {}, ref: s.name }).points.map((p) => p.plan);

Deno.test("a scenario's sim block becomes --sim-* flags, camelCase to kebab-case", () => {
  const flags = scenarioFlags(SCENARIO, {});
  assert.deepEqual([...flags].filter(([n]) => n.startsWith("sim-")), [
    ["sim-profile", "llama-8b-h100"],
    ["sim-chunked-prefill", "off"],
    ["sim-max-num-batched-tokens", "2048"],
    ["sim-lora-adapters", "a,b"],
    ["sim-fault-500", "0.02"],
    ["sim-fault-stall", "0.01:2s"],
  ]);
});

Deno.test("a scenario's sim block takes every --sim-* flag but the truth log; its profiles are the simulator's", () => {
  const shape = ScenarioSchema.shape.sim.unwrap().shape;
  const kebab = (k: string) => `sim-${k.replace(/([a-z])([A-Z0-9])/g, "$1-$2").toLowerCase()}`;
  // Where to write output is the run's business, not the test's description.
  const flags = Object.keys(SIM_RUN_OPTIONS).filter((f) => f !== "sim-truth-log");
  assert.deepEqual(Object.keys(shape).map(kebab).sort(), flags.sort());
  assert.deepEqual(shape.profile.unwrap().options, [...PROFILE_NAMES]);
});

Deno.test("with --target sim the scenario's sim block configures the simulator", () => {
  const [plan] = plans(SCENARIO, ["--target", "sim"]);
  assert.deepEqual(plan.target.simOptions, {
    profile: "llama-8b-h100",
    engine: { maxNumBatchedTokens: 2048, chunkedPrefill: false },
    faults: { http500: 0.02, stall: { rate: 0.01, ms: 2000 } },
    loraAdapters: ["a", "b"],
  });
});

Deno.test("against a server the scenario's sim block is ignored", () => {
  const [plan] = plans(SCENARIO, ["--url", "http://127.0.0.1:9/v1"]);
  assert.equal(plan.target.sim, false);
  assert.equal(plan.target.simOptions, undefined);
});

Deno.test("--sim-* flags on the command line win over the scenario's sim block", () => {
  const [plan] = plans(SCENARIO, ["--target", "sim", "--sim-chunked-prefill", "on"]);
  assert.equal(plan.target.simOptions?.engine?.chunkedPrefill, true);
  assert.equal(plan.target.simOptions?.engine?.maxNumBatchedTokens, 2048);
  // A profile from the command line drops the scenario's fixed-profile timing with its profile.
  const fixed: Scenario = { ...SCENARIO, sim: { ttft: "300ms", itl: "5ms", maxNumSeqs: 8 } };
  const [tiny] = plans(fixed, ["--target", "sim", "--sim-profile", "tiny"]);
  assert.deepEqual(tiny.target.simOptions, { profile: "tiny", engine: { maxNumSeqs: 8 } });
});

Deno.test("a scenario's bad sim block is a usage error naming each field", () => {
  try {
    validateScenario({
      name: "x",
      description: "x",
      sim: { profile: "gpt-9", fault500: 2, faultStall: "often", chunkedPrefill: "off", gpu: 1 },
    }, "x.ts");
    assert.fail("expected a usage error");
  } catch (e) {
    assert.ok(e instanceof UsageError);
    for (const field of ["sim.profile", "sim.fault500", "sim.faultStall", "sim.chunkedPrefill"]) {
      assert.ok(e.problems.some((p) => p.includes(`field "${field}"`)), field);
    }
    assert.ok(e.problems.some((p) => p.includes("gpu")), "unknown key named");
  }
});

Deno.test("config mode with --target sim passes --sim-* flags through to the simulator", () => {
  const { config } = parseYamlConfigText("workloads:\n  - name: w\n    requests: 2\n", "w.yaml");
  const run = configPlan(["--config", "w.yaml", "--target", "sim", "--sim-profile", "tiny"], {
    env: {},
    config: { source: "w.yaml", files: ["w.yaml"], ...config },
  });
  assert.equal(run.plan.target.sim, true);
  assert.deepEqual(run.plan.target.simOptions, { profile: "tiny" });
});
