import assert from "node:assert/strict";
import { configPlan } from "../../lib/cli/config_plans.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const FIXTURE = new URL("../../fixtures/configs", import.meta.url).pathname;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

const plan = (args: string[], env: Record<string, string> = {}) =>
  configPlan(["--config", FIXTURE, ...args], { env });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e.problems;
  }
  assert.fail("expected a UsageError");
}

Deno.test("target, model and workload from the config become the run plan", () => {
  const run = plan(
    ["--target", "vllm-local", "--model", "llama-3.1-8b", "--workload", "medium-load"],
    { OPENAI_API_KEY: "shell-key" },
  );
  const p = run.plan;
  assert.deepEqual(p.target, {
    url: "http://localhost:8000/v1",
    sim: false,
    model: "meta-llama/Meta-Llama-3.1-8B-Instruct",
    // api_key "EMPTY": no key, and the shell's OPENAI_API_KEY is not sent to a config target.
    apiKey: undefined,
  });
  assert.deepEqual(p.load, {
    mode: "open",
    rate: 5,
    arrival: "poisson",
    burstiness: 1,
    maxInFlight: 10,
    queue: false,
  });
  assert.deepEqual(p.stop, { durationMs: 300_000, requests: undefined });
  assert.deepEqual(p.warmup.durationMs, 30_000);
  assert.deepEqual([p.request.promptTokens, p.request.maxTokens], [1000, 256]);
  assert.deepEqual([run.target, run.workload], ["vllm-local", "medium-load"]);
});

Deno.test("the API key comes from the env var named by api_key_env; --api-key wins and is redacted", () => {
  const fromEnv = plan(["--target", "vllm-gpu-box", "--workload", "low-load"], {
    GPU_BOX_API_KEY: "secret-1",
  });
  assert.deepEqual(fromEnv.plan.target.url, "http://10.0.0.12:8000/v1");
  assert.deepEqual(fromEnv.plan.target.apiKey, "secret-1");
  const flag = plan(["--target", "vllm-gpu-box", "--workload", "low-load", "--api-key=cli-key"]);
  assert.deepEqual(flag.plan.target.apiKey, "cli-key");
  assert.ok(!flag.plan.commandLine.join(" ").includes("cli-key"));
  assert.deepEqual(problemsOf(() => plan(["--target", "vllm-gpu-box", "--workload", "low-load"])), [
    `${FIXTURE}/targets.yaml: targets[1].api_key_env: environment variable GPU_BOX_API_KEY is ` +
    "not set (export GPU_BOX_API_KEY=... or pass --api-key)",
  ]);
});

Deno.test("command-line flags override the workload a group at a time", () => {
  const base = ["--target", "vllm-local", "--workload", "medium-load"];
  const short = plan([...base, "--requests", "3", "--max-tokens", "8"]).plan;
  assert.deepEqual(short.stop, { durationMs: undefined, requests: 3 });
  assert.deepEqual(short.request.maxTokens, 8);
  assert.deepEqual(short.request.promptTokens, 1000);
  const closed = plan([...base, "--concurrency", "4"]).plan;
  assert.deepEqual(closed.load, { mode: "closed", concurrency: 4, rampMs: undefined });
  const capped = plan([...base, "--max-in-flight", "3", "--url", "http://127.0.0.1:9/v1"]).plan;
  assert.deepEqual(capped.load.mode === "open" && capped.load.maxInFlight, 3);
  assert.deepEqual(capped.target.url, "http://127.0.0.1:9/v1");
});

Deno.test("--target sim keeps the simulator; a model not in models.yaml is sent as given", () => {
  const run = plan(["--target", "sim", "--workload", "smoke-ish", "--model", "my-lora"]);
  assert.deepEqual(run.plan.target.sim, true);
  assert.deepEqual(run.plan.target.model, "my-lora");
  assert.deepEqual(run.plan.load, { mode: "closed", concurrency: 2, rampMs: undefined });
  assert.deepEqual(run.plan.stop.durationMs, 5_000);
  assert.deepEqual(run.plan.commandLine.slice(2, 4), ["--config", FIXTURE]);
});

Deno.test("unknown names and open choices are listed at once with the valid names", () => {
  const problems = problemsOf(() => plan(["--target", "nope", "--workload", "heavy"]));
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^--target nope: .*valid names: vllm-local, vllm-gpu-box \(or "sim"/);
  assert.match(problems[1], /^--workload heavy: .*low-load, medium-load, high-load, stress-test/);
  const open = problemsOf(() => plan([]));
  assert.match(open[0], /^--target is required: .*vllm-local, vllm-gpu-box/);
  assert.match(open[1], /^--workload is required: .*smoke-ish/);
  // Run-flag validation is shared with `llmload run`.
  assert.match(
    problemsOf(() => plan(["--target", "sim", "--workload", "smoke-ish", "--seed", "x"]))[0],
    /--seed must be a whole number/,
  );
});

Deno.test("llmload run --config against the simulator exits 0; a bad config exits 2 and writes nothing", async () => {
  const out = await Deno.makeTempDir({ prefix: "llmload_cfg_run_" });
  try {
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, "run", ...args],
        env: { NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    const dec = new TextDecoder();
    const ok = await run([
      "--config",
      FIXTURE,
      "--target",
      "sim",
      "--workload",
      "smoke-ish",
      "--requests",
      "3",
      "--quiet",
      "--out",
      out,
    ]);
    assert.equal(ok.code, 0, dec.decode(ok.stderr));
    assert.match(dec.decode(ok.stdout), /Requests +3 total, 3 ok/);
    const bad = await run(["--config", FIXTURE, "--target", "x", "--workload", "y", "--out", out]);
    assert.equal(bad.code, 2);
    const stderr = dec.decode(bad.stderr);
    assert.match(stderr, /error: --target x:/);
    assert.match(stderr, /error: --workload y:/);
    // One run directory (beside the results root's history.jsonl and history.html).
    assert.equal([...Deno.readDirSync(out)].filter((e) => e.isDirectory).length, 1);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
