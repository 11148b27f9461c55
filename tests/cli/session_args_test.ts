import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const BASE = ["--requests", "10"];

function problems(args: string[]): string[] {
  try {
    parseRunArgs([...BASE, ...args], {});
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  return [];
}

Deno.test("--sessions gives a sessions plan with its defaults; runs without it have none", () => {
  assert.equal(parseRunArgs(BASE, {}).plan.sessions, undefined);
  assert.deepEqual(parseRunArgs([...BASE, "--sessions"], {}).plan.sessions, {
    turns: { shape: "fixed", tokens: 3 },
    thinkTime: { shape: "fixed", ms: 0 },
    history: "server",
  });
  const { plan } = parseRunArgs([
    ...BASE,
    ...["--multi-turn", "--turns", "uniform:2-4", "--turn-tokens", "100"],
    ...["--answer-tokens", "64", "--think-time", "uniform:0.5s-2s", "--session-history", "dataset"],
  ], {});
  assert.deepEqual(plan.sessions, {
    turns: { shape: "uniform", min: 2, max: 4 },
    turnTokens: 100,
    answerTokens: { shape: "fixed", tokens: 64 },
    thinkTime: { shape: "uniform", minMs: 500, maxMs: 2000 },
    history: "dataset",
  });
});

Deno.test("session flags are checked: each needs --sessions, and bad values say what is expected", () => {
  assert.deepEqual(problems(["--turns", "3"]), ["--turns needs --sessions"]);
  const bad = problems([
    ...["--sessions", "--turns", "many", "--think-time", "later", "--session-history", "x"],
  ]);
  assert.equal(bad.length, 3, bad.join("\n"));
  assert.match(bad[0], /^--turns must be N, uniform:MIN-MAX/);
  assert.match(bad[1], /^--think-time must be a duration/);
  assert.match(bad[2], /^--session-history must be server or dataset/);
  assert.match(problems(["--sessions", "--endpoint", "completions"]).join(), /--endpoint chat/);
});
