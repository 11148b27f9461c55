import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { startSim } from "../../lib/sim/mod.ts";

// The 1,000-line Mooncake fixture replayed 20× fast (~2 s) against a fast in-process simulator
// (no per-token prefill cost: 2.8M prompt tokens would otherwise queue for a minute).
const TRACE = new URL("../../fixtures/traces/mooncake_1000.jsonl", import.meta.url).pathname;

Deno.test("a 1,000-line Mooncake trace with hash_ids replays on the simulator with exact prompt and output lengths", async () => {
  const out = await Deno.makeTempDir();
  const sim = await startSim({ seed: 1, ttftMs: 5, itlMs: 1, ttftPerPromptTokenMs: 0 });
  const logs: string[] = [];
  try {
    const { plan } = parseRunArgs(
      ["--url", sim.baseUrl, "--trace", TRACE, "--trace-speed", "20", "--ignore-eos"]
        .concat(["--out", out]),
      {},
    );
    const outcome = await runBenchmark(plan, {
      log: (l: string) => logs.push(l),
      isTty: false,
      quiet: true,
    });
    const records = (await Deno.readTextFile(join(outcome.runDir, "requests.jsonl"))).trim()
      .split("\n").map((l) => JSON.parse(l)).sort((a, b) => a.index - b.index);
    const lines = (await Deno.readTextFile(TRACE)).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(records.length, 1000);
    records.forEach((rec, i) => {
      assert.equal(rec.requested_prompt_tokens, lines[i].input_length, `line ${i + 1}`);
      assert.equal(rec.prompt_tokens, lines[i].input_length, `line ${i + 1}: exact prompt length`);
      assert.equal(rec.output_tokens, lines[i].output_length, `line ${i + 1}`);
    });
    assert.ok(
      logs.some((l) => /trace prefix blocks: 512 tokens each, exact/.test(l)),
      logs.join("\n"),
    );
    const meta = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json")));
    assert.equal(meta.load.shape.kind, "trace");
  } finally {
    await sim.close();
    await Deno.remove(out, { recursive: true });
  }
});
