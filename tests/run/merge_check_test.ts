import assert from "node:assert/strict";
import { checkShardSet, type ShardRun } from "../../lib/results/merge_check.ts";

const meta = (shard: string | undefined, over: Record<string, unknown> = {}) => ({
  ...(shard === undefined ? {} : { shard }),
  endpoint: "chat",
  load: { mode: "open", rate: 10, arrival: "poisson" },
  stop: { duration_ms: null, requests: 100 },
  request: { prompt_tokens: 256, max_tokens: 128 },
  seed: 42,
  target: { url: "http://a:8000/v1", model: "m", sim: false },
  start_at: "2026-11-27T12:00:00.000Z",
  ...over,
});
const run = (dir: string, shard?: string, over?: Record<string, unknown>): ShardRun => ({
  dir,
  meta: meta(shard, over),
});

Deno.test("a complete set of shards is put in shard order, whatever the order given", () => {
  const c = checkShardSet([run("c", "2/3"), run("a", "0/3"), run("b", "1/3")]);
  assert.deepEqual(c.problems, []);
  assert.equal(c.count, 3);
  assert.deepEqual(c.ordered.map((r) => r.dir), ["a", "b", "c"]);
  // Another URL (each host reaches the server its own way) is not another plan.
  const urls = checkShardSet([
    run("a", "0/2"),
    run("b", "1/2", { target: { url: "http://b/v1", model: "m", sim: false } }),
  ]);
  assert.deepEqual(urls.problems, []);
});

Deno.test("missing, duplicated and foreign shards, and plans that differ, are all named at once", () => {
  const c = checkShardSet([
    run("a", "0/4"),
    run("a2", "0/4"),
    run("x"),
    run("b", "1/4", { load: { mode: "open", rate: 20, arrival: "poisson" }, seed: 1 }),
  ]);
  assert.deepEqual(c.ordered, []);
  assert.equal(c.problems.length, 4);
  assert.match(c.problems[0], /"x" is not a shard/);
  assert.match(c.problems[1], /shards 2\/4, 3\/4 missing: give all 4 shard directories/);
  assert.match(c.problems[2], /shard 0\/4 given 2 times \("a", "a2"\)/);
  assert.match(
    c.problems[3],
    /"b" ran another plan than "a": load .*"rate":20.* vs .*"rate":10.*; seed 1 vs 42/,
  );
  const counts = checkShardSet([run("a", "0/2"), run("b", "1/3")]);
  assert.match(counts.problems.join("\n"), /different plans' splits \(shard counts 2, 3\)/);
  const starts = checkShardSet([run("a", "0/2"), run("b", "1/2", { start_at: undefined })]);
  assert.match(starts.problems.join("\n"), /start_at absent vs "2026-11-27T12:00:00.000Z"/);
});
