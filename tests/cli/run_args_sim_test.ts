import assert from "node:assert/strict";
import { RUN_HELP } from "../../lib/cli/help.ts";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { parseSimArgs, SIM_OPTIONS, SIM_RUN_OPTIONS } from "../../lib/cli/sim_args.ts";
import { validateRunPlan } from "../../lib/config/run_plan.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const sim = (...args: string[]) =>
  parseRunArgs(["--target", "sim", "--requests", "1", ...args], {}).plan;

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  assert.fail("expected a usage error");
}

/** Engine, model and fault flags of `llmload sim`, with values it accepts (ttft/itl: below). */
const SETTINGS: [string, string][] = [
  ["profile", "llama-8b-h100"],
  ["model", "my-model"],
  ["max-model-len", "16384"],
  ["max-num-seqs", "256"],
  ["max-num-batched-tokens", "512"],
  ["chunked-prefill", "off"],
  ["prefix-caching", "off"],
  ["block-size", "32"],
  ["num-gpu-blocks", "4096"],
  ["max-loras", "2"],
  ["max-cpu-loras", "3"],
  ["lora-load-time", "30ms"],
  ["lora-adapters", "a, b=/models/b"],
  ["fault-500", "0.02"],
  ["fault-503", "0.01"],
  ["fault-429", "0.01"],
  ["fault-reset", "0.001"],
  ["fault-stall", "0.01:2s"],
  ["fault-malformed-sse", "0.01"],
  ["fault-invalid-json", "0.01"],
  ["fault-missing-done", "0.01"],
  ["fault-slow-headers", "0.01:1s"],
  ["retry-after", "2"],
  ["usage", "off"],
  ["chunk-tokens", "8"],
  ["reasoning-tokens", "64"],
];

Deno.test("--sim-* flags become plan.target.simOptions exactly as llmload sim reads the same flags", () => {
  const plan = sim(...SETTINGS.flatMap(([name, v]) => [`--sim-${name}`, v]));
  const { options } = parseSimArgs(SETTINGS.flatMap(([name, v]) => [`--${name}`, v]));
  const { port: _port, hostname: _host, ...inProcess } = options;
  assert.deepEqual(plan.target.simOptions, inProcess);
  assert.deepEqual(plan.target.simOptions?.engine, {
    maxNumSeqs: 256,
    maxNumBatchedTokens: 512,
    chunkedPrefill: false,
    enablePrefixCaching: false,
    blockSize: 32,
    numGpuBlocks: 4096,
    maxLoras: 2,
    maxCpuLoras: 3,
    loraLoadMs: 30,
  });
  assert.deepEqual(plan.target.simOptions?.loraAdapters, ["a", "b=/models/b"]);
  assert.deepEqual(plan.target.simOptions?.faults?.stall, { rate: 0.01, ms: 2000 });
});

Deno.test("--sim-ttft and --sim-itl set the fixed profile's timing in ms", () => {
  const plan = sim("--sim-ttft", "250ms", "--sim-itl", "3ms");
  assert.deepEqual(plan.target.simOptions, { ttftMs: 250, itlMs: 3 });
});

Deno.test("every engine, model and fault flag of llmload sim has a --sim- twin, documented in run --help", () => {
  const inProcess = Object.keys(SIM_OPTIONS).filter((n) =>
    // The run's own --seed and --tokenizer serve the simulator too; a crash would end llmload.
    !["port", "host", "seed", "tokenizer", "help", "crash-after-requests", "crash-message"]
      .includes(n)
  );
  assert.deepEqual(Object.keys(SIM_RUN_OPTIONS).sort(), inProcess.map((n) => `sim-${n}`).sort());
  assert.deepEqual(
    [...SETTINGS.map(([n]) => n), "ttft", "itl", "truth-log"].sort(),
    [...inProcess].sort(),
    "the tests cover every flag",
  );
  for (const flag of Object.keys(SIM_RUN_OPTIONS)) {
    assert.ok(RUN_HELP.includes(`--${flag} `), `--${flag} in llmload run --help`);
  }
});

Deno.test("--target sim alone means the simulator's defaults; no --target sim means no settings", () => {
  assert.deepEqual(sim().target.simOptions, {});
  const url = parseRunArgs(["--url", "http://127.0.0.1:9/v1", "--requests", "1"], {}).plan;
  assert.equal(url.target.simOptions, undefined);
});

