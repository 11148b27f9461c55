/**
 * Sessions against the real simulator over 127.0.0.1 (issue 20's done-when): a ShareGPT file of
 * 3-turn conversations runs as sessions; every later turn carries the whole history (prompt
 * tokens grow turn by turn by more than the previous answer), and TTFT by turn falls with the
 * simulator's prefix cache on and not with it off. Bounded: 4 sessions of 3 turns per run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";

const SHAREGPT = new URL("../../fixtures/datasets/sharegpt_3turn.json", import.meta.url).pathname;
const quietIo = { log: () => {}, isTty: false, quiet: true };

// A first turn of ~1500 tokens and short later turns: with the cache, a later turn's prefill is
// only its new tokens; without it, the whole history again.
async function sessionsRun(extra: string[]) {
  const out = await Deno.makeTempDir();
  const { plan } = parseRunArgs([
    ...["--target", "sim", "--sim-profile", "llama-8b-h100", "--dataset", SHAREGPT],
    ...["--sessions", "--concurrency", "2", "--requests", "12", "--max-tokens", "24"],
    ...["--ignore-eos", "--out", out, ...extra],
  ], {});
  const outcome = await runBenchmark(plan, quietIo);
  const text = await Deno.readTextFile(join(outcome.runDir, "requests.jsonl"));
  const records = text.trim().split("\n").map((l) => JSON.parse(l));
  const summary = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "summary.json")));
  await Deno.remove(out, { recursive: true });
  return { records, summary };
}

Deno.test("ShareGPT sessions: every turn carries the full history, and the cache makes later turns fast", async () => {
  const on = await sessionsRun(["--sim-prefix-caching", "on"]);
  assert.equal(on.records.length, 12);
  const bySession = Map.groupBy(on.records, (r) => r.session_id as number);
  assert.equal(bySession.size, 4);
  for (const [id, turns] of bySession) {
    turns.sort((a, b) => a.turn - b.turn);
    assert.deepEqual(turns.map((t) => t.turn), [1, 2, 3], `session ${id}`);
    assert.equal(new Set(turns.map((t) => t.user)).size, 1, "a session stays with its user");
    for (let i = 1; i < turns.length; i++) {
      assert.equal(turns[i].error, null);
      // The history holds the previous prompt and its answer, then the new user turn.
      const grown = turns[i].prompt_tokens - turns[i - 1].prompt_tokens;
      assert.ok(
        grown > turns[i - 1].output_tokens,
        `session ${id} turn ${turns[i].turn}: prompt grew ${grown} tokens, answer was ` +
          `${turns[i - 1].output_tokens}`,
      );
    }
  }
  const rows = on.summary.by_turn;
  assert.deepEqual(rows.map((r: { turn: number }) => r.turn), [1, 2, 3]);
  assert.ok(rows[1].prompt_tokens.mean > rows[0].prompt_tokens.mean);
  assert.ok(rows[2].prompt_tokens.mean > rows[1].prompt_tokens.mean);
  // Cache on: later turns prefill only their new ~100 tokens (the first ~1500).
  const onTtft = rows.map((r: { ttft_ms: { mean: number } }) => r.ttft_ms.mean);
  assert.ok(onTtft[1] < onTtft[0] * 0.5, `cache on, TTFT by turn ${onTtft}`);
  assert.ok(onTtft[2] < onTtft[0] * 0.5, `cache on, TTFT by turn ${onTtft}`);

  // Cache off: every turn prefills its whole history, so later turns are no faster.
  const off = await sessionsRun(["--sim-prefix-caching", "off"]);
  const offTtft = off.summary.by_turn.map((r: { ttft_ms: { mean: number } }) => r.ttft_ms.mean);
  assert.ok(offTtft[1] > offTtft[0] * 0.7, `cache off, TTFT by turn ${offTtft}`);
  assert.ok(offTtft[2] > offTtft[0] * 0.7, `cache off, TTFT by turn ${offTtft}`);
});

Deno.test("sessions with --workers 2 go whole to one worker and keep their history", async () => {
  const { records, summary } = await sessionsRun(["--workers", "2", "--concurrency", "4"]);
  assert.equal(records.length, 12);
  for (const [id, turns] of Map.groupBy(records, (r) => r.session_id as number)) {
    turns.sort((a, b) => a.turn - b.turn);
    assert.deepEqual(turns.map((t) => t.turn), [1, 2, 3].slice(0, turns.length), `session ${id}`);
    for (let i = 1; i < turns.length; i++) {
      assert.ok(turns[i].prompt_tokens - turns[i - 1].prompt_tokens > turns[i - 1].output_tokens);
    }
  }
  assert.equal(summary.by_turn[0].turn, 1);
});
