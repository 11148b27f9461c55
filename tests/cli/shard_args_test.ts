import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const parse = (args: string[]) => parseRunArgs(["--target", "sim", ...args], {}, { nowMs: NOW });

Deno.test("--shard and --start-at land in the plan; without them the plan has neither", () => {
  const { plan } = parse(["--rate", "5", "--shard", "1/3", "--start-at", "2026-11-27T12:05:00Z"]);
  assert.deepEqual(plan.shard, { index: 1, count: 3 });
  assert.equal(plan.startAtEpochMs, NOW + 5 * 60_000);
  const plain = parse(["--rate", "5"]).plan;
  assert.equal(plain.shard, undefined);
  assert.equal(plain.startAtEpochMs, undefined);
  assert.equal(parse(["--start-at", "+10s"]).plan.startAtEpochMs, NOW + 10_000);
});

Deno.test("bad --shard, --start-at and a closed-loop --requests below the shard count are listed together", () => {
  let caught: UsageError | undefined;
  try {
    parse(["--concurrency", "4", "--requests", "2", "--shard", "0/3", "--start-at", "+2d"]);
  } catch (e) {
    caught = e as UsageError;
  }
  assert.ok(caught instanceof UsageError);
  assert.equal(caught.problems.length, 2);
  assert.match(caught.problems[0], /--requests 2 cannot be split over 3 shards .* at least 3/);
  assert.match(caught.problems[1], /--start-at must be .* \(got "\+2d"\)/);
  assert.throws(
    () => parse(["--rate", "5", "--shard", "3/3"]),
    (e: unknown) => e instanceof UsageError && /--shard "3\/3": expected i\/N/.test(e.message),
  );
  // An open loop's --requests counts the global arrivals: any count splits.
  assert.equal(parse(["--rate", "5", "--requests", "2", "--shard", "0/3"]).plan.stop.requests, 2);
});

Deno.test("--start-at is refused for a sweep and a LoRA compare, whose later runs would start late", async () => {
  const { runSweep } = await import("../../lib/campaign/run_sweep.ts");
  const { runLoraCompare } = await import("../../lib/campaign/lora_compare.ts");
  const out = await Deno.makeTempDir();
  try {
    const plan =
      parseRunArgs(["--target", "sim", "--rate", "5", "--start-at", "+1h", "--out", out], {})
        .plan;
    const io = { log: () => {}, isTty: false, quiet: true };
    await assert.rejects(
      () =>
        runSweep([{ index: 1, plan }, { index: 2, plan }], io, { scenario: "s", axes: [], out }),
      (e: unknown) => e instanceof UsageError && /--start-at .* sweep/.test(e.message),
    );
    const compare = parseRunArgs([
      ...["--target", "sim", "--rate", "5", "--start-at", "+1h", "--out", out],
      ...["--adapters", "a,b", "--lora-mode", "compare", "--baseline-adapter", "a"],
    ], {}).plan;
    await assert.rejects(
      () => runLoraCompare(compare, io),
      (e: unknown) => e instanceof UsageError && /--start-at .*compare/.test(e.message),
    );
    // Refused before anything was written.
    assert.deepEqual([...Deno.readDirSync(out)], []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
