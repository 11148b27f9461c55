import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload as runCli, readSweepCsv } from "../helpers/llmload_cli.ts";

const llmload = (args: string[], cwd?: string) => runCli(args, { cwd });

/** A scenario file whose hooks append to hooks.log beside it (hooks may use Deno APIs). */
const HOOKED = (body: string) =>
  `const log = new URL("./hooks.log", import.meta.url);
const note = (line) => Deno.writeTextFileSync(log, line + "\\n", { append: true });
export default {
  name: "hooked",
  description: "hooks and new axes",
  ${body}
};
`;

Deno.test("a scenario file sweeping outputTokens and temperature with hooks: table, sweep.csv, hook order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "s.ts"),
      HOOKED(`load: { concurrency: 1 },
  request: { promptTokens: 32, ignoreEos: true, sampling: { topP: 0.9, stop: "###" } },
  stop: { requests: 2 },
  sweep: { axes: { outputTokens: [4, "uniform:2-6"], temperature: [0, 0.8] } },
  setup: async ({ baseUrl, model, log }) => {
    const r = await fetch(baseUrl + "/models");
    note("setup " + r.status + " " + model);
    log("ready");
  },
  teardown: () => note("teardown"),`),
    );
    const r = await llmload(["run", "./s.ts", "--target", "sim", "--quiet", "--out", "res"], dir);
    assert.deepEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /setup: ready/);
    const log = Deno.readTextFileSync(join(dir, "hooks.log")).trim().split("\n");
    assert.deepEqual(log, ["setup 200 sim-llama-8b", "teardown"]);
    assert.match(r.stdout, /output tokens +temperature +ok/);
    const sweepDir = join(dir, r.stdout.match(/results: (.+)/)![1]);
    const rows = readSweepCsv(sweepDir);
    assert.deepEqual(rows.map((x) => [x.output_tokens, x.temperature, x.max_tokens]), [
      ["4", "0", ""],
      ["4", "0.8", ""],
      ["uniform:2-6", "0", ""],
      ["uniform:2-6", "0.8", ""],
    ]);
    for (const row of rows) assert.deepEqual(row.requests_ok, "2");
    const json = JSON.parse(Deno.readTextFileSync(join(sweepDir, "sweep.json")));
    assert.deepEqual(json.axes, ["outputTokens", "temperature"]);
    assert.deepEqual(json.hooks.teardown.ok, true);
    const meta = JSON.parse(
      Deno.readTextFileSync(join(sweepDir, rows[1].run_id, "meta.json")),
    );
    assert.deepEqual(meta.request.sampling, { temperature: 0.8, top_p: 0.9, stop: ["###"] });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a setup that throws exits 1 with its message before any request, writing nothing; teardown runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "s.ts"),
      HOOKED(`stop: { requests: 2 },
  setup: () => { throw new Error("no GPU today"); },
  teardown: () => note("teardown"),`),
    );
    const r = await llmload(["run", "./s.ts", "--target", "sim", "--out", "res"], dir);
    assert.deepEqual(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: scenario setup failed: no GPU today \(no request was sent\)/);
    assert.doesNotMatch(r.stderr, /at .*s\.ts/, "no stack trace for a hook's own error");
    assert.deepEqual(Deno.readTextFileSync(join(dir, "hooks.log")), "teardown\n");
    assert.throws(() => Deno.statSync(join(dir, "res")), "no results directory");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Ctrl-C after setup: the run stops, teardown still runs (and fails), exit 130 as verdict.json says, meta.json has both hooks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "s.ts"),
      HOOKED(`load: { concurrency: 1 },
  request: { promptTokens: 16, maxTokens: 2000, ignoreEos: true },
  stop: { requests: 1000 },
  setup: () => { setTimeout(() => Deno.kill(Deno.pid, "SIGINT"), 200); },
  teardown: () => { note("teardown"); throw new Error("cleanup failed"); },`),
    );
    // A 1 s grace, then the 2000-token request in flight is cancelled.
    const r = await llmload(
      ["run", "./s.ts", "--target", "sim", "--quiet", "--grace", "1s", "--out", "res"],
      dir,
    );
    assert.deepEqual(r.code, 130, r.stderr);
    assert.deepEqual(Deno.readTextFileSync(join(dir, "hooks.log")), "teardown\n");
    const runDir = join(dir, r.stdout.match(/results: (.+)/)![1]);
    const meta = JSON.parse(Deno.readTextFileSync(join(runDir, "meta.json")));
    assert.deepEqual(meta.interrupted, true);
    assert.deepEqual([meta.hooks.setup.ok, meta.hooks.teardown.ok], [true, false]);
    // The teardown's failure is told; the exit code stays the interrupt's, as verdict.json says.
    assert.match(r.stderr, /cleanup failed/);
    const verdict = JSON.parse(Deno.readTextFileSync(join(runDir, "verdict.json")));
    assert.deepEqual([verdict.verdict, verdict.exit_code], ["interrupted", 130]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a scenario's relative dataset path is read beside the scenario file, from any working directory", async () => {
  const dir = await Deno.makeTempDir();
  const elsewhere = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "data"));
    await Deno.writeTextFile(
      join(dir, "data", "p.jsonl"),
      ['{"prompt": "one two three"}', '{"prompt": "four five"}'].join("\n") + "\n",
    );
    await Deno.writeTextFile(
      join(dir, "ds.ts"),
      `export default {
  name: "ds",
  description: "dataset beside the file",
  target: { endpoint: "completions" },
  request: { maxTokens: 3, dataset: { path: "data/p.jsonl", take: 2 } },
  stop: { requests: 4 },
};
`,
    );
    const r = await llmload(
      ["run", join(dir, "ds.ts"), "--target", "sim", "--quiet", "--out", "res"],
      elsewhere,
    );
    assert.deepEqual(r.code, 0, r.stderr);
    const runDir = join(elsewhere, r.stdout.match(/results: (.+)/)![1]);
    const meta = JSON.parse(Deno.readTextFileSync(join(runDir, "meta.json")));
    assert.deepEqual(meta.endpoint, "completions");
    assert.ok(JSON.stringify(meta.dataset).includes(join(dir, "data", "p.jsonl")), meta.dataset);
    const summary = JSON.parse(Deno.readTextFileSync(join(runDir, "summary.json")));
    assert.deepEqual(summary.requests.ok, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("a scenario's relative trace, dataset and text file resolve beside the scenario file; absolute ones stay", async () => {
  const { resolveScenarioPaths } = await import("../../lib/cli/load_scenario.ts");
  const s = resolveScenarioPaths({
    name: "paths",
    description: "relative files",
    load: { trace: "traces/t.jsonl", traceSpeed: 2 },
    request: { textSource: "corpus.txt", dataset: { path: "/abs/d.jsonl" } },
  }, "/home/me/scen");
  assert.deepEqual(s.load?.trace, "/home/me/scen/traces/t.jsonl");
  assert.deepEqual(s.load?.traceSpeed, 2);
  assert.deepEqual(s.request?.textSource, "/home/me/scen/corpus.txt");
  assert.deepEqual(s.request?.dataset?.path, "/abs/d.jsonl");
  const builtin = resolveScenarioPaths(
    { name: "b", description: "d", request: { textSource: "korean" } },
    "/x",
  );
  assert.deepEqual(builtin.request?.textSource, "korean");
});
