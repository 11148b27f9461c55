import assert from "node:assert/strict";
import { join } from "node:path";
import { finish, spawnLlmload } from "../helpers/llmload_cli.ts";
import { waitFor } from "../helpers/process_alive.ts";

// Issue 18: requests llmload cancels itself (a signal, --max-runtime, the end of --grace) are
// not server errors, and an interrupted run's verdict is "interrupted" with the process's real
// exit code. Each test is a child `deno run main.ts` against the built-in simulator.

/** Every request takes ~1 s (100 tokens, 10 ms apart): 8 are always in flight. */
const LOAD = [
  "run",
  "--target",
  "sim",
  "--sim-itl",
  "10ms",
  "--max-tokens",
  "100",
  "--ignore-eos",
  "--concurrency",
  "8",
  "--duration",
  "30s",
  "--grace",
  "0",
  "--gpu-sampler",
  "off",
];

const runDir = (out: string): string | undefined =>
  [...Deno.readDirSync(out)].filter((e) => e.isDirectory).map((e) => join(out, e.name))[0];

/** Whole lines of requests.jsonl so far (0 before the file exists). */
function lines(dir: string | undefined): number {
  try {
    return Deno.readTextFileSync(join(dir!, "requests.jsonl")).split("\n").length - 1;
  } catch {
    return 0;
  }
}

const json = (path: string) => JSON.parse(Deno.readTextFileSync(path));

/** What every interrupted run must show: see the module comment. */
function assertInterrupted(
  out: string,
  r: { code: number; stdout: string; stderr: string },
  reason: string,
) {
  const dir = runDir(out)!;
  const recs = Deno.readTextFileSync(join(dir, "requests.jsonl")).trimEnd().split("\n")
    .map((l) => JSON.parse(l));
  const cancelled = recs.filter((x) => x.error?.kind === "cancelled").length;
  assert.ok(cancelled > 0, "--grace 0 cancelled the requests in flight");
  assert.equal(recs.filter((x) => x.error && x.error.kind !== "cancelled").length, 0);

  const summary = json(join(dir, "summary.json"));
  assert.equal(summary.interrupted, true);
  assert.equal(summary.interrupt_reason, reason);
  assert.equal(summary.requests.failed, 0, "our own cancellations are not failures");
  assert.equal(summary.requests.cancelled, cancelled);
  assert.equal(
    summary.requests.total,
    summary.requests.ok + summary.requests.failed + summary.requests.cancelled +
      summary.requests.dropped,
  );
  assert.equal(summary.errors.cancelled.count, cancelled, "still listed for visibility");

  const verdict = json(join(dir, "verdict.json"));
  assert.equal(verdict.verdict, "interrupted");
  assert.equal(verdict.exit_code, r.code, "verdict.json says the process's real exit code");
  assert.equal(verdict.interrupt_reason, reason);
  const errorGate = verdict.gates.find((g: { kind: string }) => g.kind === "default");
  assert.equal(errorGate.value, 0, "error_rate against a healthy simulator");
  assert.equal(errorGate.failed, false);

  const meta = json(join(dir, "meta.json"));
  assert.equal(meta.interrupted, true);
  assert.equal(meta.interrupt_reason, reason);

  const report = Deno.readTextFileSync(join(dir, "report.md"));
  assert.match(report, /Verdict: interrupted/);
  assert.doesNotMatch(report, /FAIL/);
  assert.doesNotMatch(Deno.readTextFileSync(join(dir, "report.html")), /FAIL/);
  assert.match(r.stderr, new RegExp(`verdict: interrupted \\(${reason}, exit ${r.code}\\)`));
  assert.doesNotMatch(r.stderr, /FAIL/);

  const [history] = Deno.readTextFileSync(join(out, "history.jsonl")).trimEnd().split("\n")
    .map((l) => JSON.parse(l));
  assert.equal(history.verdict, "interrupted");
  assert.equal(history.interrupted, true);
  assert.equal(history.error_rate_pct, 0);
  assert.equal(history.requests_failed, 0);
}

/** Starts the load, waits for finished requests, sends `signal`, returns the result. */
async function interruptWith(out: string, signal: "SIGTERM" | "SIGINT") {
  const child = spawnLlmload([...LOAD, "--out", out]);
  // Generous for a loaded machine: startup and the first ~1 s requests.
  const started = await waitFor(() => lines(runDir(out)) >= 8, 60_000);
  child.kill(signal);
  const r = await finish(child);
  assert.ok(started, r.stderr);
  return r;
}

Deno.test("SIGTERM with --grace 0: exit 143; cancelled requests are no errors; verdict, summary, reports and history say interrupted", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await interruptWith(out, "SIGTERM");
    assert.equal(r.code, 143, r.stderr);
    assertInterrupted(out, r, "SIGTERM");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("SIGINT with --grace 0: exit 130, verdict interrupted with exit_code 130, error rate 0", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await interruptWith(out, "SIGINT");
    assert.equal(r.code, 130, r.stderr);
    assertInterrupted(out, r, "SIGINT");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("--max-runtime with --grace 0: exit 1, verdict interrupted with exit_code 1, error rate 0", async () => {
  const out = await Deno.makeTempDir();
  try {
    // Long enough for finished requests even on a loaded machine; the run lasts 30 s otherwise.
    const r = await finish(spawnLlmload([...LOAD, "--max-runtime", "8s", "--out", out]));
    assert.equal(r.code, 1, r.stderr);
    assert.ok(lines(runDir(out)) >= 1, "some requests finished before the limit");
    assertInterrupted(out, r, "max-runtime");
    assert.match(r.stderr.trimEnd().split("\n").at(-1)!, /^error: --max-runtime 8s reached/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
