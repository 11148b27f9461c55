import assert from "node:assert/strict";
import { defaultRampMs, runClosedLoop } from "../../lib/load/closed_loop.ts";
import { createRng } from "../../lib/load/rng.ts";
import { createStopRule } from "../../lib/load/stop_rule.ts";
import type { Slot } from "../../lib/load/types.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

interface Sent {
  slot: Slot;
  at: number;
  inFlight: number;
}

function fakeServer(clock: FakeClock, durationMs: (slot: Slot) => number) {
  const sent: Sent[] = [];
  let inFlight = 0;
  const dispatch = async (slot: Slot) => {
    sent.push({ slot, at: clock.now(), inFlight: ++inFlight });
    await clock.sleepUntil(clock.now() + durationMs(slot));
    inFlight--;
  };
  return { sent, dispatch, inFlight: () => inFlight };
}

Deno.test("closed loop keeps exactly N requests in flight at steady state", async () => {
  const clock = new FakeClock();
  const rng = createRng(17);
  const users = 25;
  const server = fakeServer(clock, () => 50 + rng.next() * 100);
  const samples: number[] = [];
  const sampler = (async () => {
    for (let t = 1000.5; t < 59_000; t += 1000) {
      await clock.sleepUntil(t);
      samples.push(server.inFlight());
    }
  })();
  const result = await runClosedLoop({
    users,
    stopRule: createStopRule({ durationMs: 60_000 }),
    clock,
    dispatch: server.dispatch,
  });
  await sampler;
  assert.equal(samples.length, 58);
  assert.ok(samples.every((n) => n === users), `in flight: ${samples}`);
  const afterRamp = server.sent.filter((s) => s.at >= defaultRampMs(users));
  assert.ok(afterRamp.length > 9000);
  assert.ok(afterRamp.every((s) => s.inFlight === users), "every send after the ramp makes N");
  assert.equal(result.sent, server.sent.length);
});

Deno.test("closed loop staggers user starts across the ramp", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 1000);
  await runClosedLoop({
    users: 5,
    rampMs: 100,
    stopRule: createStopRule({ requests: 5 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.deepEqual(server.sent.map((s) => [s.slot.user, s.at, s.slot.scheduledAt]), [
    [0, 0, 0],
    [1, 20, 20],
    [2, 40, 40],
    [3, 60, 60],
    [4, 80, 80],
  ]);
});

Deno.test("closed loop default ramp is 2 ms per user, capped at 1 s", async () => {
  const table: [users: number, rampMs: number][] = [[1, 2], [10, 20], [500, 1000], [5000, 1000]];
  for (const [users, want] of table) assert.equal(defaultRampMs(users), want, `${users} users`);

  const clock = new FakeClock();
  const server = fakeServer(clock, () => 10_000);
  await runClosedLoop({
    users: 1000,
    stopRule: createStopRule({ requests: 1000 }),
    clock,
    dispatch: server.dispatch,
  });
  const starts = server.sent.map((s) => s.at);
  assert.deepEqual(starts, Array.from({ length: 1000 }, (_, u) => u));
});

Deno.test("closed loop stops by duration: users free after the window end stop", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 100);
  const result = await runClosedLoop({
    users: 4,
    rampMs: 0,
    stopRule: createStopRule({ durationMs: 1000 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.equal(result.sent, 40, "4 users × sends at 0, 100, …, 900");
  assert.equal(clock.now(), 1000);
  assert.ok(server.sent.every((s) => s.slot.scheduledAt < 1000));
});

Deno.test("closed loop stops by requests, warm-up not counted", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, (s) => 30 + (s.index % 3) * 20);
  const result = await runClosedLoop({
    users: 3,
    stopRule: createStopRule({ requests: 10, warmupRequests: 2, durationMs: 60_000 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.equal(result.sent, 12);
  assert.deepEqual(
    server.sent.map((s) => s.slot.phase),
    [...Array(2).fill("warmup"), ...Array(10).fill("measure")],
  );
});

Deno.test("closed loop indices are unique and increase in order of scheduling", async () => {
  const clock = new FakeClock();
  const rng = createRng(8);
  const server = fakeServer(clock, () => rng.exponential(1 / 40));
  await runClosedLoop({
    users: 16,
    rampMs: 50,
    stopRule: createStopRule({ durationMs: 5000 }),
    clock,
    dispatch: server.dispatch,
  });
  const slots = server.sent.map((s) => s.slot);
  assert.deepEqual(slots.map((s) => s.index), slots.map((_, i) => i));
  for (let i = 1; i < slots.length; i++) {
    assert.ok(slots[i].scheduledAt >= slots[i - 1].scheduledAt, `index ${i} scheduled earlier`);
  }
  assert.deepEqual(new Set(slots.map((s) => s.user)).size, 16);
});

Deno.test("closed loop schedules each request when its user became free", async () => {
  const clock = new FakeClock();
  const durations = [70, 20, 45];
  const server = fakeServer(clock, (s) => durations[s.index % 3]);
  await runClosedLoop({
    users: 1,
    stopRule: createStopRule({ requests: 4 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.deepEqual(server.sent.map((s) => s.slot.scheduledAt), [0, 70, 90, 135]);
  assert.ok(server.sent.every((s) => s.at === s.slot.scheduledAt));
});

Deno.test("closed loop abort lets current requests finish and starts no more", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 100);
  const ac = new AbortController();
  const aborted = clock.sleepUntil(250).then(() => ac.abort());
  const result = await runClosedLoop({
    users: 4,
    rampMs: 400, // user 3 has not started by 250
    stopRule: createStopRule({ durationMs: 60_000 }),
    clock,
    dispatch: server.dispatch,
    signal: ac.signal,
  });
  await aborted;
  // user 0: 0, 100, 200; user 1: 100, 200; user 2: 200; user 3 never starts.
  assert.equal(result.sent, 6);
  assert.equal(clock.now(), 300);
  assert.equal(clock.pending, 0);
});

Deno.test("closed loop rejects a non-positive user count", async () => {
  const clock = new FakeClock();
  for (const users of [0, -1, 1.5]) {
    await assert.rejects(
      runClosedLoop({
        users,
        stopRule: createStopRule({ requests: 1 }),
        clock,
        dispatch: () => Promise.resolve(),
      }),
      RangeError,
    );
  }
});
