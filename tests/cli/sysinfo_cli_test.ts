import assert from "node:assert/strict";
import { llmload } from "../helpers/llmload_cli.ts";
import { FAKE_NVIDIA_SMI } from "../helpers/process_alive.ts";

const fake = (...extra: string[]) => [...FAKE_NVIDIA_SMI, ...extra].map((w) => `'${w}'`).join(" ");

Deno.test("llmload sysinfo --json prints host, GPUs from the sampler command, tags and notes", async () => {
  const r = await llmload([
    "sysinfo",
    "--json",
    "--gpu-sampler",
    fake("--fixture", "multi_8x_h100"),
    "--gpus",
    "2,5",
    "--tag",
    "tp=2",
    "--note",
    "two of eight",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const rec = JSON.parse(r.stdout);
  assert.deepEqual(rec.gpus.map((g: { index: number }) => g.index), [2, 5]);
  assert.equal(rec.gpus[0].cuda_version, "12.4");
  assert.deepEqual(rec.tags, { tp: "2" });
  assert.deepEqual(rec.notes, ["two of eight"]);
  assert.ok(rec.system.cpu_cores > 0);
  assert.equal(rec.server, undefined, "the server record is not built by this module");
});

Deno.test("llmload sysinfo without nvidia-smi says so; bad flags are a usage error", async () => {
  const none = await llmload(["sysinfo"], { env: { PATH: "/nonexistent" } });
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stdout, /^Host {6}.*cores/m);
  assert.match(none.stdout, /^GPUs {6}none found \(nvidia-smi not on PATH\)/m);
  const bad = await llmload(["sysinfo", "--target", "vllm", "--gpu-interval", "1s"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--gpu-interval applies to runs only/);
  assert.match(bad.stderr, /--target must be "sim"/);
});
