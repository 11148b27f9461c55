import assert from "node:assert/strict";
import { join } from "node:path";
import { allWorkloadsRun } from "../../lib/cli/config_all_workloads.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { finish, llmload, spawnLlmload } from "../helpers/llmload_cli.ts";
import { waitFor } from "../helpers/process_alive.ts";

const FIXTURE = new URL("../../fixtures/configs", import.meta.url).pathname;

/** Two tiny load levels: closed loop, then open loop; a few short requests each. */
const LEVELS = `workloads:
  - name: light
    requests: 2
    concurrency: 1
    prompt_tokens: 16
    max_tokens: 4
  - name: heavy
    requests: 3
    rps: 20
    concurrency: 3
    prompt_tokens: 32
    max_tokens: 4
`;

async function withConfig(yaml: string, fn: (dir: string, out: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "llmload-levels-" });
  try {
    await Deno.writeTextFile(join(dir, "workloads.yaml"), yaml);
    await fn(dir, join(dir, "results"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e.problems;
  }
  assert.fail("expected a UsageError");
}

Deno.test("--workload all plans every workload in file order, each as --workload NAME would", () => {
  const run = allWorkloadsRun(
    ["--config", FIXTURE, "--target", "sim", "--workload", "all", "--requests", "2"],
    { env: {} },
  )!;
  assert.deepEqual(run.points.map((p) => [p.index, p.label]), [
    [1, "low-load"],
    [2, "medium-load"],
    [3, "high-load"],
    [4, "stress-test"],
    [5, "smoke-ish"],
  ]);
  const [low, medium, , , smoke] = run.points.map((p) => p.plan);
  assert.deepEqual(low.load.mode === "open" && [low.load.rate, low.load.maxInFlight], [1, 1]);
  assert.deepEqual([medium.request.promptTokens, medium.warmup.durationMs], [1000, 30_000]);
  assert.deepEqual(smoke.load, { mode: "closed", concurrency: 2, rampMs: undefined });
  // The user's flags apply to every level.
  assert.ok(run.points.every((p) => p.plan.stop.requests === 2 && p.plan.target.sim));
  assert.deepEqual(run.axes, ["concurrency", "rate", "maxInFlight", "promptTokens", "maxTokens"]);
  assert.equal(run.scenario.name, "all-workloads");
  // `--workload=all` is the same; any other name is one run, as before.
  const inline = ["--config", FIXTURE, "--target", "sim", "--workload=all"];
  assert.equal(allWorkloadsRun(inline, { env: {} })!.points.length, 5);
  const one = ["--config", FIXTURE, "--target", "sim", "--workload", "smoke-ish"];
  assert.equal(allWorkloadsRun(one, { env: {} }), undefined);
});

Deno.test("--workload all: a workload named all, or a bad flag, is one clear usage error", async () => {
  await withConfig(
    "workloads:\n  - name: light\n    requests: 1\n  - name: all\n    requests: 2\n",
    async (dir, out) => {
      const problems = problemsOf(() =>
        allWorkloadsRun(["--config", dir, "--target", "sim", "--workload", "all"], { env: {} })
      );
      assert.deepEqual(problems, [
        `${dir}/workloads.yaml: workloads[1].name: "all" is reserved: --workload all runs ` +
        "every workload; rename this workload",
      ]);
      const r = await llmload([
        "run",
        "--config",
        dir,
        "--target",
        "sim",
        "--workload",
        "all",
        "--out",
        out,
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /workloads\[1\]\.name: "all" is reserved/);
      assert.equal(await Deno.stat(out).then(() => true, () => false), false, "nothing written");
    },
  );
  // Every workload fails the same flag: it is reported once.
  const seed = problemsOf(() =>
    allWorkloadsRun(
      ["--config", FIXTURE, "--target", "sim", "--workload", "all", "--seed", "x"],
      { env: {} },
    )
  );
  assert.equal(seed.filter((p) => /--seed must be a whole number/.test(p)).length, 1, `${seed}`);
});

Deno.test("llmload run --config --workload all runs each level against the simulator, one sweep", async () => {
  await withConfig(LEVELS, async (dir, out) => {
    const r = await llmload([
      "run",
      "--config",
      dir,
      "--target",
      "sim",
      "--workload",
      "all",
      "--gpu-sampler",
      "off",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /sweep point 1\/2 \(light\)[^]*sweep point 2\/2 \(heavy\)/);
    assert.match(r.stdout, /llmload all-workloads · .* · 2\/2 points/);
    assert.match(r.stdout, /\blight\b[^\n]*\n[^]*\bheavy\b/);
    const sweepDir = /results: (.+)\n/.exec(r.stdout)![1];
    assert.match(sweepDir, /-all-workloads$/);
    const sweep = JSON.parse(await Deno.readTextFile(join(sweepDir, "sweep.json")));
    assert.equal(sweep.interrupted, false);
    assert.deepEqual(sweep.points.map((p: { label: string }) => p.label), ["light", "heavy"]);
    // Each level is its own run, with its own load and every request it asked for.
    const [light, heavy] = sweep.points;
    assert.equal(light.values.concurrency, 1);
    assert.equal(heavy.values.rate, 20);
    assert.deepEqual([light.summary.requests.ok, heavy.summary.requests.ok], [2, 3]);
    for (const p of sweep.points) {
      const meta = JSON.parse(await Deno.readTextFile(join(sweepDir, p.run_id, "meta.json")));
      assert.ok(meta, `run directory of ${p.label}`);
    }
  });
});

Deno.test("Ctrl-C during --workload all stops the sequence: the later levels never start, exit 130", async () => {
  // Long enough levels that the signal lands in the first one.
  const yaml = "workloads:\n" +
    ["first", "second", "third"].map((n) =>
      `  - name: ${n}\n    duration: 60\n    concurrency: 1\n    max_tokens: 8\n`
    ).join("");
  await withConfig(yaml, async (dir, out) => {
    const child = spawnLlmload([
      "run",
      "--config",
      dir,
      "--target",
      "sim",
      "--workload",
      "all",
      "--grace",
      "0",
      "--gpu-sampler",
      "off",
      "--out",
      out,
    ]);
    // The first level has begun once its run directory holds finished requests.
    const started = await waitFor(() => {
      try {
        const [sweep] = [...Deno.readDirSync(out)].filter((e) => e.isDirectory);
        const [run] = [...Deno.readDirSync(join(out, sweep.name))].filter((e) => e.isDirectory);
        return Deno.readTextFileSync(join(out, sweep.name, run.name, "requests.jsonl")).length > 0;
      } catch {
        return false;
      }
    }, 60_000);
    child.kill("SIGINT");
    const r = await finish(child);
    assert.ok(started, r.stderr);
    assert.equal(r.code, 130, r.stderr);
    assert.doesNotMatch(r.stderr, /sweep point 2\/3/);
    const sweepDir = /results: (.+)\n/.exec(r.stdout)![1];
    const sweep = JSON.parse(await Deno.readTextFile(join(sweepDir, "sweep.json")));
    assert.equal(sweep.interrupted, true);
    assert.deepEqual(sweep.points.map((p: { label: string }) => p.label), ["first"]);
  });
});
