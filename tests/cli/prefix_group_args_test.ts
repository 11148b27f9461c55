import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { PREFIX_GROUP_DEFAULTS } from "../../lib/cli/prefix_group_args.ts";
import { scenarioPlans } from "../../lib/cli/scenario_plans.ts";
import type { Scenario } from "../../lib/config/scenario.ts";
import { validateScenario } from "../../lib/config/scenario.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { renderServerMetricsLine } from "../../lib/report/terminal/server_metrics_line.ts";
import type { ServerMetricsSummary } from "../../lib/metrics/server_metrics_summary.ts";

function problemsOf(args: string[]): string[] {
  try {
    parseRunArgs(args, {});
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  throw new Error(`expected a usage error for ${args.join(" ")}`);
}

Deno.test("--prefix-groups and its flags become request.prefixGroups; prompt tokens = prefix + question", () => {
  const { plan } = parseRunArgs([
    ...["--prefix-groups", "8", "--prompts-per-group", "5", "--prefix-tokens", "300"],
    ...["--question-tokens", "20", "--group-policy", "zipf", "--zipf-exponent", "1.5"],
  ], {});
  assert.deepEqual(plan.request.prefixGroups, {
    groups: 8,
    promptsPerGroup: 5,
    prefixTokens: 300,
    questionTokens: 20,
    policy: "zipf",
    zipfExponent: 1.5,
  });
  assert.equal(plan.request.promptTokens, 320);
  const d = parseRunArgs(["--prefix-groups", "2"], {}).plan;
  assert.equal(d.request.prefixGroups?.policy, "round-robin");
  assert.equal(d.request.prefixGroups?.zipfExponent, 1);
  assert.equal(
    d.request.promptTokens,
    PREFIX_GROUP_DEFAULTS.prefixTokens + PREFIX_GROUP_DEFAULTS.questionTokens,
  );
  assert.equal("prefixGroups" in parseRunArgs([], {}).plan.request, false, "absent unless given");
});

Deno.test("group flags are checked: alone, bad values, and flags the groups replace", () => {
  assert.ok(
    problemsOf(["--prefix-tokens", "10"])[0].includes("--prefix-tokens needs --prefix-groups"),
  );
  assert.ok(problemsOf(["--prefix-groups", "0"])[0].includes("--prefix-groups must be"));
  assert.ok(problemsOf(["--prefix-groups", "999"])[0].includes("from 1 to 128"));
  assert.ok(problemsOf(["--prefix-groups", "2", "--group-policy", "zipfy"])[0].includes("zipf"));
  assert.ok(
    problemsOf(["--prefix-groups", "2", "--zipf-exponent", "2"])[0].includes("--group-policy zipf"),
  );
  for (const flag of [["--prompt-tokens", "100"], ["--shared-prefix-tokens", "10"]]) {
    const p = problemsOf(["--prefix-groups", "2", ...flag]);
    assert.ok(
      p.some((x) => x.includes(`${flag[0]} cannot be combined with --prefix-groups`)),
      p.join(),
    );
  }
});

Deno.test("scenarios: request.prefixGroups and the prefixGroups axis; load.traceBlockSize", () => {
  const s: Scenario = {
    name: "groups",
    description: "d",
    request: { prefixGroups: { prefixTokens: 64, questionTokens: 16, policy: "uniform" } },
    stop: { requests: 2 },
    sweep: { axes: { prefixGroups: [1, 4] } },
  };
  validateScenario(s, "groups");
  const run = scenarioPlans(s, ["--target", "sim"], { env: {}, ref: s.name });
  assert.deepEqual(run.axes, ["prefixGroups"]);
  assert.deepEqual(run.points.map((p) => p.plan.request.prefixGroups?.groups), [1, 4]);
  assert.equal(run.points[1].plan.request.prefixGroups?.policy, "uniform");
  assert.equal(run.points[1].plan.request.promptTokens, 80);
  // A narrowing flag keeps the rest of the scenario's groups recipe.
  const one = scenarioPlans(s, ["--target", "sim", "--prefix-groups", "4"], {
    env: {},
    ref: s.name,
  });
  assert.deepEqual(one.points.map((p) => p.plan.request.prefixGroups?.prefixTokens), [64]);

  const trace = new URL("../../fixtures", import.meta.url).pathname;
  const t: Scenario = {
    name: "blocks",
    description: "d",
    load: { trace: `${trace}/traces/mooncake_sample.jsonl`, traceBlockSize: 16 },
  };
  validateScenario(t, "blocks");
  const traced = scenarioPlans(t, ["--target", "sim"], { env: {}, ref: t.name }).points[0].plan;
  const shape = traced.load.mode === "open" ? traced.load.shape : undefined;
  assert.equal(shape?.kind === "trace" ? shape.blockSize : undefined, 16);
  assert.throws(
    () => validateScenario({ name: "x", description: "d", load: { traceBlockSize: 16 } }, "x"),
    /traceBlockSize need trace/,
  );
});

Deno.test("the terminal's /metrics line puts the plan's ideal next to the measured hit rate", () => {
  const s = {
    samples: 3,
    peak_waiting: null,
    peak_running: null,
    peak_kv_cache_usage: null,
    mean_kv_cache_usage: null,
    preemptions: null,
    prompt_tokens_per_s: null,
    generation_tokens_per_s: null,
    prefix_cache_hit_rate: 0.73,
  } as unknown as ServerMetricsSummary;
  assert.ok(
    renderServerMetricsLine(s, { idealPrefixHitRate: 0.75 }).endsWith(
      "prefix cache hits 73% (ideal for this plan 75%)",
    ),
  );
  assert.ok(renderServerMetricsLine(s).endsWith("prefix cache hits 73%"));
});
