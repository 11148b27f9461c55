/**
 * `llmload report` and `llmload compare` end to end: a real run against the simulator leaves a
 * report.md that the re-render reproduces byte for byte; bad directories are usage errors.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload } from "../helpers/llmload_cli.ts";
import { loadRunInput, summaryDifferences } from "../../lib/results/load_report_input.ts";
import { writeSyntheticRun } from "../helpers/synthetic_run.ts";

async function onlyDir(parent: string): Promise<string> {
  const names = [];
  for await (const e of Deno.readDir(parent)) if (e.isDirectory) names.push(e.name);
  assert.equal(names.length, 1, `expected one directory in ${parent}`);
  return join(parent, names[0]);
}

Deno.test("a run writes report.md, and llmload report re-renders it identically", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const out = join(tmp, "runs");
    const run = await llmload([
      "run",
      "--target",
      "sim",
      "--concurrency",
      "2",
      "--requests",
      "6",
      "--max-tokens",
      "8",
      "--out",
      out,
      "-q",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /warning/);
    const dir = await onlyDir(out);
    const original = await Deno.readTextFile(join(dir, "report.md"));
    assert.match(original, /^# llmload report: /);
    assert.match(original, /## 6\. Observations/);
    // The summary recomputed from requests.jsonl is the one summary.json holds.
    const input = await loadRunInput(dir);
    const written = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    assert.deepEqual(summaryDifferences(input.summary, written), []);

    await Deno.remove(join(dir, "report.md"));
    const re = await llmload(["report", dir]);
    assert.equal(re.code, 0, re.stderr);
    assert.match(re.stdout, /wrote .*report\.md/);
    assert.equal(await Deno.readTextFile(join(dir, "report.md")), original);

    const cmp = await llmload(["compare", dir, dir, "--format", "csv", "--out", join(tmp, "cmp")]);
    assert.equal(cmp.code, 0, cmp.stderr);
    assert.match(cmp.stdout, /^metric,label,unit,better,run_index,run,value/);
    assert.match(cmp.stderr, /results: .*-compare/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("compare and report reject missing and non-run directories with every problem, exit 2", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const empty = join(tmp, "empty");
    await Deno.mkdir(empty);
    const r = await llmload(["compare", join(tmp, "nope"), empty, "--out", join(tmp, "o")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /run directory ".*nope" does not exist/);
    assert.match(r.stderr, /".*empty" is not a run directory: it has no meta\.json/);
    // Nothing half-written.
    await assert.rejects(Deno.stat(join(tmp, "o")));
    const one = await llmload(["compare", empty]);
    assert.equal(one.code, 2);
    assert.match(one.stderr, /at least two run directories \(got 1\)/);
    const fmt = await llmload(["compare", empty, empty, "--format", "xml"]);
    assert.equal(fmt.code, 2);
    assert.match(fmt.stderr, /--format must be one of terminal, md, json, csv \(got "xml"\)/);
    const help = await llmload(["compare", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Run-to-run noise/);
    const rep = await llmload(["report", empty]);
    assert.equal(rep.code, 2);
    assert.match(rep.stderr, /is not an llmload results directory/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a summary.json that disagrees with requests.jsonl is named in a warning", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const dir = await writeSyntheticRun(tmp, {
      runId: "r",
      requests: 4,
      intervalMs: 100,
      ttftMs: 20,
      itlMs: 5,
      outputTokens: 4,
      promptTokens: 10,
    });
    const path = join(dir, "summary.json");
    const s = JSON.parse(await Deno.readTextFile(path));
    s.ttft_ms.p50 += 1;
    await Deno.writeTextFile(path, JSON.stringify(s));
    const warnings: string[] = [];
    const input = await loadRunInput(dir, { warn: (m) => warnings.push(m) });
    assert.equal(input.summary.ttft_ms.p50, 20);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /differs .* in ttft_ms\.p50; the report uses the recomputed ones/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
