import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload as runCli, readSweepCsv } from "../helpers/llmload_cli.ts";

const llmload = (args: string[], cwd?: string) => runCli(args, { cwd });

function resultsDir(stdout: string, out: string): string {
  const path = stdout.match(/results: (.+)/)?.[1];
  assert.ok(path && path.startsWith(out), stdout);
  return path;
}

Deno.test("llmload scenarios lists every built-in with its description", async () => {
  const r = await llmload(["scenarios"]);
  assert.deepEqual(r.code, 0, r.stderr);
  for (const name of ["smoke", "prompt-lengths", "concurrency", "workloads"]) {
    assert.match(r.stdout, new RegExp(`^  ${name} +\\S`, "m"));
  }
});

Deno.test("run prompt-lengths --target sim writes a sweep dir, one sub-run and csv row per point, drift 0", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await llmload([
      "run",
      "prompt-lengths",
      "--target",
      "sim",
      "--requests",
      "2",
      "--max-tokens",
      "8",
      "--concurrency",
      "1", // narrows the 16-point sweep to the guide's first table
      "--quiet",
      "--out",
      out,
    ]);
    assert.deepEqual(r.code, 0, r.stderr);
    const dir = resultsDir(r.stdout, out);
    assert.match(r.stdout, /input tokens/);
    assert.match(r.stdout, /latency mean/);
    const rows = readSweepCsv(dir);
    assert.deepEqual(rows.map((x) => x.prompt_tokens), ["1000", "3000", "6000", "10000"]);
    for (const row of rows) {
      assert.deepEqual(row.concurrency, "1");
      assert.deepEqual(row.requests_ok, "2");
      assert.deepEqual(row.requests_failed, "0");
      assert.deepEqual(row.prompt_drift_pct, "0");
      const files = [...Deno.readDirSync(join(dir, row.run_id))].map((e) => e.name).sort();
      assert.deepEqual(files, [
        "client_health.jsonl",
        "meta.json",
        "report.html",
        "report.md",
        "requests.jsonl",
        "server_metrics.jsonl",
        "summary.csv",
        "summary.json",
        "verdict.json",
      ]);
    }
    const json = JSON.parse(Deno.readTextFileSync(join(dir, "sweep.json")));
    assert.deepEqual(json.scenario, "prompt-lengths");
    // The sweep's own report.md, one results row per point.
    const md = Deno.readTextFileSync(join(dir, "report.md"));
    assert.match(md, /^# llmload sweep report: /);
    // Results rows carry the case, its input tokens and OK/total (other tables repeat the case).
    assert.equal(
      md.match(/^\| #\d concurrency=1 promptTokens=\d+ +\| +\d+ \| +2\/2 /gm)?.length,
      4,
      md,
    );
    assert.deepEqual(json.points.length, 4);
    assert.deepEqual(json.points[3].summary.tokens.prompt_actual_mean, 10000);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("run concurrency --target sim gives mean/max/min latency per concurrency 1, 2, 4, 8", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await llmload([
      "run",
      "concurrency",
      "--target",
      "sim",
      "--requests",
      "4",
      "--max-tokens",
      "8",
      "--prompt-tokens",
      "64",
      "--quiet",
      "--out",
      out,
    ]);
    assert.deepEqual(r.code, 0, r.stderr);
    const dir = resultsDir(r.stdout, out);
    const rows = readSweepCsv(dir);
    assert.deepEqual(rows.map((x) => x.concurrency), ["1", "2", "4", "8"]);
    for (const row of rows) {
      assert.deepEqual(row.requests_ok, "4");
      const [min, mean, max] = [row.e2e_ms_min, row.e2e_ms_mean, row.e2e_ms_max].map(Number);
      assert.ok(min > 0 && min <= mean && mean <= max, JSON.stringify(row));
    }
    // The table's rows, one per point, in sweep order.
    const tableRows = r.stdout.split("\n").filter((l) => /^\d+ +\d+ +\d+/.test(l));
    assert.deepEqual(tableRows.map((l) => l.split(/ +/)[1]), ["1", "2", "4", "8"]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a user scenario file (no imports) runs by relative path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "tiny.ts"),
      `export default {
  name: "tiny",
  description: "two requests, short",
  load: { concurrency: 2 },
  request: { promptTokens: 50, maxTokens: 4 },
  stop: { requests: 2 },
};
`,
    );
    const r = await llmload(
      ["run", "./tiny.ts", "--target", "sim", "--quiet", "--out", "res"],
      dir,
    );
    assert.deepEqual(r.code, 0, r.stderr);
    const runDir = r.stdout.match(/results: (.+)/)?.[1];
    assert.ok(runDir, r.stdout);
    const meta = JSON.parse(Deno.readTextFileSync(join(dir, runDir, "meta.json")));
    assert.ok(JSON.stringify(meta).includes("./tiny.ts"), "meta records the command line");
    const summary = JSON.parse(Deno.readTextFileSync(join(dir, runDir, "summary.json")));
    assert.deepEqual(summary.requests.ok, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad scenario file exits 2 naming the file and every bad field; an unknown name lists built-ins", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "bad.ts");
    await Deno.writeTextFile(
      file,
      `export default { name: "bad", description: "x", load: { concurrency: 0 }, stop: { requests: -1 } };\n`,
    );
    const r = await llmload(["run", file, "--target", "sim", "--out", join(dir, "res")]);
    assert.deepEqual(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`Cannot load scenario ".*bad.ts": field "load.concurrency"`));
    assert.match(r.stderr, /field "stop.requests"/);
    const unknown = await llmload(["run", "no-such-scenario"]);
    assert.deepEqual(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown scenario "no-such-scenario".*prompt-lengths/);
    const missing = await llmload(["run", join(dir, "missing.ts")]);
    assert.deepEqual(missing.code, 2);
    assert.match(missing.stderr, /missing.ts": no such file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every built-in scenario runs against the simulator in a shortened form", async () => {
  const { BUILTIN_SCENARIOS } = await import("../../scenarios/mod.ts");
  const out = await Deno.makeTempDir();
  // Each scenario in its own results root (a root's lock admits one run), three at a time: the
  // runs mostly wait on the simulator's clock, so they overlap well even on two cores.
  const check = async (name: string) => {
    const root = join(out, name);
    // Two measured requests a point after one warm-up request: every point, but seconds long.
    const r = await llmload([
      "run",
      name,
      "--target",
      "sim",
      "--requests",
      "2",
      "--warmup-requests",
      "1",
      "--max-tokens",
      "4",
      "--quiet",
      "--out",
      root,
    ]);
    assert.deepEqual(r.code, 0, `${name}: ${r.stderr}`);
    const dir = resultsDir(r.stdout, root);
    // One run directory, or a sweep directory holding one per point.
    const isRun = [...Deno.readDirSync(dir)].some((e) => e.name === "summary.json");
    const runs = isRun
      ? [dir]
      : [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => join(dir, e.name));
    assert.ok(runs.length > 0, `${name}: no run in ${dir}`);
    for (const run of runs) {
      const summary = JSON.parse(Deno.readTextFileSync(join(run, "summary.json")));
      assert.deepEqual(summary.requests.failed, 0, `${name}: ${run}`);
      assert.ok(summary.requests.ok >= 1, `${name}: ${run}`);
    }
  };
  try {
    const names = BUILTIN_SCENARIOS.map((s) => s.name);
    for (let i = 0; i < names.length; i += 3) await Promise.all(names.slice(i, i + 3).map(check));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
