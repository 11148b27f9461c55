import assert from "node:assert/strict";
import { arrivalTimes } from "../../lib/load/pacers.ts";
import { runOpenLoop } from "../../lib/load/open_loop.ts";
import { runClosedLoop } from "../../lib/load/closed_loop.ts";
import { runStagedClosedLoop } from "../../lib/load/staged_closed_loop.ts";
import { concurrencySchedule } from "../../lib/load/stages.ts";
import { createStopRule } from "../../lib/load/stop_rule.ts";
import type { Slot } from "../../lib/load/types.ts";
import type { Shard } from "../../lib/load/shard.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

async function openRun(shard?: Shard): Promise<Slot[]> {
  const clock = new FakeClock();
  const slots: Slot[] = [];
  await runOpenLoop({
    schedule: arrivalTimes({ arrival: "poisson", rate: 50, seed: 9 }),
    stopRule: createStopRule({ requests: 2000 }),
    clock,
    dispatch: async (slot) => {
      slots.push(slot);
      await clock.sleepUntil(clock.now() + 30);
    },
    shard: shard && { shard, seed: 9 },
  });
  return slots;
}

Deno.test("open loop: the shards' arrivals together are exactly the unsharded schedule", async () => {
  const whole = await openRun();
  const parts = await Promise.all([0, 1, 2].map((i) => openRun({ index: i, count: 3 })));
  for (const p of parts) assert.ok(p.length > 550 && p.length < 780, `share ${p.length}`);
  const union = parts.flat().sort((a, b) => a.index - b.index);
  assert.deepEqual(union, whole);
});

async function closedRun(shard?: Shard): Promise<Slot[]> {
  const clock = new FakeClock();
  const slots: Slot[] = [];
  await runClosedLoop({
    users: 10,
    rampMs: 100,
    stopRule: createStopRule({ durationMs: 1000 }),
    clock,
    dispatch: async (slot) => {
      slots.push(slot);
      await clock.sleepUntil(clock.now() + 40 + slot.user! * 3);
    },
    shard,
  });
  return slots;
}

Deno.test("closed loop: shards run disjoint users at their global start times", async () => {
  const whole = await closedRun();
  const parts = await Promise.all([0, 1].map((i) => closedRun({ index: i, count: 2 })));
  assert.deepEqual(new Set(parts[0].map((s) => s.user! % 2)), new Set([0]));
  assert.deepEqual(new Set(parts[1].map((s) => s.user! % 2)), new Set([1]));
  const key = (s: Slot) => `${s.user}@${s.scheduledAt}`;
  assert.deepEqual(parts.flat().map(key).sort(), whole.map(key).sort());
  const indices = parts.flat().map((s) => s.index);
  assert.equal(new Set(indices).size, indices.length, "indices are unique across shards");
});

Deno.test("staged closed loop: a shard starts only its own users", async () => {
  const clock = new FakeClock();
  const users = new Set<number>();
  await runStagedClosedLoop({
    schedule: concurrencySchedule([{ concurrency: 4, durationMs: 500 }, {
      concurrency: 8,
      durationMs: 500,
    }]),
    rampMs: 0,
    stopRule: createStopRule({ scheduleEnds: true }),
    clock,
    dispatch: async (slot) => {
      users.add(slot.user!);
      await clock.sleepUntil(clock.now() + 50);
    },
    shard: { index: 1, count: 2 },
  });
  assert.deepEqual([...users].sort(), [1, 3, 5, 7]);
});
