import assert from "node:assert/strict";
import {
  defineScenario,
  expandSweep,
  sweptAxes,
  validateScenario,
} from "../../lib/config/scenario.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { BUILTIN_SCENARIOS } from "../../scenarios/mod.ts";

function problemsOf(candidate: unknown): string[] {
  try {
    validateScenario(candidate, "bad.ts");
  } catch (e) {
    assert.ok(e instanceof UsageError);
    return e.problems;
  }
  assert.fail("expected a UsageError");
}

Deno.test("a well-formed scenario validates and keeps its values", () => {
  const s = defineScenario({
    name: "my-test",
    description: "two rates",
    load: { rate: 2, arrival: "constant", maxInFlight: 4 },
    request: { promptTokens: 100, maxTokens: 16, ignoreEos: true, endpoint: "completions" },
    warmup: { requests: 1 },
    stop: { duration: "10s" },
    sweep: { points: [{ rate: 1 }, { rate: 2, label: "two" }] },
  });
  assert.deepEqual(validateScenario(s, "x.ts"), s);
});

Deno.test("a bad scenario lists every problem with its field path and the file", () => {
  const problems = problemsOf({
    name: "Bad Name",
    description: "",
    load: { concurrency: 2, rate: -1 },
    request: { promptTokens: 1.5, maxTokenz: 3 },
    stop: { duration: "soon" },
    sweep: { axes: { concurrency: [] } },
  });
  const text = problems.join("\n");
  for (
    const field of [
      "name",
      "description",
      "load.rate",
      "request.promptTokens",
      "stop.duration",
      "sweep.axes.concurrency",
    ]
  ) {
    assert.match(text, new RegExp(`Cannot load scenario "bad.ts": field "${field}"`), text);
  }
  assert.match(text, /maxTokenz/, "an unknown key is named");
  assert.ok(problems.length >= 7, text);
});

Deno.test("a scenario giving both concurrency and rate is rejected", () => {
  const text = problemsOf({ name: "x", description: "d", load: { concurrency: 1, rate: 1 } })
    .join("\n");
  assert.match(text, /field "load": give concurrency \(closed loop\) or rate/);
});

Deno.test("every built-in scenario validates and has a unique name", () => {
  for (const s of BUILTIN_SCENARIOS) validateScenario(s, s.name);
  const names = BUILTIN_SCENARIOS.map((s) => s.name);
  assert.deepEqual(new Set(names).size, names.length);
  for (const want of ["smoke", "prompt-lengths", "concurrency", "workloads"]) {
    assert.ok(names.includes(want), `missing built-in ${want}`);
  }
});

Deno.test("sweep axes expand to the cartesian product, first axis slowest", () => {
  const points = expandSweep({
    name: "x",
    description: "d",
    sweep: { axes: { promptTokens: [1000, 3000], concurrency: [1, 2, 4] } },
  });
  assert.deepEqual(points, [
    { promptTokens: 1000, concurrency: 1 },
    { promptTokens: 1000, concurrency: 2 },
    { promptTokens: 1000, concurrency: 4 },
    { promptTokens: 3000, concurrency: 1 },
    { promptTokens: 3000, concurrency: 2 },
    { promptTokens: 3000, concurrency: 4 },
  ]);
  assert.deepEqual(sweptAxes(points), ["concurrency", "promptTokens"]);
  assert.deepEqual(expandSweep({ name: "x", description: "d" }), [{}]);
});

Deno.test("the built-in prompt-lengths sweep covers 1k/3k/6k/10k at concurrency 1, 2, 4, 8", () => {
  const s = BUILTIN_SCENARIOS.find((x) => x.name === "prompt-lengths")!;
  const points = expandSweep(s);
  assert.deepEqual(points.length, 16);
  assert.deepEqual([...new Set(points.map((p) => p.promptTokens))], [1000, 3000, 6000, 10000]);
  assert.deepEqual([...new Set(points.map((p) => p.concurrency))], [1, 2, 4, 8]);
});
