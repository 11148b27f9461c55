import assert from "node:assert/strict";
import { runOpenLoop } from "../../lib/load/open_loop.ts";
import { openSessionDispatch } from "../../lib/load/open_sessions.ts";
import { runSessionLoop, type SessionShape } from "../../lib/load/session_loop.ts";
import { createStopRule } from "../../lib/load/stop_rule.ts";
import { parseThinkTime, thinkMsFor } from "../../lib/load/think_time.ts";
import type { Slot } from "../../lib/load/types.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

/** Sessions of 1 + (s mod 3) turns, 100 ms think time after every turn but the last. */
const SHAPE: SessionShape = { turnsOf: (s) => 1 + (s % 3), thinkMs: () => 100 };

async function run(
  options: { users: number; requests: number; shard?: { index: number; count: number } },
) {
  const clock = new FakeClock();
  const sent: { slot: Slot; at: number; endAt: number }[] = [];
  await runSessionLoop({
    users: options.users,
    rampMs: 0,
    sessions: SHAPE,
    stopRule: createStopRule({ requests: options.requests }),
    clock,
    shard: options.shard,
    dispatch: async (slot) => {
      const at = clock.now();
      await clock.sleepUntil(at + 50);
      sent.push({ slot, at, endAt: clock.now() });
    },
  });
  return sent;
}

Deno.test("a user runs whole sessions one after another; turns follow the think time", async () => {
  const sent = await run({ users: 1, requests: 6 });
  assert.deepEqual(sent.map((s) => [s.slot.session, s.slot.turn]), [
    [0, 1],
    [1, 1],
    [1, 2],
    [2, 1],
    [2, 2],
    [2, 3],
  ]);
  // Turn 2 of session 1 goes 100 ms (think time) after turn 1 ended; a new session goes at once.
  assert.equal(sent[2].at - sent[1].endAt, 100);
  assert.equal(sent[1].at, sent[0].endAt);
  assert.equal(sent[2].slot.scheduledAt, sent[2].at);
  assert.deepEqual(sent.map((s) => s.slot.index), [0, 1, 2, 3, 4, 5]);
});

Deno.test("user u's k-th session is k·users + u, so sessions never collide between users", async () => {
  const sent = await run({ users: 3, requests: 30 });
  for (const { slot } of sent) assert.equal(slot.session! % 3, slot.user);
  const ids = new Set(sent.map((s) => `${s.slot.session}/${s.slot.turn}`));
  assert.equal(ids.size, sent.length, "each (session, turn) is sent once");
});

Deno.test("shards run whole sessions: every session's turns are on the shard owning its user", async () => {
  const whole = await run({ users: 4, requests: 40 });
  const shards = [
    await run({ users: 4, requests: 20, shard: { index: 0, count: 2 } }),
    await run({ users: 4, requests: 20, shard: { index: 1, count: 2 } }),
  ];
  const owner = new Map<number, number>();
  shards.forEach((sent, i) => {
    for (const { slot } of sent) {
      assert.equal(owner.get(slot.session!) ?? i, i, `session ${slot.session} split across shards`);
      owner.set(slot.session!, i);
      assert.equal(slot.index % 2, i, "slot indices are unique across shards");
    }
  });
  // The shards together send the whole plan's sessions, turn for turn.
  const key = (s: { slot: Slot }) => `${s.slot.session}/${s.slot.turn}`;
  assert.deepEqual(shards.flat().map(key).sort(), whole.map(key).sort());
});

Deno.test("think time parses fixed, uniform and exponential, and draws are seeded per turn", () => {
  assert.deepEqual(parseThinkTime("2s"), { shape: "fixed", ms: 2000 });
  assert.deepEqual(parseThinkTime("uniform:0.5s-2s"), {
    shape: "uniform",
    minMs: 500,
    maxMs: 2000,
  });
  assert.deepEqual(parseThinkTime("exp:1s"), { shape: "exponential", meanMs: 1000 });
  for (const bad of ["uniform:2s-1s", "exp:0s", "soon"]) {
    assert.ok("problem" in parseThinkTime(bad), bad);
  }
  const u = { shape: "uniform", minMs: 500, maxMs: 2000 } as const;
  const draws = Array.from({ length: 200 }, (_, s) => thinkMsFor(u, 42, s, 1));
  assert.ok(draws.every((d) => d >= 500 && d <= 2000));
  assert.ok(new Set(draws).size > 150, "draws differ between sessions");
  assert.equal(thinkMsFor(u, 42, 7, 2), thinkMsFor(u, 42, 7, 2), "the same turn waits the same");
  const e = { shape: "exponential", meanMs: 1000 } as const;
  const mean = Array.from({ length: 4000 }, (_, s) => thinkMsFor(e, 1, s, 1))
    .reduce((a, b) => a + b) / 4000;
  assert.ok(mean > 900 && mean < 1100, `mean ${mean}`);
});

async function runOpen(shard?: { index: number; count: number }) {
  const clock = new FakeClock();
  const sent: { slot: Slot; at: number; endAt: number }[] = [];
  const turnDispatch = async (slot: Slot) => {
    const at = clock.now();
    await clock.sleepUntil(at + 50);
    sent.push({ slot, at, endAt: clock.now() });
  };
  const wrapped = openSessionDispatch({ sessions: SHAPE, clock, dispatch: turnDispatch, shard });
  const times = Array.from({ length: 6 }, (_, i) => i * 1000);
  await runOpenLoop({
    schedule: times[Symbol.iterator](),
    stopRule: createStopRule({ requests: 6 }),
    clock,
    dispatch: wrapped.dispatch,
    shard: shard && { shard, seed: 7 },
  });
  return sent;
}

Deno.test("open-loop sessions start at the arrivals; their turns follow the think times", async () => {
  const sent = await runOpen();
  // Arrival i starts session i at i s; session s has 1 + (s mod 3) turns.
  assert.equal(sent.length, 1 + 2 + 3 + 1 + 2 + 3);
  const s2 = sent.filter((s) => s.slot.session === 2);
  assert.deepEqual(s2.map((s) => s.at), [2000, 2150, 2300]);
  assert.deepEqual(s2.map((s) => s.slot.turn), [1, 2, 3]);
  assert.equal(new Set(sent.map((s) => s.slot.index)).size, sent.length, "indices are unique");
  const parts = [await runOpen({ index: 0, count: 2 }), await runOpen({ index: 1, count: 2 })];
  const sessionsOf = (sent: { slot: Slot }[]) => new Set(sent.map((s) => s.slot.session));
  const [a, b] = parts.map(sessionsOf);
  assert.ok([...a].every((s) => !b.has(s)), "no session is split between shards");
  assert.equal(parts[0].length + parts[1].length, sent.length);
});
