import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { preconnectShare, preconnectTotal } from "../../lib/run/preconnect.ts";

const plan = (...args: string[]) =>
  parseRunArgs(["--url", "http://127.0.0.1:8000/v1", ...args], {}).plan;

Deno.test("auto preconnects one connection per user for closed loops of 64+ users only", () => {
  assert.deepEqual(preconnectTotal(plan("--concurrency", "1000"), "socket"), { total: 1000 });
  assert.deepEqual(preconnectTotal(plan("--concurrency", "64"), "socket"), { total: 64 });
  assert.equal(preconnectTotal(plan("--concurrency", "63"), "socket").total, 0);
  assert.equal(preconnectTotal(plan("--rate", "100"), "socket").total, 0);
  // A staged closed loop opens as many as its largest stage has users.
  assert.equal(
    preconnectTotal(plan("--concurrency-stages", "10s@100,10s@300"), "socket").total,
    300,
  );
});

Deno.test("auto skips a --ramp longer than the idle timeout and --start-at; N and off are as given", () => {
  assert.match(
    preconnectTotal(plan("--concurrency", "100", "--ramp", "10s"), "socket").skipped!,
    /--ramp longer than 4000 ms/,
  );
  assert.equal(preconnectTotal(plan("--concurrency", "100", "--ramp", "2s"), "socket").total, 100);
  assert.match(
    preconnectTotal(plan("--concurrency", "100", "--start-at", "+30s"), "socket").skipped!,
    /--start-at/,
  );
  assert.equal(preconnectTotal(plan("--rate", "5", "--preconnect", "8"), "socket").total, 8);
  assert.equal(
    preconnectTotal(plan("--concurrency", "500", "--preconnect", "off"), "socket").total,
    0,
  );
});

Deno.test("fetch never preconnects (no pool to fill); shards split the total as they split users", () => {
  const r = preconnectTotal(plan("--concurrency", "1000", "--preconnect", "50"), "fetch");
  assert.equal(r.total, 0);
  assert.match(r.skipped!, /fetch/);
  assert.equal(preconnectShare(1000, undefined), 1000);
  assert.equal(preconnectShare(1001, { index: 0, count: 2 }), 501);
  assert.equal(preconnectShare(1001, { index: 1, count: 2 }), 500);
});