Deno.test("--sim-* flags without --target sim are usage errors that say to add --target sim", () => {
  const problems = problemsOf(() =>
    parseRunArgs(["--sim-profile", "tiny", "--sim-fault-500", "0.1", "--requests", "1"], {})
  );
  assert.equal(problems.length, 2, problems.join("\n"));
  for (const flag of ["--sim-profile", "--sim-fault-500"]) {
    assert.ok(
      problems.some((p) => p.startsWith(flag) && p.includes("add --target sim")),
      `${flag}: ${problems.join("\n")}`,
    );
  }
});

Deno.test("bad --sim-* values are all listed at once, each naming the --sim- flag as typed", () => {
  const problems = problemsOf(() =>
    sim(
      ...["--sim-profile", "gpt-9", "--sim-max-loras", "0", "--sim-chunked-prefill", "maybe"],
      ...["--sim-fault-stall", "0.1", "--sim-fault-500", "2", "--sim-lora-load-time", "soon"],
      ...["--concurrency", "0"],
    )
  );
  const flags = [
    "--sim-profile",
    "--sim-max-loras",
    "--sim-chunked-prefill",
    "--sim-fault-stall",
    "--sim-fault-500",
    "--sim-lora-load-time",
    "--concurrency",
  ];
  assert.equal(problems.length, flags.length, problems.join("\n"));
  for (const flag of flags) {
    assert.ok(problems.some((p) => p.startsWith(`${flag} `)), `${flag}: ${problems.join("\n")}`);
  }
  assert.ok(!problems.some((p) => /(^| )--(profile|max-loras|fault-500) /.test(p)), "prefixed");
});

Deno.test("--sim-ttft and --sim-itl with a stepped profile are refused, naming the --sim- flags", () => {
  const problems = problemsOf(() => sim("--sim-profile", "tiny", "--sim-ttft", "40ms"));
  assert.deepEqual(problems, [
    "--sim-ttft and --sim-itl apply to the fixed profile only; other profiles model steps",
  ]);
});

Deno.test("a bad combination is checked by the simulator's own rules before anything starts, worded as flags", () => {
  const problems = problemsOf(() =>
    sim(
      ...["--sim-profile", "llama-8b-h100", "--sim-max-num-batched-tokens", "512"],
      ...["--sim-num-gpu-blocks", "10", "--sim-fault-500", "0.7", "--sim-fault-503", "0.6"],
      ...["--sim-lora-adapters", "sim-llama-8b", "--sim-max-cpu-loras", "1"],
    )
  );
  const expect = [
    /^--sim-max-num-batched-tokens \(512\) must be >= --sim-max-num-seqs \(1024\)$/,
    /^--sim-max-cpu-loras \(1\) must be >= --sim-max-loras \(4\)$/,
    /^the KV cache \(--sim-num-gpu-blocks 10 × --sim-block-size 16 = 160 tokens\) must hold --sim-max-model-len \(32768\) tokens$/,
    /^--sim-fault-500 \+ --sim-fault-503 \+ --sim-fault-429 must be <= 1/,
    /^--sim-lora-adapters entry "sim-llama-8b" reuses the base model's name$/,
  ];
  assert.equal(problems.length, expect.length, problems.join("\n"));
  for (const re of expect) assert.ok(problems.some((p) => re.test(p)), `${re}: ${problems}`);
});

Deno.test("llmload sim reports the same combination problems with its own flag names", () => {
  const problems = problemsOf(() =>
    parseSimArgs(["--max-num-seqs", "64", "--max-num-batched-tokens", "32"])
  );
  assert.deepEqual(problems, ["--max-num-batched-tokens (32) must be >= --max-num-seqs (64)"]);
});

Deno.test("flags that make no sense in-process (--sim-port, --sim-host, --sim-seed) are unknown", () => {
  for (const flag of ["--sim-port", "--sim-host", "--sim-seed"]) {
    const problems = problemsOf(() => sim(flag, "1"));
    assert.equal(problems.length, 1);
    assert.match(problems[0], new RegExp(`Unknown option '${flag}'`));
  }
});

Deno.test("--sim-truth-log names a file in an existing directory", () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/truth.jsonl`;
  assert.equal(sim("--sim-truth-log", file).target.simOptions?.truthLogFile, file);
  const problems = problemsOf(() => sim("--sim-truth-log", `${dir}/nope/truth.jsonl`));
  assert.deepEqual(problems, [
    `--sim-truth-log must be a file in an existing directory (got "${dir}/nope/truth.jsonl")`,
  ]);
});

Deno.test("a plan with simulator settings but no simulator target is refused", () => {
  const plan = sim("--sim-profile", "tiny");
  assert.throws(
    () => validateRunPlan({ ...plan, target: { ...plan.target, sim: false, url: "http://x/v1" } }),
    (e) => e instanceof UsageError && /--target sim/.test(e.problems.join()),
  );
});
