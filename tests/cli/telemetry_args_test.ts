import assert from "node:assert/strict";
import { parseRunArgs, redactSecrets } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const plan = (...args: string[]) => parseRunArgs(["--requests", "1", ...args], {}).plan;
const problems = (...args: string[]) => {
  try {
    parseRunArgs(["--requests", "1", ...args], {});
  } catch (e) {
    assert.ok(e instanceof UsageError);
    return e.problems;
  }
  assert.fail("expected a UsageError");
};

Deno.test("telemetry flags become the plan's telemetry section; none given leaves it absent", () => {
  assert.equal(plan().telemetry, undefined);
  assert.deepEqual(
    plan(
      "--gpu-sampler",
      "ssh 'gpu box' nvidia-smi",
      "--gpu-interval",
      "250ms",
      "--gpus",
      "0,3",
      "--gpu-processes",
      "--tag",
      "tp=8",
      "--tag=quantization=fp8",
      "--tag",
      "empty=",
      "--note",
      "first",
      "--note",
      "second",
    ).telemetry,
    {
      gpuSampler: "command",
      command: ["ssh", "gpu box", "nvidia-smi"],
      gpuIntervalMs: 250,
      gpus: [0, 3],
      gpuProcesses: true,
      gpuExpected: true,
      tags: { tp: "8", quantization: "fp8", empty: "" },
      notes: ["first", "second"],
    },
  );
  assert.equal(plan("--gpu-interval", "100").telemetry!.gpuIntervalMs, 100);
  assert.equal(plan("--gpu-sampler", "off").telemetry!.gpuSampler, "off");
  // A tag alone asks for no GPU data: a missing nvidia-smi then goes unmentioned but in the report.
  assert.equal(plan("--tag", "tp=8").telemetry!.gpuExpected, undefined);
  assert.equal(plan("--gpus", "0").telemetry!.gpuExpected, true);
});

Deno.test("bad telemetry flags are listed together, each naming the flag and the fix", () => {
  const p = problems(
    "--gpu-sampler",
    "ssh 'oops",
    "--gpu-interval",
    "5",
    "--gpus",
    "0,a",
    "--tag",
    "novalue",
    "--tag",
    "tp=1",
    "--tag",
    "tp=2",
    "--note",
    " ",
  );
  assert.equal(p.length, 6, p.join("\n"));
  assert.match(p[0], /--gpu-sampler must be auto, off or a command .*unbalanced single quote/);
  assert.match(p[1], /--gpu-interval must be a whole number of ms ≥ 10/);
  assert.match(p[2], /--gpus must be GPU indices/);
  assert.match(p[3], /--tag must be key=value .*"novalue"/);
  assert.match(p[4], /--tag tp is given twice/);
  assert.match(p[5], /--note must not be empty/);
  assert.deepEqual(problems("--gpu-sampler", "off", "--gpus", "0"), [
    "--gpus has no effect with --gpu-sampler off",
  ]);
});

Deno.test("the recorded command line hides the API key and secret-looking tag values", () => {
  assert.deepEqual(
    redactSecrets([
      "--api-key",
      "sk-1",
      "--tag",
      "hf_token=abc",
      "--tag=DB_PASSWORD=x",
      "--tag",
      "tp=2",
      "--note",
      "token=visible in a note is the user's choice",
    ]),
    [
      "--api-key",
      "***",
      "--tag",
      "hf_token=***",
      "--tag=DB_PASSWORD=***",
      "--tag",
      "tp=2",
      "--note",
      "token=visible in a note is the user's choice",
    ],
  );
});
