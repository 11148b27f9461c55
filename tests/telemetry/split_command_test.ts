import assert from "node:assert/strict";
import { splitCommand } from "../../lib/telemetry/split_command.ts";

Deno.test("a sampler command splits into argv like a shell's plain words, without a shell", () => {
  const table: [string, string[] | string][] = [
    ["nvidia-smi", ["nvidia-smi"]],
    ["ssh gpu-box nvidia-smi", ["ssh", "gpu-box", "nvidia-smi"]],
    ["  ssh   -p 2222  box nvidia-smi ", ["ssh", "-p", "2222", "box", "nvidia-smi"]],
    [`deno run -A "/tmp/my dir/fake.ts" --fixture x`, [
      "deno",
      "run",
      "-A",
      "/tmp/my dir/fake.ts",
      "--fixture",
      "x",
    ]],
    [`a 'b c' d\\ e "f\\"g"`, ["a", "b c", "d e", 'f"g']],
    [`x '' y`, ["x", "", "y"]],
    ["echo $HOME; rm -rf /", ["echo", "$HOME;", "rm", "-rf", "/"]],
    [`a "b`, "unbalanced double quote"],
    ["a 'b", "unbalanced single quote"],
    ["   ", "empty command"],
  ];
  for (const [text, want] of table) {
    const got = splitCommand(text);
    if (typeof want === "string") assert.deepEqual(got, { problem: want }, text);
    else assert.deepEqual(got, { argv: want }, text);
  }
});
