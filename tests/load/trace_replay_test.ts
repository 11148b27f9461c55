import assert from "node:assert/strict";
import { UsageError } from "../../lib/config/usage_error.ts";
import { parseTrace, readTrace } from "../../lib/load/trace_replay.ts";

const fixture = (name: string) =>
  new URL(`../../fixtures/traces/${name}`, import.meta.url).pathname;

Deno.test("a Mooncake trace replays from its first timestamp with token counts and hash ids", async () => {
  const trace = await readTrace(fixture("mooncake_sample.jsonl"));
  assert.deepEqual(trace.arrivals.map((a) => a.atMs), [0, 0, 501, 656, 2110, 2518]);
  assert.equal(trace.durationMs, 2518);
  assert.deepEqual(trace.skipped, []);
  assert.deepEqual(trace.arrivals[1], {
    atMs: 0,
    inputTokens: 6472,
    outputTokens: 26,
    hashIds: [46, 47, 48, 49, 60, 61, 62, 63, 64, 65, 66, 67, 68],
  });
  assert.deepEqual(trace.arrivals[5], { atMs: 2518, inputTokens: 1040, outputTokens: 300 });
});

Deno.test("timeScale 2 replays twice as fast and 0.5 half as fast", async () => {
  const fast = await readTrace(fixture("mooncake_sample.jsonl"), { timeScale: 2 });
  assert.deepEqual(fast.arrivals.map((a) => a.atMs), [0, 0, 250.5, 328, 1055, 1259]);
  const slow = await readTrace(fixture("mooncake_sample.jsonl"), { timeScale: 0.5 });
  assert.deepEqual(slow.arrivals.map((a) => a.atMs), [0, 0, 1002, 1312, 4220, 5036]);
});

Deno.test("timestamps in seconds are sorted stably and optional fields stay optional", async () => {
  const trace = await readTrace(fixture("seconds_unsorted.jsonl"), { timeUnit: "s" });
  assert.deepEqual(trace.arrivals, [
    { atMs: 0, inputTokens: 200 },
    { atMs: 500, inputTokens: 100, outputTokens: 20 },
    { atMs: 500, outputTokens: 40 },
    { atMs: 2000 },
  ]);
});

Deno.test("malformed lines fail with every line number and problem listed", async () => {
  const path = fixture("malformed.jsonl");
  await assert.rejects(() => readTrace(path), (e) => {
    assert.ok(e instanceof UsageError);
    assert.deepEqual(e.problems, [
      `Cannot replay ${path}: line 2: not valid JSON`,
      `Cannot replay ${path}: line 3: "timestamp" is missing`,
      `Cannot replay ${path}: line 4: "timestamp" must be a number ≥ 0 (got -5); ` +
      `"input_length" must be an integer ≥ 0 (got 1.5)`,
      `Cannot replay ${path}: line 5: expected a JSON object`,
      `Cannot replay ${path}: line 6: "hash_ids" must be an array of integers`,
    ]);
    return true;
  });
});

Deno.test("malformed lines can be skipped and are reported with their line numbers", async () => {
  const trace = await readTrace(fixture("malformed.jsonl"), { onMalformed: "skip" });
  assert.deepEqual(trace.arrivals, [
    { atMs: 0, inputTokens: 10, outputTokens: 5 },
    { atMs: 400, inputTokens: 20, outputTokens: 7 },
  ]);
  assert.deepEqual(trace.skipped.map((s) => s.line), [2, 3, 4, 5, 6]);
});

Deno.test("a long list of malformed lines is cut after 20 with a count of the rest", () => {
  const text = Array.from({ length: 25 }, () => "oops").join("\n");
  assert.throws(() => parseTrace(text, { source: "t.jsonl" }), (e) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.problems.length, 21);
    assert.equal(e.problems[20], "Cannot replay t.jsonl: 5 more malformed lines");
    return true;
  });
});

Deno.test("empty traces, bad options and missing files are usage errors", async () => {
  assert.throws(() => parseTrace("\n\n"), /no arrivals/);
  assert.throws(
    () =>
      parseTrace('{"timestamp": 0}', {
        timeScale: 0,
        timeUnit: "min" as "s",
        onMalformed: "warn" as "skip",
      }),
    (e) => e instanceof UsageError && e.problems.length === 3,
  );
  await assert.rejects(() => readTrace(fixture("does_not_exist.jsonl")), UsageError);
});
