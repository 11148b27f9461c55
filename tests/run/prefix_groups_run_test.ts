import assert from "node:assert/strict";
import { runInProcess } from "../helpers/run_in_process.ts";

Deno.test("a 4-group run on the simulator: /metrics prefix-cache hit rate within 5 points of the plan's ideal, exact lengths", async () => {
  const r = await runInProcess([
    "--target",
    "sim",
    "--metrics",
    "on",
    "--prefix-groups",
    "4",
    "--prefix-tokens",
    "256",
    "--question-tokens",
    "64",
    "--prompts-per-group",
    "8",
    "--concurrency",
    "2",
    "--requests",
    "48",
    "--max-tokens",
    "4",
    "--ignore-eos",
  ]);
  const groups = r.meta.request.prefix_groups;
  assert.equal(groups.groups, 4);
  assert.equal(groups.policy, "round-robin");
  assert.equal(groups.block_size, 16);
  assert.equal(groups.ideal_requests, 48);
  // 12 requests a group: the first misses, questions 1-7 hit the 256-token prefix, and the
  // 4 repeats of questions 0-3 hit 304 of their 320 tokens (the last block holds the last token).
  const ideal = (4 * 7 * 256 + 4 * 4 * 304) / (48 * 320);
  assert.equal(groups.ideal_hit_rate, Math.round(ideal * 10000) / 10000);
  assert.equal(r.meta.request.prompt_tokens, 320);
  assert.equal(r.meta.prompt_length_mode, "exact");
  for (const rec of r.records) assert.equal(rec.prompt_tokens, 320, `#${rec.index}`);
  const measured = r.summary.server_metrics.prefix_cache_hit_rate;
  assert.ok(
    Math.abs(measured - ideal) <= 0.05,
    `measured ${measured} vs ideal ${ideal}`,
  );
});
