import assert from "node:assert/strict";
import { scenarioFlags, scenarioPlans } from "../../lib/cli/scenario_plans.ts";
import { type Scenario, validateScenario } from "../../lib/config/scenario.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const TRACE = new URL("../../fixtures/traces/mooncake_sample.jsonl", import.meta.url).pathname;
const plans = (s: Scenario, args: string[] = []) =>
  scenarioPlans(s, ["--target", "sim", ...args], { env: {}, ref: s.name });

function problemsOf(candidate: unknown): string {
  try {
    validateScenario(candidate, "bad.ts");
  } catch (e) {
    assert.ok(e instanceof UsageError);
    return e.problems.join("\n");
  }
  assert.fail("expected a UsageError");
}

Deno.test("a scenario's rate function is carried onto the plan and ends the run itself", () => {
  const rate = (t: number) => (t < 10 ? 2 + t : null);
  const s = validateScenario(
    { name: "fn", description: "d", load: { rate, arrival: "constant", maxInFlight: 4 } },
    "fn.ts",
  );
  const plan = plans(s).points[0].plan;
  assert.ok(plan.load.mode === "open" && plan.load.shape?.kind === "function");
  assert.equal(plan.load.shape.fn, rate);
  assert.match(plan.load.shape.source, /t < 10/);
  assert.equal(plan.load.arrival, "constant");
  assert.equal(plan.load.maxInFlight, 4);
  assert.deepEqual(plan.stop, { durationMs: undefined, requests: undefined });
  // The user's own load replaces the function, as it replaces any scenario load.
  const replaced = plans(s, ["--concurrency", "2"]).points[0].plan;
  assert.deepEqual(replaced.load, { mode: "closed", concurrency: 2, rampMs: undefined });
});

Deno.test("ramps, stages and traces in a scenario become the same flags a user would type", () => {
  const flags = (load: Scenario["load"]) =>
    Object.fromEntries(scenarioFlags({ name: "x", description: "d", load }, {}));
  assert.deepEqual(
    flags({ rate: 1, rampTo: 20, rampOver: "1m", rampCurve: "exponential", maxInFlight: 8 }),
    {
      rate: "1",
      "ramp-to": "20",
      "ramp-over": "1m",
      "ramp-curve": "exponential",
      "max-in-flight": "8",
    },
  );
  assert.deepEqual(
    flags({ stages: [{ duration: "30s", rate: 5 }, { duration: "1m", rate: 20 }] }),
    { "rate-stages": "30s@5,1m@20" },
  );
  assert.deepEqual(
    flags({ stages: [{ duration: "30s", concurrency: 4 }, { duration: "1m", concurrency: 0 }] }),
    { "concurrency-stages": "30s@4,1m@0" },
  );
  assert.deepEqual(flags({ trace: TRACE, traceSpeed: 2, arrival: "gamma" }), {
    trace: TRACE,
    "trace-speed": "2",
  });
  const staged = plans({
    name: "staged",
    description: "d",
    load: { stages: [{ duration: "10s", concurrency: 2 }, { duration: "5s", concurrency: 6 }] },
  }).points[0].plan;
  assert.deepEqual(staged.load, {
    mode: "closed",
    stages: [{ durationMs: 10_000, concurrency: 2 }, { durationMs: 5_000, concurrency: 6 }],
    rampMs: undefined,
  });
  assert.deepEqual(staged.stop, { durationMs: undefined, requests: undefined });
});

Deno.test("bad shapes in a scenario are listed with their fields", () => {
  const text = problemsOf({
    name: "x",
    description: "d",
    load: {
      stages: [{ duration: "soon", rate: 1 }, { duration: "5s", rate: 1, concurrency: 2 }],
      trace: "t.jsonl",
    },
  });
  assert.match(text, /field "load.stages.0.duration"/);
  assert.match(text, /field "load.stages.1": a stage gives rate or concurrency, exactly one/);
  const mixed = problemsOf({
    name: "x",
    description: "d",
    load: { stages: [{ duration: "5s", rate: 1 }, { duration: "5s", concurrency: 2 }] },
  });
  assert.match(mixed, /stages must all give rate or all give concurrency/);
  assert.match(
    problemsOf({ name: "x", description: "d", load: { rate: "fast" } }),
    /field "load.rate": must be a number > 0 or a function/,
  );
  assert.match(
    problemsOf({ name: "x", description: "d", load: { rate: 2, rampTo: 5 } }),
    /rampTo and rampOver go together/,
  );
  assert.match(
    problemsOf({
      name: "x",
      description: "d",
      load: { rate: (t: number) => t, rampTo: 5, rampOver: "5s" },
    }),
    /rampTo needs a numeric rate/,
  );
  assert.match(
    problemsOf({ name: "x", description: "d", load: { concurrency: 2, trace: "t.jsonl" } }),
    /give one load: concurrency, rate, stages or trace/,
  );
});
