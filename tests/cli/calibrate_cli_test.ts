import assert from "node:assert/strict";
import { parseCalibrateArgs } from "../../lib/cli/calibrate_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { llmload } from "../helpers/llmload_cli.ts";

Deno.test("calibrate flags: defaults, and every bad flag named in one usage error", () => {
  const a = parseCalibrateArgs([])!;
  assert.deepEqual(a.levels, [1, 100, 1000]);
  assert.deepEqual([a.itlMs, a.ttftMs, a.durationMs, a.json], [10, 50, 10_000, false]);
  assert.deepEqual(parseCalibrateArgs(["--levels", "1000,1,50"])!.levels, [1, 50, 1000]);
  assert.equal(parseCalibrateArgs(["--help"]), undefined);
  assert.throws(
    () =>
      parseCalibrateArgs([
        "--levels",
        "1,x",
        "--itl",
        "fast",
        "--duration",
        "200ms",
        "--transport",
        "carrier-pigeon",
        "--output-tokens",
        "0",
        "--out",
        "/no/such/dir",
      ]),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.problems.length, 6, e.problems.join("\n"));
      for (
        const flag of ["--levels", "--itl", "--duration", "--transport", "--output-tokens", "--out"]
      ) {
        assert.ok(e.problems.some((p) => p.includes(flag)), `${flag} not named`);
      }
      return true;
    },
  );
  assert.throws(() => parseCalibrateArgs(["--levels", "5,5"]), /twice/);
  assert.throws(() => parseCalibrateArgs(["--bogus"]), UsageError);
});

Deno.test("llmload calibrate --json prints every level's errors and the conclusion; bad flags exit 2", async () => {
  const r = await llmload([
    "calibrate",
    "--levels",
    "2",
    "--duration",
    "1s",
    "--output-tokens",
    "10",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j).sort(), [
    "conclusion",
    "cores",
    "deno",
    "duration_ms",
    "itl_ms",
    "levels",
    "limits_ms",
    "output_tokens",
    "transport",
    "trustworthy_up_to",
    "ttft_ms",
  ]);
  assert.equal(j.levels.length, 1);
  const l = j.levels[0];
  assert.equal(l.concurrency, 2);
  assert.equal(l.warmup, 2);
  assert.ok(l.compared >= 2 && l.compared === l.requests - l.warmup, JSON.stringify(l));
  for (const k of ["ttft_error_ms", "itl_error_ms", "send_lateness_ms"]) {
    assert.deepEqual(Object.keys(l[k]).sort(), ["count", "max", "p50", "p99"]);
  }
  assert.ok(Math.abs(l.ttft_error_ms.p50) < 25, `TTFT error p50 ${l.ttft_error_ms.p50}`);
  assert.equal(typeof l.trustworthy, "boolean");
  assert.match(j.conclusion, /trustworthy/);

  const bad = await llmload(["calibrate", "--levels", "0", "--itl", "x"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--levels/);
  assert.match(bad.stderr, /--itl/);
  assert.equal(bad.stdout, "");
});

Deno.test("llmload calibrate prints the table and a one-line conclusion", async () => {
  const r = await llmload([
    "calibrate",
    "--levels",
    "1",
    "--duration",
    "1s",
    "--output-tokens",
    "5",
    "--transport",
    "socket",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /socket transport/);
  assert.match(r.stdout, /\| concurrency \| requests \| compared \| TTFT err p50/);
  assert.match(r.stdout, /^\| 1 +\|/m);
  assert.match(r.stdout.trimEnd().split("\n").at(-1)!, /trustworthy (up to c≈1|even)/);
});
