import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { runLoraCompare } from "../../lib/campaign/lora_compare.ts";
import { TargetError } from "../../lib/run/resolve_target.ts";
import { startSim } from "../../lib/sim/mod.ts";
import { writeReports } from "../../lib/results/write_reports.ts";

const FIXTURES = new URL("../../fixtures/datasets/", import.meta.url).pathname;
const quietIo = { log: () => {}, isTty: false, quiet: true };
const EIGHT = "a1,a2,a3,a4,a5,a6,a7,a8";

async function readJsonl(path: string) {
  return (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l))
    .sort((a, b) => a.index - b.index);
}

async function run(args: string[]) {
  const out = await Deno.makeTempDir();
  const { plan } = parseRunArgs([...args, "--out", out], {});
  const outcome = await runBenchmark(plan, quietIo);
  const records = await readJsonl(join(outcome.runDir, "requests.jsonl"));
  const meta = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json")));
  const summary = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "summary.json")));
  return { outcome, records, meta, summary };
}

Deno.test("compare against the simulator (max_loras 2, 8 adapters): multi has a higher TTFT p99 than baseline; comparison.json and .md are written", async () => {
  const out = await Deno.makeTempDir();
  const { plan } = parseRunArgs([
    ...["--target", "sim", "--sim-max-loras", "2", "--adapters", EIGHT, "--lora-mode", "compare"],
    ...["--baseline-adapter", "multi-task", "--concurrency", "4", "--requests", "24"],
    ...["--max-tokens", "8", "--ignore-eos", "--out", out],
  ], {});
  const outcome = await runLoraCompare(plan, quietIo);
  assert.equal(outcome.interrupted, false);
  const json = JSON.parse(await Deno.readTextFile(join(outcome.compareDir, "comparison.json")));
  assert.deepEqual(json.runs, ["baseline", "multi"]);
  const p99 = json.metrics.find((m: { key: string }) => m.key === "ttft_ms_p99");
  assert.ok(
    p99.values.multi > p99.values.baseline,
    `multi TTFT p99 ${p99.values.multi} > baseline ${p99.values.baseline}`,
  );
  assert.ok(p99.improvement_pct.multi < 0, "slower than the baseline is a negative improvement");
  assert.deepEqual(json.adapters.baseline, { "multi-task": 24 });
  assert.deepEqual(
    Object.values(json.adapters.multi),
    [3, 3, 3, 3, 3, 3, 3, 3],
    "round-robin: 24 requests over 8 adapters",
  );
  for (const name of ["baseline", "multi"]) {
    const dir = join(outcome.compareDir, json.run_ids[name]);
    const meta = JSON.parse(await Deno.readTextFile(join(dir, "meta.json")));
    assert.equal(meta.lora.mode, name, "each run directory records its own mode");
  }
  const md = await Deno.readTextFile(join(outcome.compareDir, "comparison.md"));
  assert.match(md, /### Latency Comparison/);
  assert.match(md, /### Per-adapter statistics/);
  // report.md: the template report around the same tables; `llmload report` redraws it as is.
  const report = await Deno.readTextFile(join(outcome.compareDir, "report.md"));
  assert.match(report, /^# llmload LoRA comparison report/);
  assert.match(report, /## 5\. Comparisons\n[^]*### Latency Comparison[^]*Per-adapter statistics/);
  assert.match(report, /^\| baseline +\| +\d+ \| +24\/24 \|/m);
  await writeReports(outcome.compareDir);
  assert.equal(await Deno.readTextFile(join(outcome.compareDir, "report.md")), report);
});

Deno.test("cold starts: each adapter's first request is marked and slower than its warm requests", async () => {
  // Concurrency 2 = max_loras: no request waits for a LoRA slot, so only the load differs.
  const { records, summary, meta } = await run([
    ...["--target", "sim", "--sim-max-loras", "2", "--sim-lora-load-time", "30ms"],
    ...["--adapters", "a1,a2,a3,a4", "--concurrency", "2"],
    ...["--requests", "16", "--max-tokens", "4", "--ignore-eos"],
  ]);
  const cold = records.filter((r) => r.cold_start === true);
  assert.deepEqual(cold.map((r) => r.model).sort(), ["a1", "a2", "a3", "a4"]);
  assert.deepEqual(cold.map((r) => r.index), [0, 1, 2, 3], "the first request of each adapter");
  assert.equal(meta.lora.selection, "round-robin");
  assert.deepEqual(meta.lora.adapters.map((a: { name: string }) => a.name), [
    "a1",
    "a2",
    "a3",
    "a4",
  ]);
  assert.equal(summary.adapters.length, 4, "summary.json has one entry per adapter");
  for (const a of summary.adapters) {
    assert.equal(a.requests.ok, 4);
    assert.ok(
      a.cold.ttft_ms > a.warm_ttft_ms.p50,
      `${a.adapter}: cold TTFT ${a.cold.ttft_ms} > warm p50 ${a.warm_ttft_ms.p50}`,
    );
  }
  assert.ok(summary.ttft_ms, "the summary's own keys stay");
});

Deno.test("dataset-named adapters are sent as written (strategy dataset by default)", async () => {
  const { records, meta, outcome } = await run([
    ...["--target", "sim", "--dataset", join(FIXTURES, "lora_prompts.jsonl")],
    ...["--lora-mode", "multi", "--requests", "8", "--concurrency", "2", "--max-tokens", "3"],
  ]);
  assert.equal(meta.lora.selection, "dataset");
  const want = ["geo-lora", "ko-lora", "sum-lora", outcome.model];
  for (const r of records) {
    assert.equal(r.model, want[r.index % 4], `request ${r.index}`);
    assert.equal(r.error, null);
  }
});

Deno.test("--load-adapters loads each adapter at run time and --unload-after unloads it, timed in meta.json", async () => {
  const sim = await startSim({ seed: 1, ttftMs: 2, itlMs: 2 });
  try {
    const { meta, records } = await run([
      ...["--url", sim.baseUrl, "--adapters", "x1,x2", "--load-adapters", "--unload-after"],
      ...["--requests", "4", "--concurrency", "2", "--max-tokens", "2"],
    ]);
    assert.deepEqual(meta.lora.loads.map((l: { adapter: string }) => l.adapter), ["x1", "x2"]);
    for (const l of meta.lora.loads) {
      assert.equal(l.status, 200);
      assert.ok(l.ms > 0);
    }
    assert.deepEqual(meta.lora.unloads.map((l: { status: number }) => l.status), [200, 200]);
    assert.ok(records.every((r) => r.error === null), "loaded adapters served every request");
    const models = await (await fetch(`${sim.baseUrl}/models`)).json();
    const ids = models.data.map((m: { id: string }) => m.id);
    assert.ok(!ids.includes("x1") && !ids.includes("x2"), `unloaded after the run: ${ids}`);
  } finally {
    await sim.close();
  }
});

Deno.test("a server without runtime LoRA loading stops the run with a TargetError naming the fix, nothing written", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (new URL(req.url).pathname === "/v1/models") {
      return Response.json({ data: [{ id: "base-model", parent: null }] });
    }
    return Response.json({ detail: "Not Found" }, { status: 404 });
  });
  const out = await Deno.makeTempDir();
  try {
    const { plan } = parseRunArgs([
      ...["--url", `http://127.0.0.1:${server.addr.port}/v1`, "--adapters", "x1"],
      ...["--load-adapters", "--requests", "1", "--out", out],
    ], {});
    await assert.rejects(
      () => runBenchmark(plan, quietIo),
      (e: Error) =>
        e instanceof TargetError && /VLLM_ALLOW_RUNTIME_LORA_UPDATING=True/.test(e.message) &&
        /answered 404/.test(e.message),
    );
    assert.deepEqual([...Deno.readDirSync(out)], [], "no run directory");
  } finally {
    await server.shutdown();
  }
});

Deno.test("an adapter the server does not serve gives per-request http 404 records and the run goes on", async () => {
  const sim = await startSim({ seed: 1, ttftMs: 2, itlMs: 2, loraAdapters: ["known"] });
  try {
    const { records, summary } = await run([
      ...["--url", sim.baseUrl, "--adapters", "known,unknown", "--requests", "8"],
      ...["--concurrency", "2", "--max-tokens", "2"],
    ]);
    assert.equal(records.length, 8);
    for (const r of records) {
      if (r.model === "unknown") {
        assert.equal(r.error.kind, "http");
        assert.equal(r.error.status, 404);
        assert.match(r.error.message, /unknown/);
      } else assert.equal(r.error, null);
    }
    const byName = Object.fromEntries(
      summary.adapters.map((a: { adapter: string }) => [a.adapter, a]),
    );
    assert.equal(byName.known.requests.ok, 4);
    assert.equal(byName.unknown.requests.failed, 4);
  } finally {
    await sim.close();
  }
});

Deno.test("--adapters-dir: meta.json records each adapter's rank, alpha, target modules and base model; --load-adapters sends its folder as lora_path", async () => {
  const dir = new URL("../../fixtures/adapters/set/", import.meta.url).pathname;
  const logged: string[] = [];
  const out = await Deno.makeTempDir();
  const { plan } = parseRunArgs([
    ...["--target", "sim", "--adapters-dir", dir, "--load-adapters", "--requests", "6"],
    ...["--concurrency", "3", "--max-tokens", "2", "--out", out],
  ], {});
  const outcome = await runBenchmark(plan, { ...quietIo, log: (l) => logged.push(l) });
  const meta = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json")));
  const sql = meta.lora.adapters.find((a: { name: string }) => a.name === "sql-lora");
  assert.deepEqual(
    { ...sql, path: undefined },
    {
      name: "sql-lora",
      source: "dir",
      path: undefined,
      r: 16,
      lora_alpha: 32,
      target_modules: ["q_proj", "k_proj", "v_proj", "o_proj"],
      base_model_name_or_path: "meta-llama/Llama-3.1-8B-Instruct",
    },
  );
  assert.ok(sql.path.endsWith("/fixtures/adapters/set/sql-lora"), sql.path);
  assert.deepEqual(meta.lora.adapters.map((a: { name: string }) => a.name), [
    "chat-lora",
    "math-lora",
    "sql-lora",
  ]);
  const sqlLoad = meta.lora.loads.find((l: { adapter: string }) => l.adapter === "sql-lora");
  assert.equal(sqlLoad.path, sql.path, "the folder is the lora_path");
  assert.equal(sqlLoad.status, 200);
  assert.equal(outcome.summary.requests.ok, 6);
  assert.ok(
    logged.some((l) => /was made for "meta-llama\/Llama-3.1-8B-Instruct"/.test(l)),
    "a base-model mismatch is a warning",
  );
});

Deno.test("a LoRA run records the server's running and waiting adapters over time (lora_timeline.jsonl)", async () => {
  const { outcome, meta } = await run([
    ...["--target", "sim", "--sim-max-loras", "2", "--adapters", EIGHT, "--concurrency", "8"],
    ...["--requests", "24", "--max-tokens", "16", "--ignore-eos"],
  ]);
  const lines = (await Deno.readTextFile(join(outcome.runDir, "lora_timeline.jsonl"))).trim()
    .split("\n").map((l) => JSON.parse(l));
  assert.equal(meta.lora.timeline.samples, lines.length);
  assert.ok(lines.length >= 2, `${lines.length} samples`);
  for (const s of lines) {
    assert.equal(s.max_lora, 2);
    assert.ok(s.running.length <= 2, `at most max_lora adapters run: ${s.running}`);
  }
  assert.ok(lines.some((s) => s.waiting.length > 0), "8 adapters over 2 slots: some wait");
  assert.ok(lines.every((s, i) => i === 0 || s.t_ms > lines[i - 1].t_ms), "in time order");
});

Deno.test("a server without /metrics gets no lora_timeline.jsonl and the run is unaffected", async () => {
  const sim = await startSim({ seed: 1, ttftMs: 2, itlMs: 2, loraAdapters: ["a"] });
  const upstream = sim.baseUrl.replace(/\/v1$/, "");
  const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/metrics") return new Response("Not Found", { status: 404 });
    return await fetch(upstream + url.pathname, {
      method: req.method,
      headers: req.headers,
      body: req.method === "POST" ? await req.text() : undefined,
    });
  });
  try {
    const { outcome, meta } = await run([
      ...["--url", `http://127.0.0.1:${proxy.addr.port}/v1`, "--adapters", "a"],
      ...["--requests", "3", "--max-tokens", "2"],
    ]);
    assert.equal(outcome.summary.requests.ok, 3);
    assert.equal(meta.lora.timeline, null);
    const files = [...Deno.readDirSync(outcome.runDir)].map((e) => e.name);
    assert.ok(!files.includes("lora_timeline.jsonl"), files.join(", "));
  } finally {
    await proxy.shutdown();
    await sim.close();
  }
});

