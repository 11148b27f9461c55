import assert from "node:assert/strict";
import { parseStageList } from "../../lib/config/stage_list.ts";

Deno.test("stage lists parse DURATION@VALUE entries in order", () => {
  assert.deepEqual(parseStageList("30s@5,1m@20, 500ms@0"), {
    stages: [
      { durationMs: 30_000, value: 5 },
      { durationMs: 60_000, value: 20 },
      { durationMs: 500, value: 0 },
    ],
  });
  assert.deepEqual(parseStageList("1m30s@2.5"), { stages: [{ durationMs: 90_000, value: 2.5 }] });
});

Deno.test("a bad stage list names every bad stage by position", () => {
  const bad = parseStageList("30s@5,soon@3,10s,1m@-1,5s@x", { integer: true });
  assert.ok("problems" in bad);
  assert.deepEqual(bad.problems, [
    'stage 2 "soon@3": duration must be like 500ms, 30s, 5m',
    'stage 3 "10s" must be DURATION@VALUE, e.g. 30s@5',
    'stage 4 "1m@-1": value must be a whole number ≥ 0',
    'stage 5 "5s@x": value must be a whole number ≥ 0',
  ]);
  const fractional = parseStageList("10s@1.5", { integer: true });
  assert.ok("problems" in fractional && fractional.problems.length === 1);
  assert.ok("problems" in parseStageList(""));
});
