import assert from "node:assert/strict";
import { parseSearchArgs, searchBoundLine } from "../../lib/cli/search_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { llmload } from "../helpers/llmload_cli.ts";

function problems(args: string[]): string[] {
  try {
    parseSearchArgs(args, {});
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  return [];
}

Deno.test("search flags and run flags are checked together, every problem listed", () => {
  const p = problems([
    "--target",
    "sim",
    "--axis",
    "concurrency",
    "--min",
    "2.5",
    "--max",
    "0",
    "--precision",
    "fast",
    "--max-points",
    "0",
    "--attainment",
    "120%",
    "--concurrency",
    "8",
    "--prompt-tokens",
    "-3",
  ]);
  const has = (text: string) => assert.ok(p.some((x) => x.includes(text)), `${text} in ${p}`);
  has(`--min must be a whole number of users > 0 (got "2.5")`);
  has(`--max must be a whole number of users > 0 (got "0")`);
  has(`--precision must be a load > 0`);
  has(`--max-points must be a whole number ≥ 1 (got "0")`);
  has(`--attainment must be a percentage from 0 to 100`);
  has(`--concurrency cannot be used with llmload search: the search sets the concurrency`);
  has(`--prompt-tokens`);
});

Deno.test("a search needs --axis and at least one --slo", () => {
  const p = problems(["--target", "sim"]);
  assert.ok(p.some((x) => x.startsWith("--axis is required")), p.join("\n"));
  const q = problems(["--target", "sim", "--axis", "rate"]);
  assert.deepEqual(q, [`llmload search needs at least one --slo, e.g. --slo "ttft.p99<=500ms"`]);
  assert.ok(
    problems(["--target", "sim", "--axis", "speed", "--slo", "ttft.p99<=1s"])[0]
      .includes(`--axis must be rate or concurrency (got "speed")`),
  );
});

Deno.test("--min/--start/--max must be ordered", () => {
  const base = ["--target", "sim", "--axis", "rate", "--slo", "ttft.p99<=1s"];
  assert.deepEqual(problems([...base, "--min", "5", "--max", "2"]), [
    "--min (5) must not be above --max (2)",
  ]);
  assert.deepEqual(problems([...base, "--min", "1", "--max", "8", "--start", "9"]), [
    "--start (9) must lie between --min (1) and --max (8)",
  ]);
});

Deno.test("the search's flags map to bounds and criteria; the axis flag reaches the run plan", () => {
  const s = parseSearchArgs([
    "--target=sim",
    "--axis=rate",
    "--min",
    "0.5",
    "--max=40",
    "--start",
    "2",
    "--precision",
    "0.25",
    "--max-points",
    "9",
    "--attainment",
    "99%",
    "--max-error-rate",
    "0",
    "--slo",
    "ttft.p99<=500ms,tpot.p50<=40ms",
    "--fail-on",
    "e2e.p99>10s",
    "--arrival",
    "gamma",
    "--burstiness",
    "0.5",
    "--duration",
    "30s",
  ], {});
  assert.deepEqual(s.bounds, {
    axis: "rate",
    min: 0.5,
    max: 40,
    start: 2,
    precision: { value: 0.25, relative: false },
    maxPoints: 9,
  });
  assert.deepEqual(s.criteria.slo.map((g) => g.expression), ["ttft.p99<=500ms", "tpot.p50<=40ms"]);
  assert.deepEqual(s.criteria.failOn.map((g) => g.expression), ["e2e.p99>10s"]);
  assert.deepEqual([s.criteria.attainmentPct, s.criteria.maxErrorRatePct], [99, 0]);
  assert.equal(s.plan.load.mode, "open");
  assert.equal(s.plan.load.mode === "open" && s.plan.load.arrival, "gamma");
  assert.equal(
    searchBoundLine(s),
    "search: rate from 2 req/s (range 0.5–40, precision 0.25); at most 9 points of 30s each; at most 4m30s of load",
  );
  const c = parseSearchArgs(["--target", "sim", "--axis", "concurrency", "--slo", "ttft<=1s"], {});
  assert.deepEqual(c.bounds, {
    axis: "concurrency",
    min: 1,
    max: 1024,
    start: 1,
    precision: { value: 1, relative: false },
    maxPoints: 12,
  });
  const r = parseSearchArgs(["--target", "sim", "--axis", "rate", "--slo", "ttft<=1s"], {});
  assert.deepEqual(r.bounds.precision, { value: 5, relative: true });
});

Deno.test("llmload search exits 2 on a usage error and writes nothing", async () => {
  const cwd = await Deno.makeTempDir();
  try {
    const r = await llmload(["search", "--target", "sim", "--axis", "rate", "--rate", "3"], {
      cwd,
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: --rate cannot be used with llmload search/);
    assert.match(r.stderr, /error: llmload search needs at least one --slo/);
    assert.deepEqual([...Deno.readDirSync(cwd)], []);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("llmload search exits 3 when even --min fails the SLOs, after one point", async () => {
  const cwd = await Deno.makeTempDir();
  try {
    const r = await llmload([
      "search",
      "--target",
      "sim",
      "--axis",
      "concurrency",
      "--min",
      "2",
      "--slo",
      "ttft.p99<=1ms",
      "--requests",
      "4",
      "--max-tokens",
      "4",
      "-q",
    ], { cwd });
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /^search: concurrency from 2 users .*at most 12 points of 4 requests each/m,
    );
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(
      lines[lines.length - 1],
      "no concurrency meets the SLOs: even the lowest, 2 users (--min), fails",
    );
    assert.match(lines[lines.length - 2], /^results: results\/\d{8}-\d{6}-[0-9a-f]{4}-search$/);
    const dir = lines[lines.length - 2].slice("results: ".length);
    const doc = JSON.parse(await Deno.readTextFile(`${cwd}/${dir}/search.json`));
    assert.equal(doc.points.length, 1);
    assert.deepEqual(doc.answer, {
      value: null,
      runs: 0,
      confirmed: false,
      firstFail: 2,
      reason: "fails_at_min",
    });
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("llmload search --help describes the strategy and the exit codes", async () => {
  const r = await llmload(["search", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--axis rate\|concurrency/);
  assert.match(r.stdout, /must pass twice/);
  assert.match(r.stdout, /3 no load met the SLOs/);
});

Deno.test("llmload report redraws a search directory's reports from search.json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const doc = {
      search_id: "s",
      axis: "concurrency",
      unit: "users",
      slo: ["ttft.p99<=1s"],
      criteria: { attainment_pct: 90, max_error_rate_pct: 1, fail_on: [] },
      bounds: { min: 1, max: 8, start: 1, precision: "1", max_points: 12 },
      per_point: { duration_ms: 1000, requests: null, warmup_ms: null, warmup_requests: null },
      model: "m",
      base_url: "http://127.0.0.1:1/v1",
      interrupted: false,
      points: [],
      answer: { value: 8, runs: 2, confirmed: true, firstFail: null, reason: "at_max" },
    };
    await Deno.writeTextFile(`${dir}/search.json`, JSON.stringify(doc));
    const r = await llmload(["report", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `wrote ${dir}/report.md\nwrote ${dir}/report.html\n`);
    assert.match(
      await Deno.readTextFile(`${dir}/report.md`),
      /\*\*highest concurrency meeting the SLOs: 8 users \(confirmed twice; --max reached/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