Deno.test("--adapters-from-server takes the base model's adapters from /v1/models; without any set, a multi run does so on its own and says so", async () => {
  const sim = await startSim({ seed: 1, ttftMs: 2, itlMs: 2, loraAdapters: ["s1", "s2=/w/s2"] });
  try {
    const { meta, records } = await run([
      ...["--url", sim.baseUrl, "--adapters-from-server", "--requests", "4", "--max-tokens", "2"],
    ]);
    assert.deepEqual(
      meta.lora.adapters.map((a: { name: string; source: string; path: string }) => [
        a.name,
        a.source,
        a.path,
      ]),
      [["s1", "models", "/sim/loras/s1"], ["s2", "models", "/w/s2"]],
    );
    assert.deepEqual(records.map((r) => r.model), ["s1", "s2", "s1", "s2"]);

    const logged: string[] = [];
    const out = await Deno.makeTempDir();
    const { plan } = parseRunArgs([
      ...["--url", sim.baseUrl, "--lora-mode", "multi", "--requests", "2", "--out", out],
    ], {});
    const outcome = await runBenchmark(plan, { ...quietIo, log: (l) => logged.push(l) });
    assert.equal(outcome.summary.requests.ok, 2);
    assert.ok(logged.some((l) => /none given; using the 2 adapters the server lists/.test(l)));
  } finally {
    await sim.close();
  }
});
