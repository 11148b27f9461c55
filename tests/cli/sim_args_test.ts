import assert from "node:assert/strict";
import { parseSimArgs } from "../../lib/cli/sim_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

Deno.test("sim flags map onto profile, engine overrides, faults and adapters", () => {
  const { options, truthLog } = parseSimArgs([
    "--port",
    "0",
    "--profile",
    "llama-8b-h100",
    "--chunked-prefill",
    "off",
    "--max-num-batched-tokens",
    "2048",
    "--max-loras",
    "2",
    "--lora-load-time",
    "30ms",
    "--lora-adapters",
    "sql, chat=/models/chat",
    "--fault-500",
    "0.01",
    "--fault-stall",
    "0.02:3s",
    "--retry-after",
    "1",
    "--truth-log",
    "truth.jsonl",
  ]);
  assert.equal(options.port, 0);
  assert.equal(options.profile, "llama-8b-h100");
  assert.deepEqual(options.engine, {
    maxNumBatchedTokens: 2048,
    chunkedPrefill: false,
    maxLoras: 2,
    loraLoadMs: 30,
  });
  assert.deepEqual(options.faults, {
    http500: 0.01,
    stall: { rate: 0.02, ms: 3000 },
    retryAfterS: 1,
  });
  assert.deepEqual(options.loraAdapters, ["sql", "chat=/models/chat"]);
  assert.equal(truthLog, "truth.jsonl");
});

Deno.test("sim defaults: port 8000 on 127.0.0.1, no engine overrides or faults", () => {
  const { options } = parseSimArgs([]);
  assert.equal(options.port, 8000);
  assert.equal(options.hostname, "127.0.0.1");
  assert.equal(options.engine, undefined);
  assert.equal(options.faults, undefined);
});

Deno.test("bad sim flags are all reported at once, each naming its flag", () => {
  try {
    parseSimArgs(["--profile", "gpt-9", "--fault-reset", "2", "--chunked-prefill", "maybe"]);
    assert.fail("expected a usage error");
  } catch (e) {
    assert.ok(e instanceof UsageError);
    assert.equal(e.problems.length, 3, e.problems.join("\n"));
    for (const flag of ["--profile", "--fault-reset", "--chunked-prefill"]) {
      assert.ok(e.problems.some((p) => p.includes(flag)), flag);
    }
  }
});

Deno.test("--usage off and --chunk-tokens N reach the simulator options; bad values are refused", () => {
  const ok = parseSimArgs(["--usage", "off", "--chunk-tokens", "8"]);
  assert.equal(ok.options.usage, false);
  assert.equal(ok.options.chunkTokens, 8);
  assert.equal(parseSimArgs(["--usage", "on"]).options.usage, undefined);
  try {
    parseSimArgs(["--usage", "never", "--chunk-tokens", "0"]);
    assert.fail("expected a usage error");
  } catch (e) {
    assert.ok(e instanceof UsageError);
    assert.ok(e.problems.some((p) => p.includes("--usage")), e.problems.join("\n"));
    assert.ok(e.problems.some((p) => p.includes("--chunk-tokens")), e.problems.join("\n"));
  }
});

Deno.test("--reasoning-tokens N reaches the simulator options; a negative or fractional N is refused", () => {
  assert.equal(parseSimArgs(["--reasoning-tokens", "100"]).options.reasoningTokens, 100);
  assert.equal(parseSimArgs(["--reasoning-tokens", "0"]).options.reasoningTokens, 0);
  for (const bad of ["-1", "2.5", "x"]) {
    assert.throws(
      () => parseSimArgs(["--reasoning-tokens", bad]),
      (e: unknown) =>
        e instanceof UsageError && e.problems.some((p) => p.includes("--reasoning-tokens")),
    );
  }
});
