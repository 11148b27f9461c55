import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { scenarioPlans } from "../../lib/cli/scenario_plans.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { validateScenario } from "../../lib/config/scenario.ts";
import { BUILTIN_SCENARIOS } from "../../scenarios/mod.ts";

const parse = (args: string[]) => parseRunArgs(["--target", "sim", ...args], {}).plan;

function problemsOf(args: string[]): string[] {
  try {
    parse(args);
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  assert.fail(`expected a UsageError for ${args.join(" ")}`);
}

Deno.test("a run without LoRA flags has no lora section", () => {
  assert.equal(parse(["--requests", "1"]).lora, undefined);
});

Deno.test("LoRA flags become plan.lora (multi by default)", () => {
  const plan = parse([
    ...["--adapters", "a,b,c", "--adapter-selection", "zipf:1.1", "--concurrency", "2"],
    ...["--load-adapters", "--unload-after", "--adapter-count", "2"],
  ]);
  assert.deepEqual(plan.lora, {
    mode: "multi",
    adapters: ["a", "b", "c"],
    adaptersDir: undefined,
    fromServer: false,
    selection: "zipf:1.1",
    baselineAdapter: undefined,
    withBase: false,
    loadAdapters: true,
    unloadAfter: true,
    adapterCount: 2,
  });
  const compare = parse([
    ...["--adapters", "a,b", "--lora-mode", "compare", "--baseline-adapter", "mt"],
    "--with-base",
  ]);
  assert.equal(compare.lora?.mode, "compare");
  assert.equal(compare.lora?.baselineAdapter, "mt");
  assert.equal(compare.lora?.withBase, true);
});

Deno.test("every LoRA flag problem is listed at once", () => {
  const problems = problemsOf([
    ...["--lora-mode", "compare", "--with-base", "--unload-after"],
    ...["--adapters", "a,a", "--adapter-selection", "weighted:x=1"],
    ...["--adapters-dir", "/no/such/dir", "--adapter-count", "0"],
  ]);
  const want = [
    /--lora-mode compare needs --baseline-adapter/,
    /--unload-after .* add --load-adapters/,
    /--adapters: adapter "a" is listed twice/,
    /--adapters-dir must be a directory .*no directory "\/no\/such\/dir"/,
    /--adapter-count must be a whole number > 0/,
  ];
  for (const re of want) assert.ok(problems.some((p) => re.test(p)), `${re} in ${problems}`);
  assert.equal(problems.length, want.length, problems.join("\n"));
});

Deno.test("a selection the set cannot serve is a usage error naming the fix", () => {
  const distinct = problemsOf([
    ...["--adapters", "a,b", "--adapter-selection", "distinct", "--concurrency", "4"],
  ]);
  assert.match(distinct.join("\n"), /only 2; add adapters or lower the concurrency to 2/);
  const weighted = problemsOf(["--adapters", "a,b", "--adapter-selection", "weighted:c=1"]);
  assert.match(weighted.join("\n"), /"c" is not in the adapter set \(known: a, b\)/);
  const mode = problemsOf(["--lora-mode", "sideways"]);
  assert.match(mode.join("\n"), /--lora-mode must be one of multi, baseline, base, compare/);
  const dataset = problemsOf(["--adapter-selection", "dataset"]);
  assert.match(dataset.join("\n"), /give --dataset/);
  const count = problemsOf(["--adapters", "a,b", "--adapter-count", "3"]);
  assert.match(count.join("\n"), /--adapter-count 3: --adapters lists only 2 adapters/);
  // A directory or the server may add adapters: names are then checked at run time.
  const dir = new URL("../../fixtures/adapters/set/", import.meta.url).pathname;
  assert.equal(
    parse(["--adapters", "a", "--adapters-dir", dir, "--adapter-selection", "weighted:sql-lora=1"])
      .lora?.selection,
    "weighted:sql-lora=1",
  );
  const withBase = problemsOf(["--adapters", "a", "--with-base"]);
  assert.match(withBase.join("\n"), /--with-base adds a base-model run to --lora-mode compare/);
});

Deno.test("the built-in multi-lora scenario is valid and plans a compare run", () => {
  const s = BUILTIN_SCENARIOS.find((x) => x.name === "multi-lora");
  assert.ok(s, "multi-lora is registered");
  validateScenario(s, "multi-lora");
  const run = scenarioPlans(s!, ["--target", "sim"], { env: {}, ref: "multi-lora" });
  const lora = run.points[0].plan.lora!;
  assert.equal(lora.mode, "compare");
  assert.equal(lora.adapters?.length, 8);
  assert.equal(lora.baselineAdapter, "multi-task-lora");
  // A command-line adapter source replaces the scenario's set; other LoRA flags override one by one.
  const mine = scenarioPlans(s!, ["--target", "sim", "--adapters", "x,y", "--lora-mode", "multi"], {
    env: {},
    ref: "multi-lora",
  }).points[0].plan.lora!;
  assert.deepEqual(mine.adapters, ["x", "y"]);
  assert.equal(mine.mode, "multi");
});

Deno.test("the shuffle strategy shuffles a dataset's lines too; other strategies keep file order", () => {
  const file = new URL("../../fixtures/datasets/lora_prompts.jsonl", import.meta.url).pathname;
  const withSet = ["--dataset", file, "--adapters", "a,b"];
  assert.equal(parse([...withSet, "--adapter-selection", "shuffle"]).dataset?.shuffle, true);
  assert.equal(parse([...withSet, "--adapter-selection", "round-robin"]).dataset?.shuffle, false);
});
