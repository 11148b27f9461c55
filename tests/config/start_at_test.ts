import assert from "node:assert/strict";
import { MAX_START_AHEAD_MS, parseStartAt } from "../../lib/config/start_at.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");

Deno.test("--start-at reads ISO 8601 with a zone, +DURATION and epoch ms", () => {
  const cases: [string, number][] = [
    ["2026-11-27T12:00:30Z", NOW + 30_000],
    ["2026-11-27T13:00:30+01:00", NOW + 30_000],
    ["2026-11-27T12:00:30.250z", NOW + 30_250],
    ["2026-11-27T12:01Z", NOW + 60_000],
    ["+30s", NOW + 30_000],
    ["+1m30s", NOW + 90_000],
    ["+250ms", NOW + 250],
    [String(NOW + 5000), NOW + 5000],
  ];
  for (const [text, want] of cases) {
    assert.deepEqual(parseStartAt(text, { nowMs: NOW }), { epochMs: want }, text);
  }
});

Deno.test("--start-at refuses the past, more than a day ahead, a time without a zone, and junk, naming the fix", () => {
  const problem = (text: string) => {
    const r = parseStartAt(text, { nowMs: NOW });
    assert.ok("problem" in r, `${text} should be refused`);
    assert.match(r.problem, /^--start-at /);
    return r.problem;
  };
  assert.match(problem("2026-11-27T11:59:59Z"), /in the past .* e\.g\. \+30s/);
  assert.match(problem("+0s"), /in the past/);
  assert.match(problem(String(NOW - 1)), /in the past/);
  assert.match(problem("+25h"), /more than 24 h ahead/);
  assert.match(problem(String(NOW + MAX_START_AHEAD_MS + 1)), /more than 24 h ahead/);
  assert.deepEqual(parseStartAt(`+${MAX_START_AHEAD_MS}ms`, { nowMs: NOW }), {
    epochMs: NOW + MAX_START_AHEAD_MS,
  });
  for (const junk of ["2026-11-27T12:00:30", "2026-11-27", "soon", "+x", "30s", "12345"]) {
    assert.match(problem(junk), /must be an ISO 8601 time with a zone/, junk);
  }
});
