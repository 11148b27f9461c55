import assert from "node:assert/strict";
import { join } from "node:path";
import { levelRunArgs, parseCalibrateArgs } from "../../lib/cli/calibrate_args.ts";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { calibrateLevel } from "../../lib/campaign/calibrate.ts";
import { readJsonl } from "../helpers/run_in_process.ts";

const quietIo = { log: () => {}, isTty: false, quiet: true };

Deno.test("calibrate at c=4 against the simulator compares every request and finds small errors", async () => {
  const out = await Deno.makeTempDir();
  try {
    const args = parseCalibrateArgs([
      "--levels",
      "4",
      "--duration",
      "1s",
      "--output-tokens",
      "20",
    ])!;
    const truthLog = join(out, "truth.jsonl");
    const { plan } = parseRunArgs(levelRunArgs(args, { concurrency: 4, out, truthLog }), {});
    const level = await calibrateLevel(plan, quietIo);
    const e = level.error;
    assert.equal(level.concurrency, 4);
    assert.ok(e.matched >= 4, `compared ${e.matched}`);
    assert.equal(e.warmup, 4); // each user's first request
    assert.equal(e.matched, e.requests - e.warmup);
    assert.equal(e.ttft.count, e.matched);
    assert.equal(e.itl.count, e.matched * 19);
    // Loose bounds (a shared CI box), but far below what a broken join or clock would give:
    // a mismatched request or an origin error is off by the TTFT (50 ms) or by seconds.
    assert.ok(Math.abs(e.ttft.p50!) < 25, `TTFT error p50 ${e.ttft.p50}`);
    assert.ok(Math.abs(e.itl.p50!) < 5, `ITL error p50 ${e.itl.p50}`);
    assert.ok(e.transit.p50! > -25 && e.transit.p50! < 25, `transit p50 ${e.transit.p50}`);
    if (level.clientCpu !== null) {
      assert.ok(level.clientCpu > 0 && level.clientCpu < 2, `client CPU ${level.clientCpu}`);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the simulator's truth log (--sim-truth-log) has one line per request: epoch-ms receive and per-token write times matching the run's records", async () => {
  const out = await Deno.makeTempDir();
  try {
    const truthLog = join(out, "truth.jsonl");
    const before = Date.now();
    const { plan } = parseRunArgs([
      "--target",
      "sim",
      "--sim-ttft",
      "20ms",
      "--sim-itl",
      "5ms",
      "--sim-truth-log",
      truthLog,
      "--concurrency",
      "3",
      "--requests",
      "6",
      "--max-tokens",
      "7",
      "--ignore-eos",
      "--prompt-tokens",
      "16",
      "--out",
      out,
      "--quiet",
    ], {});
    const level = await calibrateLevel(plan, quietIo);
    const after = Date.now();
    const records = await readJsonl(join(level.runDir, "requests.jsonl"));
    const truth = await readJsonl(truthLog);
    // /tokenize calls before the run are not generation requests: exactly one line per request.
    assert.equal(truth.length, 6);
    const byId = new Map(truth.map((t) => [t.requestId, t]));
    for (const r of records) {
      const t = byId.get(r.request_id);
      assert.ok(t, `no truth line for ${r.request_id}`);
      assert.equal(t.status, 200);
      assert.equal(t.tokenTimes.length, 7);
      assert.equal(t.completionTokens, 7);
      // Epoch ms (the wall clock may step a little against the monotonic one: ±50 ms).
      assert.ok(t.receivedAt >= before - 50 && t.endedAt <= after + 50, "epoch ms within the run");
      const times = [t.receivedAt, ...t.tokenTimes, t.endedAt];
      for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1], "ascending");
      // Roughly the simulator's schedule (TTFT 20 ms, then 6 gaps of 5 ms: 50 ms). On a busy
      // machine its timers fire late and a late engine catches up by writing several tokens at
      // once, so the gaps can shrink; it never writes ahead of the schedule, so the last token
      // comes at least half the schedule after the request arrived.
      const ttft = t.tokenTimes[0] - t.receivedAt, last = t.tokenTimes[6] - t.receivedAt;
      assert.ok(ttft >= 10 && ttft < 5000, `TTFT ${ttft}`);
      assert.ok(last >= 25 && last < 5000, `last token ${last} ms after arrival`);
    }
    assert.equal(level.error.matched, 6);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
