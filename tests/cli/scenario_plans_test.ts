import assert from "node:assert/strict";
import { scenarioPlans } from "../../lib/cli/scenario_plans.ts";
import type { Scenario } from "../../lib/config/scenario.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const BASE: Scenario = {
  name: "levels",
  description: "two open-loop levels",
  load: { arrival: "constant" },
  request: { promptTokens: 300, maxTokens: 50, ignoreEos: true },
  warmup: { requests: 2 },
  stop: { duration: "30s" },
  sweep: {
    points: [{ label: "lo", rate: 1, maxInFlight: 1 }, { label: "hi", rate: 5, maxInFlight: 10 }],
  },
};

const plan = (s: Scenario, args: string[]) =>
  scenarioPlans(s, ["--target", "sim", ...args], { env: {}, ref: s.name });

Deno.test("a scenario with points becomes one plan per point with the scenario's values", () => {
  const run = plan(BASE, []);
  assert.deepEqual(run.axes, ["rate", "maxInFlight"]);
  assert.deepEqual(run.points.map((p) => p.label), ["lo", "hi"]);
  const hi = run.points[1].plan;
  assert.deepEqual(hi.load, {
    mode: "open",
    rate: 5,
    arrival: "constant",
    burstiness: 1,
    maxInFlight: 10,
    queue: false,
  });
  assert.deepEqual(hi.request.promptTokens, 300);
  assert.deepEqual(hi.request.maxTokens, 50);
  assert.deepEqual(hi.request.ignoreEos, true);
  assert.deepEqual(hi.stop, { durationMs: 30_000, requests: undefined });
  assert.deepEqual(hi.warmup.requests, 2);
  assert.deepEqual(hi.commandLine, ["llmload", "run", "levels", "--target", "sim"]);
});

Deno.test("command-line flags override the scenario: --requests replaces its duration", () => {
  const run = plan(BASE, ["--requests", "3", "--max-tokens", "8", "--prompt-tokens", "64"]);
  for (const p of run.points) {
    assert.deepEqual(p.plan.stop, { durationMs: undefined, requests: 3 });
    assert.deepEqual(p.plan.request.maxTokens, 8);
    assert.deepEqual(p.plan.request.promptTokens, 64);
  }
});

Deno.test("a flag for a swept axis narrows the sweep; a value no point has is a usage error", () => {
  const run = plan(BASE, ["--rate", "5"]);
  assert.deepEqual(run.points.map((p) => p.label), ["hi"]);
  assert.deepEqual(
    run.points[0].plan.load.mode === "open" && run.points[0].plan.load.maxInFlight,
    10,
  );
  assert.throws(() => plan(BASE, ["--rate", "7"]), (e) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /--rate 7: scenario "levels" sweeps rate over 1, 5/);
    return true;
  });
});

Deno.test("a scenario without a sweep is one plan; --concurrency replaces its open-loop load", () => {
  const single: Scenario = {
    name: "one",
    description: "d",
    load: { rate: 3, maxInFlight: 2 },
    stop: { requests: 5 },
  };
  const run = plan(single, ["--concurrency", "4"]);
  assert.deepEqual(run.points.length, 1);
  assert.deepEqual(run.points[0].plan.load, { mode: "closed", concurrency: 4, rampMs: undefined });
  assert.deepEqual(run.points[0].plan.stop.requests, 5);
});

Deno.test("--dataset replaces the scenario's synthetic prompt length instead of clashing with it", () => {
  const dataset = new URL("../../fixtures/datasets/lora_prompts.jsonl", import.meta.url).pathname;
  const run = plan(BASE, ["--dataset", dataset]);
  for (const p of run.points) {
    assert.equal(p.plan.dataset?.path, dataset);
    assert.equal(p.plan.request.maxTokens, 50, "the rest of the recipe stays");
  }
});

Deno.test("a scenario's request.sessions becomes the plan's sessions, as the --sessions flags would", () => {
  const s: Scenario = {
    name: "chat",
    description: "sessions",
    target: { endpoint: "chat" },
    load: { concurrency: 2 },
    request: {
      maxTokens: 48,
      sessions: { turns: 4, turnTokens: 512, thinkTime: "uniform:50ms-100ms", history: "server" },
    },
    stop: { requests: 8 },
  };
  const viaScenario = plan(s, []).points[0].plan.sessions;
  const viaFlags = scenarioPlans(
    { name: "chat", description: "sessions", load: { concurrency: 2 } },
    [
      "--target",
      "sim",
      "--sessions",
      "--turns",
      "4",
      "--turn-tokens",
      "512",
      "--think-time",
      "uniform:50ms-100ms",
    ],
    { env: {}, ref: "chat" },
  ).points[0].plan.sessions;
  assert.ok(viaScenario);
  assert.deepEqual(viaScenario, viaFlags);
  assert.deepEqual(viaScenario.thinkTime, { shape: "uniform", minMs: 50, maxMs: 100 });
  // A number of ms is a fixed think time; without `sessions` there are none.
  const fixed = plan({ ...s, request: { sessions: { thinkTime: 250 } } }, []);
  assert.deepEqual(fixed.points[0].plan.sessions?.thinkTime, { shape: "fixed", ms: 250 });
  assert.equal(plan(BASE, []).points[0].plan.sessions, undefined);
});
