/**
 * Issue 18 end to end: a server that sends no usage and streams 10-token chunks, played by the
 * simulator over HTTP. Without a tokenizer the run estimates and says so; with one (given, or the
 * simulator's own rule under --target sim) it counts, in the main thread and in workers.
 */
import assert from "node:assert/strict";
import { startSim } from "../../lib/sim/mod.ts";
import { runInProcess } from "../helpers/run_in_process.ts";
import { llmload } from "../helpers/llmload_cli.ts";

const FIXTURE = new URL("../../fixtures/tokenizers/tiny-llama3/", import.meta.url).pathname;
const FAST = { ttftMs: 5, ttftPerPromptTokenMs: 0, itlMs: 1 };
const LOAD = ["--concurrency", "2", "--requests", "4", "--max-tokens", "40", "--ignore-eos"];

async function withNoUsageSim(fn: (url: string) => Promise<void>) {
  const sim = await startSim({ ...FAST, usage: false, chunkTokens: 10 });
  try {
    await fn(sim.baseUrl);
  } finally {
    await sim.close();
  }
}

Deno.test("no usage, no tokenizer: summary.json says estimate and the totals are not the chunk count", async () => {
  await withNoUsageSim(async (url) => {
    const r = await runInProcess(["--url", url, ...LOAD]);
    assert.equal(r.summary.output_tokens_source, "estimate");
    assert.equal(r.summary.tokens.output_source.estimate, 4);
    // The estimate follows the simulator's tokenizer rule, so here it is exact: 4 × 40, not
    // the 4 × 4 chunks that were counted before.
    assert.equal(r.summary.tokens.output_total, 160);
    for (const rec of r.records) {
      assert.equal(rec.output_tokens_source, "estimate");
      assert.deepEqual(rec.token_counts, [10, 10, 10, 10]);
    }
  });
});

Deno.test("--target sim --sim-usage off counts with the simulator's tokenizer, also in workers", async () => {
  const r = await runInProcess([
    "--target",
    "sim",
    "--sim-usage",
    "off",
    "--sim-chunk-tokens",
    "10",
    "--workers",
    "2",
    ...LOAD,
  ]);
  assert.equal(r.summary.output_tokens_source, "tokenizer");
  assert.equal(r.summary.tokens.output_total, 160);
  for (const rec of r.records) assert.deepEqual(rec.token_counts, [10, 10, 10, 10]);
});

Deno.test("--tokenizer counts output text when the server sends none, in workers too", async () => {
  await withNoUsageSim(async (url) => {
    for (const workers of ["1", "2"]) {
      const r = await runInProcess([
        "--url",
        url,
        "--tokenizer",
        FIXTURE,
        "--workers",
        workers,
        ...LOAD,
      ]);
      assert.equal(r.summary.output_tokens_source, "tokenizer", `--workers ${workers}`);
      for (const rec of r.records) {
        assert.equal(rec.output_tokens_source, "tokenizer");
        // 40 words through the fixture's tiny BPE vocabulary (it splits words into pieces): at
        // least a token per word, never the 4 chunks; the weights add up to the total.
        assert.ok(rec.output_tokens >= 40, `${rec.output_tokens}`);
        assert.equal(
          rec.token_counts.reduce((a: number, b: number) => a + b, 0),
          rec.output_tokens,
        );
      }
    }
  });
});

Deno.test("the terminal table warns loudly when output counts are estimates", async () => {
  await withNoUsageSim(async (url) => {
    const out = await Deno.makeTempDir();
    try {
      const r = await llmload(["run", "--url", url, "--out", out, ...LOAD]);
      assert.equal(r.code, 0, r.stderr);
      const all = r.stdout + r.stderr;
      assert.match(all, /warning: TPOT, ITL and tokens\/s are estimates: the server sent no usage/);
      assert.match(all, /pass --tokenizer/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
});
