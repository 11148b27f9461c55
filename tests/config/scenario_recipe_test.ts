import assert from "node:assert/strict";
import {
  expandSweep,
  outputTokensText,
  sweptAxes,
  validateScenario,
} from "../../lib/config/scenario.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

function problemsOf(candidate: unknown): string[] {
  try {
    validateScenario(candidate, "bad.ts");
  } catch (e) {
    assert.ok(e instanceof UsageError);
    return e.problems;
  }
  assert.fail("expected a UsageError");
}

Deno.test("a scenario with target, full request recipe, sampling and hooks validates unchanged", () => {
  const setup = async () => {};
  const s = {
    name: "full",
    description: "everything",
    target: { url: "http://127.0.0.1:8000/v1", model: "m", endpoint: "completions" as const },
    request: {
      outputTokens: "uniform:64-256",
      ignoreEos: true,
      dataset: { path: "data.jsonl", take: 10, shuffle: true, onError: "skip" as const },
      sampling: {
        temperature: 0.7,
        topP: 0.9,
        topK: 40,
        minP: 0.1,
        presencePenalty: -1,
        frequencyPenalty: 1,
        repetitionPenalty: 1.2,
        stop: "END",
        seed: 3,
      },
    },
    setup,
    teardown: () => {},
    sweep: { axes: { outputTokens: [32, { shape: "normal" as const, mean: 100, sd: 10 }] } },
  };
  const v = validateScenario(s, "full.ts");
  assert.deepEqual(v, s);
  assert.equal(v.setup, setup, "hooks are kept as the same functions");
});

Deno.test("bad recipe, sampling, target and hook fields are all listed, each with its path", () => {
  const problems = problemsOf({
    name: "bad",
    description: "d",
    target: { url: "ftp://x", modle: "m" },
    request: {
      maxTokens: 10,
      outputTokens: "uniform:9-3",
      sharedPrefixTokens: -1,
      dataset: { path: "", take: 1, fraction: 0.5, format: "xml" },
      sampling: { temperature: -1, topP: 0, topK: 1.5, stop: [], seed: 0.5, top_p: 1 },
    },
    setup: "echo hi",
    teardown: 42,
    sweep: { axes: { temperature: [-1], sharedPrefixTokens: [1.5] } },
  });
  const text = problems.join("\n");
  for (
    const field of [
      "target.url",
      "target",
      "request.outputTokens",
      "request.sharedPrefixTokens",
      "request.dataset.path",
      "request.dataset.format",
      "request.sampling.temperature",
      "request.sampling.topP",
      "request.sampling.topK",
      "request.sampling.stop",
      "request.sampling.seed",
      "setup",
      "teardown",
      "sweep.axes.temperature.0",
      "sweep.axes.sharedPrefixTokens.0",
    ]
  ) {
    assert.match(text, new RegExp(`Cannot load scenario "bad.ts": field "${field}"`), text);
  }
  assert.match(text, /modle/, "an unknown target key is named");
  assert.match(text, /top_p/, "a snake_case sampling key is named as unknown");
  assert.match(text, /field "setup": must be a function/);
  assert.match(text, /field "request.outputTokens": must be N, "uniform:MIN-MAX"/);
});

Deno.test("contradictions are usage errors: maxTokens+outputTokens, dataset+synthetic, endpoints, swept prompt length with a dataset", () => {
  const text = problemsOf({
    name: "x",
    description: "d",
    target: { endpoint: "chat" },
    request: {
      maxTokens: 8,
      outputTokens: 16,
      promptTokens: 100,
      endpoint: "completions",
      dataset: { path: "d.jsonl" },
    },
    sweep: { axes: { promptTokens: [10, 20] } },
  }).join("\n");
  assert.match(text, /field "request": give maxTokens or outputTokens, not both/);
  assert.match(text, /field "request.promptTokens": builds synthetic prompts .* dataset/);
  assert.match(text, /field "request.endpoint": differs from target.endpoint/);
  assert.match(text, /field "sweep": sweeps promptTokens, which a dataset's prompts ignore/);
  const axes = problemsOf({
    name: "x",
    description: "d",
    sweep: { axes: { maxTokens: [1], outputTokens: [2] } },
  }).join("\n");
  assert.match(axes, /sweep maxTokens or outputTokens, not both/);
});

Deno.test("the new axes expand and are reported in SWEEP_AXES order", () => {
  const points = expandSweep({
    name: "x",
    description: "d",
    sweep: { axes: { temperature: [0, 1], sharedPrefixTokens: [0, 64], outputTokens: ["16"] } },
  });
  assert.deepEqual(points.length, 4);
  assert.deepEqual(points[1], { temperature: 0, sharedPrefixTokens: 64, outputTokens: "16" });
  assert.deepEqual(sweptAxes(points), ["outputTokens", "sharedPrefixTokens", "temperature"]);
});

Deno.test("output lengths in any scenario form become --output-tokens text", () => {
  const cases: [Parameters<typeof outputTokensText>[0], string | undefined][] = [
    [128, "128"],
    [" 0128 ", undefined],
    ["128", "128"],
    ["uniform:64-256", "uniform:64-256"],
    ["uniform:256-64", undefined],
    ["normal:200,50", "normal:200,50"],
    ["normal:-1,5", undefined],
    ["lots", undefined],
    [{ shape: "fixed", tokens: 5 }, "5"],
    [{ shape: "uniform", min: 1, max: 2 }, "uniform:1-2"],
    [{ shape: "normal", mean: 10.5, sd: 0 }, "normal:10.5,0"],
  ];
  for (const [input, want] of cases) assert.deepEqual(outputTokensText(input), want, `${input}`);
});
