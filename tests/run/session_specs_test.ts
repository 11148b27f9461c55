import assert from "node:assert/strict";
import type { ChatMessage } from "../../lib/client/types.ts";
import type { SessionsPlan } from "../../lib/config/run_plan.ts";
import { sessionSpecs } from "../../lib/run/session_specs.ts";
import { readDataset } from "../../lib/workload/datasets/mod.ts";
import { estimatePromptBook } from "../../lib/workload/exact_prompt.ts";
import { sessionScripts } from "../../lib/workload/session_scripts.ts";
import { loadTextSource } from "../../lib/workload/text_sources.ts";

const SHAREGPT = new URL("../../fixtures/datasets/sharegpt_3turn.json", import.meta.url).pathname;

const sessions = (over: Partial<SessionsPlan> = {}): SessionsPlan => ({
  turns: { shape: "fixed", tokens: 3 },
  thinkTime: { shape: "fixed", ms: 0 },
  history: "server",
  ...over,
});
const recipe = (s: SessionsPlan) => ({
  seed: 42,
  sessions: s,
  request: {
    promptTokens: 64,
    maxTokens: 16,
    ignoreEos: false,
    sharedPrefixTokens: 0,
    textSource: "english",
  },
  endpoint: "chat" as const,
});
const slot = (session: number, turn: number) => ({
  index: 0,
  scheduledAt: 0,
  phase: "measure" as const,
  session,
  turn,
});

Deno.test("a ShareGPT conversation becomes a session of all its human turns with the dataset's answers", async () => {
  const dataset = await readDataset(SHAREGPT, {});
  const scripts = sessionScripts(recipe(sessions()), { dataset });
  assert.equal(scripts.turnsOf(0), 3);
  assert.match(scripts.turn(0, 1).user, /^Conversation 0 question 1:/);
  assert.match(scripts.turn(0, 3).user, /^Conversation 0 question 3:/);
  assert.match(scripts.turn(0, 2).answer!, /^Dataset answer 0\.2:/);
  assert.match(scripts.turn(5, 1).user, /^Conversation 1 /, "session 5 of 4 conversations cycles");
  assert.equal(scripts.turn(0, 1).maxTokens, 16);
});

Deno.test("each turn carries the history: earlier user turns and the server's actual answers", async () => {
  const dataset = await readDataset(SHAREGPT, {});
  const plan = recipe(sessions());
  const specs = sessionSpecs(plan, "m", sessionScripts(plan, { dataset }));
  const first = specs.specFor(slot(0, 1)).prompt as ChatMessage[];
  assert.equal(first.length, 1);
  specs.answered(slot(0, 1), "SERVER ANSWER ONE");
  const second = specs.specFor(slot(0, 2)).prompt as ChatMessage[];
  assert.deepEqual(second.map((m) => m.role), ["user", "assistant", "user"]);
  assert.equal(second[0].content, first[0].content);
  assert.equal(second[1].content, "SERVER ANSWER ONE");
  specs.answered(slot(0, 2), "SERVER ANSWER TWO");
  const third = specs.specFor(slot(0, 3)).prompt as ChatMessage[];
  assert.equal(third.length, 5);
  assert.equal(third[3].content, "SERVER ANSWER TWO");
  assert.match(third[4].content, /question 3/);
  // Another session's history is its own.
  assert.equal((specs.specFor(slot(1, 1)).prompt as ChatMessage[]).length, 1);
});

Deno.test("--session-history dataset sends the dataset's answers instead of the server's", async () => {
  const dataset = await readDataset(SHAREGPT, {});
  const plan = recipe(sessions({ history: "dataset" }));
  const specs = sessionSpecs(plan, "m", sessionScripts(plan, { dataset }));
  specs.specFor(slot(2, 1));
  specs.answered(slot(2, 1), "ignored server text");
  const second = specs.specFor(slot(2, 2)).prompt as ChatMessage[];
  assert.match(second[1].content, /^Dataset answer 2\.1:/);
});

Deno.test("synthetic sessions: seeded turn counts, user turns of the asked length, answer max_tokens", async () => {
  const book = estimatePromptBook({
    source: await loadTextSource("english"),
    seed: 1,
    sharedPrefixTokens: 0,
  });
  const plan = recipe(sessions({
    turns: { shape: "uniform", min: 2, max: 5 },
    turnTokens: 40,
    answerTokens: { shape: "fixed", tokens: 7 },
  }));
  const scripts = sessionScripts(plan, { book });
  const counts = Array.from({ length: 200 }, (_, s) => scripts.turnsOf(s));
  assert.ok(counts.every((n) => n >= 2 && n <= 5));
  assert.deepEqual([...new Set(counts)].sort(), [2, 3, 4, 5]);
  assert.equal(scripts.turn(3, 2).maxTokens, 7);
  assert.equal(scripts.turn(3, 2).requestedTokens, 40);
  assert.notEqual(scripts.turn(3, 1).user, scripts.turn(3, 2).user);
  assert.equal(scripts.turn(3, 2).user, sessionScripts(plan, { book }).turn(3, 2).user);
});
