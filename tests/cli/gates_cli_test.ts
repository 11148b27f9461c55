/**
 * Exit codes of `llmload run` with gates, SLOs and baselines, end to end against the built-in
 * simulator over real HTTP on 127.0.0.1 (every load bounded by --requests).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { llmload } from "../helpers/llmload_cli.ts";

const SMALL = ["--target", "sim", "--requests", "12", "--concurrency", "4", "--max-tokens", "16"];

async function onlyRunDir(out: string, except: string[] = []): Promise<string> {
  const dirs: string[] = [];
  for await (const e of Deno.readDir(out)) {
    if (e.isDirectory && !except.includes(join(out, e.name))) dirs.push(join(out, e.name));
  }
  assert.equal(dirs.length, 1, dirs.join(", "));
  return dirs[0];
}

const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));
const lastLine = (text: string) => text.trimEnd().split("\n").at(-1)!;

Deno.test("gates and SLOs that hold: exit 0, verdict.json pass, SLO in summary, reports and a well-formed JUnit file", async () => {
  const out = await Deno.makeTempDir();
  const junit = join(out, "junit.xml");
  const r = await llmload([
    "run",
    ...SMALL,
    "--out",
    out,
    "--quiet",
    "--slo",
    "ttft.p99<=20s,tpot.p50<=5s",
    "--fail-on",
    "error_rate>1%",
    "--fail-on",
    "output_tokens_per_s<0.001",
    "--junit",
    junit,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /SLO ttft\.p99<=20s, tpot\.p50<=5s: attainment 100\.0 % \(12\/12\) · goodput \d/,
  );
  assert.match(lastLine(r.stderr), /^verdict: pass \(4 checks\)$/);
  const dir = await onlyRunDir(out, [junit]);
  const verdict = await readJson(join(dir, "verdict.json"));
  assert.equal(verdict.verdict, "pass");
  assert.equal(verdict.exit_code, 0);
  assert.deepEqual(verdict.reasons, []);
  // --fail-on names error_rate: the default gate is replaced, not added.
  assert.deepEqual(verdict.gates.map((g: { expression: string }) => g.expression), [
    "error_rate>1%",
    "output_tokens_per_s<0.001",
    "ttft.p99<=20s",
    "tpot.p50<=5s",
  ]);
  assert.equal(verdict.baseline, null);
  const summary = await readJson(join(dir, "summary.json"));
  assert.equal(summary.slo.attainment_pct, 100);
  assert.deepEqual(summary.slo.objectives, ["ttft.p99<=20s", "tpot.p50<=5s"]);
  assert.ok(summary.slo.goodput_rps > 0);
  assert.ok(summary.slo.goodput_rps <= summary.throughput.requests_per_s + 0.001);
  const xml = await Deno.readTextFile(junit);
  assert.equal(XMLValidator.validate(xml), true);
  assert.equal((xml.match(/<testcase /g) ?? []).length, 4);
  assert.doesNotMatch(xml, /<failure/);
  const md = await Deno.readTextFile(join(dir, "report.md"));
  assert.match(md, /## Verdict: pass/);
  assert.match(md, /SLO attainment \| 100\.0 %/);
  const html = await Deno.readTextFile(join(dir, "report.html"));
  assert.match(html, /Verdict: pass/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("a failing gate exits 3 with the reason printed last and saved in verdict.json and JUnit", async () => {
  const out = await Deno.makeTempDir();
  const junit = join(out, "junit.xml");
  const r = await llmload([
    "run",
    ...SMALL,
    "--out",
    out,
    "--quiet",
    "--fail-on",
    "ttft.p50>0.001ms",
    "--junit",
    junit,
  ]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(lastLine(r.stderr), /^ {2}ttft\.p50 [\d.]+ ms > 0 ms$/);
  const dir = await onlyRunDir(out, [junit]);
  const verdict = await readJson(join(dir, "verdict.json"));
  assert.equal(verdict.verdict, "fail");
  assert.equal(verdict.exit_code, 3);
  assert.equal(verdict.reasons.length, 1);
  assert.equal(verdict.gates[1].metric, "ttft_ms.p50");
  assert.equal(verdict.gates[1].failed, true);
  const xml = await Deno.readTextFile(junit);
  assert.equal(XMLValidator.validate(xml), true);
  assert.match(xml, /<testsuites name="llmload" tests="2" failures="1">/);
  assert.match(xml, /<failure message="ttft\.p50 [\d.]+ ms &gt; 0 ms">/);
  assert.match(await Deno.readTextFile(join(dir, "report.md")), /## Verdict: FAIL/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("mass 500s fail the default error-rate gate: exit 3, never 0", async () => {
  const out = await Deno.makeTempDir();
  const r = await llmload(["run", ...SMALL, "--out", out, "--quiet", "--sim-fault-500", "1"]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(lastLine(r.stderr), /error_rate 100 % > 5 % \(default error-rate gate\)/);
  // --no-default-gates: the same run is only data.
  const off = await llmload([
    "run",
    ...SMALL,
    "--out",
    out,
    "--quiet",
    "--sim-fault-500",
    "1",
    "--no-default-gates",
  ]);
  assert.equal(off.code, 0, off.stderr);
  await Deno.remove(out, { recursive: true });
});

Deno.test("a slower simulator against a stored baseline is a regression: exit 3; the same one passes", async () => {
  const out = await Deno.makeTempDir();
  const first = await llmload(["run", ...SMALL, "--out", out, "--quiet"]);
  assert.equal(first.code, 0, first.stderr);
  const base = await onlyRunDir(out);
  const slow = await llmload([
    "run",
    ...SMALL,
    "--out",
    join(out, "slow"),
    "--quiet",
    "--sim-itl",
    "60ms",
    "--baseline",
    base,
  ]);
  assert.equal(slow.code, 3, slow.stderr);
  assert.match(
    slow.stderr,
    /regression: tpot_ms_p50 [\d.]+ vs baseline [\d.]+ \(\+\d+\.\d %, tolerance 10 %\)/,
  );
  const verdict = await readJson(join(await onlyRunDir(join(out, "slow")), "verdict.json"));
  assert.equal(verdict.baseline.run_dir, base);
  assert.ok(
    verdict.baseline.regressions.some((x: { metric: string }) => x.metric === "itl_ms_p50"),
  );
  // `latest` finds the stored run of the same recipe; a generous tolerance (21×) absorbs a busy
  // machine's timing noise (p99 ITL has been seen 5× its quiet value).
  const again = await llmload([
    "run",
    ...SMALL,
    "--out",
    out,
    "--quiet",
    "--baseline",
    "latest",
    "--baseline-tolerance",
    "2000%",
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    lastLine(again.stderr),
    new RegExp(`^verdict: pass \\(11 checks, baseline ${base}\\)$`),
  );
  await Deno.remove(out, { recursive: true });
});

Deno.test("bad gate flags are one usage error listing each (exit 2, nothing written); an unreachable target exits 4", async () => {
  const out = await Deno.makeTempDir();
  const r = await llmload([
    "run",
    ...SMALL,
    "--out",
    out,
    "--slo",
    "ttft.p99<=500",
    "--fail-on",
    "error_rate>1,goodput<2ms",
    "--baseline",
    join(out, "nope"),
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--slo "ttft\.p99<=500": a latency needs a unit/);
  assert.match(r.stderr, /--fail-on "error_rate>1": error_rate is a percentage/);
  assert.match(r.stderr, /--fail-on "goodput<2ms": goodput is a rate per second/);
  assert.equal([...Deno.readDirSync(out)].length, 0);
  const missing = await llmload(["run", ...SMALL, "--out", out, "--baseline", join(out, "nope")]);
  assert.equal(missing.code, 2);
  assert.match(
    missing.stderr,
    /--baseline ".*nope" is neither a run directory .* nor a sweep directory/,
  );
  assert.equal([...Deno.readDirSync(out)].length, 0);

  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const down = await llmload([
    "run",
    "--url",
    `http://127.0.0.1:${port}/v1`,
    "--requests",
    "1",
    "--out",
    out,
    "--fail-on",
    "ttft.p99>1s",
  ]);
  assert.equal(down.code, 4);
  await Deno.remove(out, { recursive: true });
});

Deno.test("a sweep fails when one point fails its gate, says which, and sweep.json carries every point's verdict", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(dir, "lengths.ts"),
    `export default {
  name: "lengths",
  description: "short then long answers",
  load: { concurrency: 2 },
  request: { promptTokens: 16, ignoreEos: true },
  stop: { requests: 4 },
  sweep: { axes: { maxTokens: [2, 60] } },
};
`,
  );
  // The simulator's 10 ms per token: ~10 ms of decode at 2 tokens, ~590 ms at 60.
  const r = await llmload(
    [
      "run",
      "./lengths.ts",
      "--target",
      "sim",
      "--quiet",
      "--out",
      "res",
      "--fail-on",
      "e2e.p50>300ms",
    ],
    { cwd: dir },
  );
  assert.equal(r.code, 3, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.match(lines.at(-1)!, /^verdict: FAIL \(exit 3\): 1 of 2 points failed$/);
  assert.match(r.stderr, /^point 2 \S+: FAIL\n {2}e2e\.p50 [\d.]+ ms > 300 ms$/m);
  const sweepDir = r.stdout.match(/results: (.+)/)![1];
  const sweep = await readJson(join(dir, sweepDir, "sweep.json"));
  assert.deepEqual(
    sweep.points.map((p: { verdict: { verdict: string } }) => p.verdict.verdict),
    ["pass", "fail"],
  );
  const md = await Deno.readTextFile(join(dir, sweepDir, "report.md"));
  assert.match(md, /## Verdict: FAIL \(exit 3\): 1 of 2 points failed/);
  assert.match(md, /- #2 maxTokens=60: FAIL: e2e\.p50 [\d.]+ ms > 300 ms/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a nightly sweep with --baseline latest compares each point with last night's same point", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(dir, "nightly.ts"),
    `export default {
  name: "nightly",
  description: "two concurrency points",
  request: { promptTokens: 16, maxTokens: 12, ignoreEos: true },
  stop: { requests: 6 },
  sweep: { axes: { concurrency: [1, 2] } },
};
`,
  );
  const night = (extra: string[]) =>
    llmload(
      ["run", "./nightly.ts", "--target", "sim", "--quiet", "--out", "res", ...extra],
      { cwd: dir },
    );
  const first = await night(["--baseline", "latest"]);
  assert.equal(first.code, 0, first.stderr); // the first night has nothing to compare with
  // The same server again (a 21× tolerance absorbs a busy machine's noise): every point passes.
  const same = await night(["--baseline", "latest", "--baseline-tolerance", "2000%"]);
  assert.equal(same.code, 0, same.stderr);
  // A slower server: every point regresses against the same point of an earlier night.
  const slow = await night(["--baseline", "latest", "--sim-itl", "60ms"]);
  assert.equal(slow.code, 3, slow.stderr);
  assert.match(lastLine(slow.stderr), /^verdict: FAIL \(exit 3\): 2 of 2 points failed$/);
  const slowSweep = join(dir, slow.stdout.match(/results: (.+)/)![1]);
  const sweep = await readJson(join(slowSweep, "sweep.json"));
  for (const [i, p] of sweep.points.entries()) {
    const { baseline } = await readJson(join(slowSweep, p.run_id, "verdict.json"));
    assert.ok(baseline, `point ${i + 1} has a baseline`);
    const baseMeta = await readJson(join(baseline.run_dir, "meta.json"));
    assert.equal(baseMeta.load.concurrency, [1, 2][i], "the same point of an earlier night");
    assert.notEqual(join(baseline.run_dir, ".."), slowSweep);
    assert.ok(baseline.regressions.length > 0);
  }
  await Deno.remove(dir, { recursive: true });
});
