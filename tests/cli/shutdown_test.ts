import assert from "node:assert/strict";
import { startShutdown, STOP_EXIT_CODES } from "../../lib/cli/shutdown.ts";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

/** A shutdown whose signals the test fires by hand. */
function manual(graceMs: number) {
  let fire: (s: "SIGINT" | "SIGTERM") => void = () => {};
  let listening = false;
  const lines: string[] = [];
  const exits: number[] = [];
  const shutdown = startShutdown({
    graceMs,
    err: (l) => lines.push(l),
    exitNow: (code) => exits.push(code),
    listen: (h) => {
      fire = h;
      listening = true;
      return () => (listening = false);
    },
  });
  return {
    shutdown,
    fire: (s: "SIGINT" | "SIGTERM") => fire(s),
    lines,
    exits,
    listening: () => listening,
  };
}

Deno.test("first signal stops scheduling only; the second cancels in-flight requests; the third exits with the signal's code", () => {
  const m = manual(600_000);
  assert.equal(m.shutdown.exitCode(0), 0);
  m.fire("SIGTERM");
  assert.deepEqual([m.shutdown.stop.aborted, m.shutdown.cancel.aborted], [true, false]);
  assert.equal(m.shutdown.reason(), "SIGTERM");
  assert.equal(m.shutdown.exitCode(0), 143);
  m.fire("SIGTERM");
  assert.equal(m.shutdown.cancel.aborted, true);
  assert.deepEqual(m.exits, []);
  m.fire("SIGINT");
  assert.deepEqual(m.exits, [130]);
  m.shutdown.dispose();
  assert.equal(m.listening(), false);
});

Deno.test("a zero grace cancels in-flight requests with the first signal", () => {
  const m = manual(0);
  m.fire("SIGINT");
  assert.deepEqual([m.shutdown.stop.aborted, m.shutdown.cancel.aborted], [true, true]);
  assert.match(m.lines.join("\n"), /SIGINT received: stopping, cancelling in-flight requests/);
  assert.equal(m.shutdown.exitCode(0), 130);
  m.shutdown.dispose();
});

Deno.test("the grace timer cancels in-flight requests when it runs out", async () => {
  const m = manual(1);
  m.fire("SIGINT");
  assert.equal(m.shutdown.cancel.aborted, false);
  await new Promise<void>((r) => m.shutdown.cancel.addEventListener("abort", () => r()));
  assert.equal(m.shutdown.cancel.aborted, true);
  m.shutdown.dispose();
});

Deno.test("stop reasons map to the documented exit codes", () => {
  assert.deepEqual(STOP_EXIT_CODES, { SIGINT: 130, SIGTERM: 143, "max-runtime": 1 });
});

Deno.test("--wait-ready, --max-runtime and --grace parse into plan.unattended; bad values are all listed", () => {
  const base = ["--target", "sim", "--requests", "1"];
  assert.deepEqual(parseRunArgs(base, {}).plan.unattended, {
    waitReadyMs: undefined,
    maxRuntimeMs: undefined,
    graceMs: 10_000,
  });
  assert.deepEqual(
    parseRunArgs([...base, "--wait-ready", "300s", "--max-runtime", "2h", "--grace", "0"], {})
      .plan.unattended,
    { waitReadyMs: 300_000, maxRuntimeMs: 7_200_000, graceMs: 0 },
  );
  assert.throws(
    () =>
      parseRunArgs(
        [...base, "--wait-ready", "soon", "--max-runtime", "0s", "--grace", "later"],
        {},
      ),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.deepEqual(e.problems, [
        '--wait-ready must be a duration > 0 like 30s, 5m, 2h (got "soon")',
        '--max-runtime must be a duration > 0 like 30s, 5m, 2h (got "0s")',
        '--grace must be a duration ≥ 0 like 30s, 5m, 2h (got "later")',
      ]);
      return true;
    },
  );
});
