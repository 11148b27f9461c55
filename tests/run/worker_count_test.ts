import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { chooseWorkers, EVENTS_PER_WORKER } from "../../lib/run/workers/worker_count.ts";

const plan = (...args: string[]) => parseRunArgs(["--duration", "10s", ...args], {}).plan;

Deno.test("--workers auto: event rate ÷ 40k per worker, capped by cores less the main thread and a local server", () => {
  const cases: [string[], number, number][] = [
    // c=1000 at the assumed 10 ms ITL: 100k events/s → 3 workers.
    [["--url", "http://10.0.0.5:8000/v1", "--concurrency", "1000"], 16, 3],
    // The same on a loopback server: one core is left to it; 4 cores → at most 2 workers.
    [["--url", "http://127.0.0.1:8000/v1", "--concurrency", "1000"], 4, 2],
    [["--target", "sim", "--concurrency", "1000"], 2, 1],
    // The simulator's ITL is known: 50 ms → 20k events/s → 1.
    [["--target", "sim", "--sim-itl", "50ms", "--concurrency", "1000"], 16, 1],
    // Open loop: 400 req/s × 1000 tokens = 400k events/s → 10.
    [["--url", "http://10.0.0.5/v1", "--rate", "400", "--max-tokens", "1000"], 32, 10],
    // Stages use their peak.
    [["--url", "http://10.0.0.5/v1", "--concurrency-stages", "5s@10,5s@2000"], 64, 5],
  ];
  for (const [args, cores, want] of cases) {
    const choice = chooseWorkers(plan(...args, "--workers", "auto"), { cores });
    assert.equal(choice.count, want, `${args.join(" ")} on ${cores} cores: ${choice.reason}`);
    assert.equal(choice.requested, "auto");
  }
  const c = chooseWorkers(plan("--concurrency", "1000", "--workers", "auto"), { cores: 16 });
  assert.equal(c.expected_events_per_s, 100_000);
  assert.ok(c.expected_events_per_s! / EVENTS_PER_WORKER <= c.count);
});

Deno.test("--workers: absent is 1; N is taken as given; bad values and impossible splits are usage errors", () => {
  assert.deepEqual(chooseWorkers(plan("--concurrency", "4"), { cores: 8 }), {
    count: 1,
    requested: 1,
    reason: "as given",
    cores: 8,
  });
  assert.equal(chooseWorkers(plan("--concurrency", "4", "--workers", "3"), { cores: 2 }).count, 3);
  for (const bad of ["0", "1.5", "many", ""]) {
    assert.throws(() => plan("--workers", bad), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /--workers must be a whole number ≥ 1 or "auto"/);
      return true;
    });
  }
  assert.throws(
    () =>
      chooseWorkers(plan("--rate", "5", "--max-in-flight", "2", "--workers", "4"), { cores: 8 }),
    /give at most 2 workers/,
  );
});

Deno.test("a closed loop never gets more workers than virtual users", () => {
  const c = chooseWorkers(plan("--concurrency", "3", "--workers", "8"), { cores: 16 });
  assert.equal(c.count, 3);
  assert.equal(c.reason, "as given; capped at 3 (one worker per virtual user at most)");
  assert.equal(
    chooseWorkers(plan("--concurrency", "1", "--workers", "auto"), { cores: 64 }).count,
    1,
  );
  // Open loops have no users to run out of.
  assert.equal(chooseWorkers(plan("--rate", "1", "--workers", "4"), { cores: 2 }).count, 4);
});
