import assert from "node:assert/strict";
import { join } from "node:path";
import { GPU_CSV_COLUMNS } from "../../lib/metrics/telemetry_samples.ts";
import { gpuQueryArgs } from "../../lib/telemetry/nvidia_smi_csv.ts";
import { llmload, MAIN, readSweepCsv } from "../helpers/llmload_cli.ts";
import { FAKE_NVIDIA_SMI, pidsIn, processAlive, waitFor } from "../helpers/process_alive.ts";

/** `--gpu-sampler` text for the fake, quoting each word (paths may hold spaces). */
const fake = (...extra: string[]) => [...FAKE_NVIDIA_SMI, ...extra].map((w) => `'${w}'`).join(" ");

const runDirOf = (out: string) => {
  // Directories only: a running llmload also holds its lock file in the results root.
  const [id] = [...Deno.readDirSync(out)].filter((e) => e.isDirectory).map((e) => e.name);
  return join(out, id);
};

Deno.test("a run with the fake sampler writes gpu.csv, summary gpu, meta system/gpus/tags/notes, leaves no child, and no secret", async () => {
  const out = await Deno.makeTempDir();
  const pidFile = join(out, "..", `${out.split("/").pop()}-pids`);
  const r = await llmload([
    "run",
    "--target",
    "sim",
    "--requests",
    "6",
    "--concurrency",
    "2",
    "--max-tokens",
    "16",
    "--api-key",
    "sk-never-written-7731",
    "--tag",
    "tp=8",
    "--tag",
    "hf_token=hf-never-written-5520",
    "--note",
    "H100 box, driver 550",
    "--gpu-interval",
    "50",
    "--gpu-processes",
    "--gpu-sampler",
    fake("--fixture", "multi_8x_h100", "--pid-file", pidFile, "--rise-mib", "2000"),
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  // The GPU sampler, the process sampler and the two inventory reads.
  const pids = pidsIn(pidFile);
  assert.equal(pids.length, 4, "four fakes started");
  assert.deepEqual(pids.filter(processAlive), [], "no child left after a normal end");

  const dir = runDirOf(out);
  const csv = Deno.readTextFileSync(join(dir, "gpu.csv")).trimEnd().split("\n");
  assert.deepEqual(csv[0].split(","), [...GPU_CSV_COLUMNS]);
  assert.ok(csv.length > 8, "a header and a tick of 8 GPUs at least");
  const summary = JSON.parse(Deno.readTextFileSync(join(dir, "summary.json")));
  assert.equal(summary.gpu.gpus, 8);
  assert.ok(summary.gpu.memory_baseline_mib > 0, "a sample before the first send");
  assert.ok(summary.gpu.energy_j > 0);
  assert.ok(summary.gpu.output_tokens_per_joule > 0);
  const meta = JSON.parse(Deno.readTextFileSync(join(dir, "meta.json")));
  assert.equal(meta.gpus.length, 8);
  assert.deepEqual(
    [meta.gpus[0].name, meta.gpus[0].driver_version, meta.gpus[0].cuda_version],
    ["NVIDIA H100 80GB HBM3", "550.90.07", "12.4"],
  );
  assert.deepEqual(meta.tags, { tp: "8", hf_token: "***" });
  assert.deepEqual(meta.notes, ["H100 box, driver 550"]);
  assert.equal(meta.gpu_sampler.status, "sampled");
  // This fixture has no compute processes: no gpu_processes.csv, and the record says so.
  assert.equal(meta.gpu_sampler.processes.status, "no_processes");
  assert.throws(() => Deno.statSync(join(dir, "gpu_processes.csv")));
  for (const k of ["cpu_model", "cpu_cores", "memory_total_bytes", "os", "kernel", "hostname"]) {
    assert.ok(k in meta.system, k);
  }
  assert.match(r.stdout, /GPU +8× NVIDIA H100 80GB HBM3: VRAM \d+ → peak \d+ MiB/);
  for (const e of Deno.readDirSync(dir)) {
    const text = Deno.readTextFileSync(join(dir, e.name));
    assert.ok(!text.includes("sk-never-written-7731"), `${e.name} holds the API key`);
    assert.ok(!text.includes("hf-never-written-5520"), `${e.name} holds a secret tag`);
  }
});

Deno.test("an error after the sampler started (unreachable target) leaves no child", async () => {
  const out = await Deno.makeTempDir();
  const pidFile = join(out, "pids");
  const r = await llmload([
    "run",
    "--url",
    "http://127.0.0.1:9/v1",
    "--requests",
    "1",
    "--connect-timeout",
    "1s",
    "--gpu-sampler",
    fake("--pid-file", pidFile),
    "--out",
    out,
  ]);
  assert.equal(r.code, 4, r.stderr);
  const [pid] = pidsIn(pidFile);
  assert.ok(pid > 0, "the sampler was running when the error came");
  assert.equal(processAlive(pid), false);
});

{
  Deno.test("SIGTERM to a running llmload leaves no sampler child", async () => {
    const out = await Deno.makeTempDir();
    const pidFile = join(out, "..", `${out.split("/").pop()}-pids`);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "run",
        "--target",
        "sim",
        "--duration",
        "60s",
        "--concurrency",
        "2",
        "--gpu-interval",
        "50",
        "--gpu-sampler",
        fake("--pid-file", pidFile, "--linger"),
        "--out",
        out,
      ],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const started = await waitFor(() => {
      try {
        return Deno.statSync(join(runDirOf(out), "gpu.csv")).size > 200;
      } catch {
        return false;
      }
    }, 20_000);
    child.kill("SIGTERM");
    const status = await child.status;
    const stderr = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
    assert.ok(started, stderr);
    assert.equal(status.code, 143, stderr); // SIGTERM, not Ctrl-C
    const [pid] = pidsIn(pidFile);
    assert.ok(pid > 0);
    assert.ok(await waitFor(() => !processAlive(pid), 3000), `sampler ${pid} outlived llmload`);
  });
}

Deno.test("Deno.exit without stopping the sampler (the second Ctrl-C path) still kills its child", async () => {
  const dir = await Deno.makeTempDir();
  const pidFile = join(dir, "pids");
  const script = join(dir, "exit_early.ts");
  const lib = new URL("../../lib/telemetry/", import.meta.url).href;
  Deno.writeTextFileSync(
    script,
    `import { startGpuSampler } from "${lib}gpu_sampler.ts";
const s = startGpuSampler(${
      JSON.stringify([
        ...FAKE_NVIDIA_SMI,
        "--pid-file",
        pidFile,
        "--linger",
        ...gpuQueryArgs({ intervalMs: 50 }),
      ])
    }, { onSample() {} });
await s.firstSample(10000);
Deno.exit(3);
`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 3, new TextDecoder().decode(out.stderr));
  const [pid] = pidsIn(pidFile);
  assert.ok(pid > 0);
  assert.ok(await waitFor(() => !processAlive(pid), 3000), `sampler ${pid} outlived Deno.exit`);
});

Deno.test("without nvidia-smi: no warning by default, the report says it once; --gpu-sampler auto warns once", async () => {
  const quiet = await Deno.makeTempDir();
  const plain = await llmload(
    ["run", "--target", "sim", "--requests", "2", "--max-tokens", "4", "--out", quiet],
    { env: { PATH: "/nonexistent" } },
  );
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stderr, /nvidia-smi/);
  const md = Deno.readTextFileSync(join(runDirOf(quiet), "report.md"));
  assert.equal(md.match(/GPU: not recorded \(nvidia-smi was not on PATH/g)?.length, 1, md);
  const out = await Deno.makeTempDir();
  const r = await llmload(
    [
      "run",
      "--target",
      "sim",
      "--requests",
      "2",
      "--max-tokens",
      "4",
      "--gpu-sampler",
      "auto",
      "--out",
      out,
    ],
    { env: { PATH: "/nonexistent" } },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/nvidia-smi is not on PATH/g)?.length, 1, r.stderr);
  const dir = runDirOf(out);
  assert.equal(JSON.parse(Deno.readTextFileSync(join(dir, "summary.json"))).gpu, null);
  const meta = JSON.parse(Deno.readTextFileSync(join(dir, "meta.json")));
  assert.equal(meta.gpu_sampler.status, "unavailable");
  assert.equal(meta.gpus, null);
  assert.throws(() => Deno.statSync(join(dir, "gpu.csv")));
});

