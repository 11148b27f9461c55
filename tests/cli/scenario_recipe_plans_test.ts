import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScenario } from "../../lib/cli/load_scenario.ts";
import { scenarioPlans } from "../../lib/cli/scenario_plans.ts";
import type { Scenario } from "../../lib/config/scenario.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const DATASET = new URL("../../fixtures/datasets/lora_prompts.jsonl", import.meta.url).pathname;

const plans = (s: Scenario, args: string[], env: Record<string, string> = {}) =>
  scenarioPlans(s, args, { env, ref: s.name });

Deno.test("the recipe's output shape, prefix, text source and sampling become the plan's", () => {
  const s: Scenario = {
    name: "recipe",
    description: "d",
    request: {
      promptTokens: 200,
      outputTokens: { shape: "uniform", min: 16, max: 64 },
      sharedPrefixTokens: 100,
      textSource: "korean",
      sampling: { temperature: 0, topP: 0.5, presencePenalty: -1, stop: "END", seed: 9 },
    },
    stop: { requests: 2 },
  };
  const { plan } = plans(s, ["--target", "sim"]).points[0];
  assert.deepEqual(plan.request.outputTokens, { shape: "uniform", min: 16, max: 64 });
  assert.deepEqual(plan.request.sharedPrefixTokens, 100);
  assert.deepEqual(plan.request.textSource, "korean");
  assert.deepEqual(plan.request.sampling, {
    temperature: 0,
    topP: 0.5,
    presencePenalty: -1,
    stop: ["END"],
    seed: 9,
  });
  // A flag wins over the scenario, one sampling parameter at a time.
  const over = plans(s, ["--target", "sim", "--temperature", "1", "--stop-sequence", "X"]);
  assert.deepEqual(over.points[0].plan.request.sampling?.temperature, 1);
  assert.deepEqual(over.points[0].plan.request.sampling?.topP, 0.5);
  assert.deepEqual(over.points[0].plan.request.sampling?.stop, ["X"]);
  // --max-tokens replaces the output shape as a group.
  const max = plans(s, ["--target", "sim", "--max-tokens", "8"]).points[0].plan;
  assert.deepEqual([max.request.outputTokens, max.request.maxTokens], [undefined, 8]);
});

Deno.test("a scenario's dataset becomes --dataset flags; --prompt-tokens on the command line replaces it", () => {
  const s: Scenario = {
    name: "ds",
    description: "d",
    request: {
      maxTokens: 8,
      dataset: { path: DATASET, take: 2, shuffle: true, onError: "skip", format: "jsonl" },
    },
    stop: { requests: 2 },
  };
  const { plan } = plans(s, ["--target", "sim"]).points[0];
  assert.deepEqual(plan.dataset, {
    path: DATASET,
    format: "jsonl",
    take: 2,
    fraction: undefined,
    shuffle: true,
    onError: "skip",
    promptColumn: undefined,
  });
  const synthetic = plans(s, ["--target", "sim", "--prompt-tokens", "64"]).points[0].plan;
  assert.deepEqual(synthetic.dataset, undefined);
  assert.deepEqual(synthetic.request.promptTokens, 64);
});

Deno.test("target defaults apply when the command line gives none; --target sim drops url and model", () => {
  const s: Scenario = {
    name: "t",
    description: "d",
    target: { url: "http://127.0.0.1:9999/v1", model: "big", endpoint: "completions" },
    stop: { requests: 1 },
  };
  const env = { OPENAI_BASE_URL: "http://127.0.0.1:1/v1" };
  const scen = plans(s, [], env).points[0].plan;
  assert.deepEqual(
    [scen.target.url, scen.target.model, scen.endpoint],
    ["http://127.0.0.1:9999/v1", "big", "completions"],
  );
  const url = plans(s, ["--url", "http://127.0.0.1:7/v1"]).points[0].plan;
  assert.deepEqual([url.target.url, url.target.model], ["http://127.0.0.1:7/v1", "big"]);
  const sim = plans(s, ["--target", "sim"]).points[0].plan;
  assert.deepEqual([sim.target.sim, sim.target.url, sim.target.model], [true, "", undefined]);
  assert.deepEqual(sim.endpoint, "completions");
});

Deno.test("new sweep axes reach each point's plan, and a flag narrows them", () => {
  const s: Scenario = {
    name: "axes",
    description: "d",
    request: { promptTokens: 128, maxTokens: 50, sampling: { temperature: 0.2 } },
    stop: { requests: 1 },
    sweep: {
      axes: {
        outputTokens: [16, "uniform:8-32"],
        sharedPrefixTokens: [0, 64],
        temperature: [0, 1],
      },
    },
  };
  const run = plans(s, ["--target", "sim"]);
  assert.deepEqual(run.axes, ["outputTokens", "sharedPrefixTokens", "temperature"]);
  assert.deepEqual(run.points.length, 8);
  const last = run.points[7].plan;
  assert.deepEqual(last.request.outputTokens, { shape: "uniform", min: 8, max: 32 });
  assert.deepEqual(last.request.sharedPrefixTokens, 64);
  assert.deepEqual(last.request.sampling?.temperature, 1);
  const narrowed = plans(s, ["--target", "sim", "--output-tokens", "uniform:8-32"]);
  assert.deepEqual(narrowed.points.length, 4);
  for (const p of narrowed.points) {
    assert.deepEqual(p.plan.request.outputTokens, { shape: "uniform", min: 8, max: 32 });
  }
  assert.deepEqual(plans(s, ["--target", "sim", "--temperature", "0"]).points.length, 4);
  assert.throws(() => plans(s, ["--target", "sim", "--output-tokens", "99"]), (e) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /sweeps outputTokens over 16, uniform:8-32/);
    return true;
  });
});

Deno.test("hooks are carried beside the plans; a scenario without hooks carries none", () => {
  const setup = () => {};
  const withHooks = plans({ name: "h", description: "d", setup, stop: { requests: 1 } }, []);
  assert.equal(withHooks.hooks?.setup, setup);
  assert.equal(withHooks.hooks?.teardown, undefined);
  assert.equal(plans({ name: "n", description: "d" }, []).hooks, undefined);
});

Deno.test("a scenario file's relative dataset and text-source paths resolve against its directory", async () => {
  // Real path: the loader resolves symlinks (a temp dir may sit under one, as on macOS).
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(join(dir, "data"));
    await Deno.copyFile(DATASET, join(dir, "data", "p.jsonl"));
    await Deno.writeTextFile(
      join(dir, "s.ts"),
      `export default { name: "rel", description: "d",
  request: { dataset: { path: "data/p.jsonl" } } };\n`,
    );
    await Deno.writeTextFile(
      join(dir, "t.ts"),
      `export default { name: "txt", description: "d", request: { textSource: "./words.txt" } };\n`,
    );
    const s = await loadScenario("./s.ts", { cwd: dir });
    assert.deepEqual(s.request?.dataset?.path, join(dir, "data", "p.jsonl"));
    const t = await loadScenario(join(dir, "t.ts"), { cwd: "/" });
    assert.deepEqual(t.request?.textSource, join(dir, "words.txt"));
    const builtin = await loadScenario("smoke");
    assert.deepEqual(builtin.request?.textSource, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
