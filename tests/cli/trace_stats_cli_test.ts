import assert from "node:assert/strict";
import { llmload } from "../helpers/llmload_cli.ts";

const TRACE = new URL("../../fixtures/traces/mooncake_1000.jsonl", import.meta.url).pathname;

Deno.test("llmload trace-stats prints the lengths and the ideal prefix-cache hit rate", async () => {
  const r = await llmload(["trace-stats", TRACE]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /requests\s+1000 \(1000 with hash_ids\)/);
  assert.match(r.stdout, /^ {2}input\s+\d+\s+\d+/m);
  assert.match(
    r.stdout,
    /ideal prefix-cache hit rate: \d+\.\d % of blocks, \d+\.\d % of prompt tokens/,
  );
  const json = await llmload(["trace-stats", TRACE, "--json", "--trace-block-size", "256"]);
  assert.equal(json.code, 0, json.stderr);
  const s = JSON.parse(json.stdout);
  assert.equal(s.requests, 1000);
  assert.equal(s.block_size, 256);
  assert.ok(s.ideal_block_hit_rate > 0 && s.ideal_block_hit_rate < 1);
  assert.ok(s.input_tokens.p50 >= s.input_tokens.min && s.input_tokens.p50 <= s.input_tokens.max);
});

Deno.test("llmload trace-stats: usage errors exit 2; help trace-stats has its page", async () => {
  const none = await llmload(["trace-stats"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /needs one trace file/);
  const bad = await llmload(["trace-stats", TRACE, "--trace-block-size", "0"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--trace-block-size/);
  const help = await llmload(["help", "trace-stats"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^llmload trace-stats — /);
});