Deno.test("every sweep point gets its own GPU summary and sweep.csv GPU columns", async () => {
  const out = await Deno.makeTempDir();
  const r = await llmload([
    "run",
    "prompt-lengths",
    "--target",
    "sim",
    "--requests",
    "2",
    "--max-tokens",
    "4",
    "--concurrency",
    "1",
    "--gpu-interval",
    "50",
    "--gpu-sampler",
    fake("--fixture", "single_h100"),
    "--gpu-processes",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const rows = readSweepCsv(runDirOf(out));
  assert.ok(rows.length >= 2);
  for (const row of rows) {
    assert.ok(Number(row.gpu_memory_peak_mib) >= 72410, JSON.stringify(row));
    assert.ok(Number(row.gpu_energy_j) > 0, JSON.stringify(row));
    const sub = join(runDirOf(out), row.run_id);
    assert.ok(Deno.statSync(join(sub, "gpu.csv")).isFile);
    const procs = Deno.readTextFileSync(join(sub, "gpu_processes.csv")).trimEnd().split("\n");
    assert.equal(procs[0], "t_ms,gpu_uuid,pid,process_name,used_memory_mib");
    assert.match(procs[1], /^-?[\d.]+,GPU-5f3c1e8a-[\w-]+,2741,VLLM::EngineCore,\d+$/);
  }
});
