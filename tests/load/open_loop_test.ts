import assert from "node:assert/strict";
import { runOpenLoop } from "../../lib/load/open_loop.ts";
import { arrivalTimes } from "../../lib/load/pacers.ts";
import { createStopRule } from "../../lib/load/stop_rule.ts";
import type { Slot } from "../../lib/load/types.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

interface Sent {
  slot: Slot;
  at: number;
}

/** A fake dispatch taking `durationMs(slot)` of fake time; logs when each send happened. */
function fakeServer(clock: FakeClock, durationMs: (slot: Slot) => number) {
  const sent: Sent[] = [];
  let inFlight = 0, maxInFlight = 0;
  const dispatch = async (slot: Slot) => {
    sent.push({ slot, at: clock.now() });
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await clock.sleepUntil(clock.now() + durationMs(slot));
    inFlight--;
  };
  return { sent, dispatch, max: () => maxInFlight };
}

Deno.test("open loop sends at the scheduled times and does not wait for slow responses", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 5000);
  const result = await runOpenLoop({
    schedule: arrivalTimes({ arrival: "constant", rate: 10 }),
    stopRule: createStopRule({ durationMs: 60_000 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.deepEqual(result, { sent: 600, dropped: 0, late: 0 });
  server.sent.forEach(({ slot, at }, k) => {
    assert.equal(slot.index, k);
    assert.equal(slot.scheduledAt, k * 100);
    assert.equal(at, slot.scheduledAt, `send ${k} went at ${at}`);
    assert.equal(slot.phase, "measure");
  });
  assert.equal(server.max(), 50, "5 s responses at 10/s keep 50 in flight");
  // Resolves only once the last response (sent at 59.9 s) has ended.
  assert.equal(clock.now(), 59_900 + 5000);
});

Deno.test("open loop follows a poisson schedule exactly on the fake clock", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, (s) => 10 + (s.index % 7) * 300);
  const targets = [...take(arrivalTimes({ arrival: "poisson", rate: 50, seed: 4 }), 200)];
  const result = await runOpenLoop({
    schedule: arrivalTimes({ arrival: "poisson", rate: 50, seed: 4 }),
    stopRule: createStopRule({ requests: 150, warmupRequests: 50 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.equal(result.sent, 200);
  assert.deepEqual(server.sent.map((s) => s.at), targets);
  assert.deepEqual(server.sent.map((s) => s.slot.scheduledAt), targets);
  assert.equal(server.sent.filter((s) => s.slot.phase === "warmup").length, 50);
  assert.ok(server.sent.slice(0, 50).every((s) => s.slot.phase === "warmup"));
});

Deno.test("open loop drops arrivals that find the in-flight cap full", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 250);
  const drops: Slot[] = [];
  const result = await runOpenLoop({
    schedule: arrivalTimes({ arrival: "constant", rate: 10 }),
    stopRule: createStopRule({ requests: 10 }),
    clock,
    dispatch: server.dispatch,
    maxInFlight: 2,
    onDrop: (slot) => drops.push(slot),
  });
  // Each response takes 250 ms: every third arrival finds both slots busy.
  assert.deepEqual(result, { sent: 7, dropped: 3, late: 0 });
  assert.deepEqual(drops.map((s) => s.index), [2, 5, 8]);
  assert.deepEqual(drops.map((s) => s.scheduledAt), [200, 500, 800]);
  assert.deepEqual(server.sent.map((s) => s.slot.index), [0, 1, 3, 4, 6, 7, 9]);
  assert.ok(server.sent.every((s) => s.at === s.slot.scheduledAt));
  assert.equal(server.max(), 2);
});

Deno.test("open loop in queue mode sends late when the cap is full and counts it", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 250);
  const result = await runOpenLoop({
    schedule: arrivalTimes({ arrival: "constant", rate: 10 }),
    stopRule: createStopRule({ requests: 6 }),
    clock,
    dispatch: server.dispatch,
    maxInFlight: 2,
    queue: true,
    onDrop: () => assert.fail("queue mode never drops"),
  });
  assert.deepEqual(result, { sent: 6, dropped: 0, late: 4 });
  assert.deepEqual(server.sent.map((s) => s.slot.scheduledAt), [0, 100, 200, 300, 400, 500]);
  assert.deepEqual(server.sent.map((s) => s.at), [0, 100, 250, 350, 500, 600]);
  assert.equal(server.max(), 2);
});

Deno.test("open loop in queue mode counts an arrival held up behind a queued one as late", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, (s) => (s.index === 0 ? 250 : 0));
  const result = await runOpenLoop({
    schedule: arrivalTimes({ arrival: "constant", rate: 10 }),
    stopRule: createStopRule({ requests: 4 }),
    clock,
    dispatch: server.dispatch,
    maxInFlight: 1,
    queue: true,
  });
  // #1 waits for #0 (done at 250); #2 was due at 200, so it goes at 250 too: late, though a
  // slot was free by then. #3 is due at 300 and goes on time.
  assert.deepEqual(server.sent.map((s) => s.at), [0, 250, 250, 300]);
  assert.deepEqual(result, { sent: 4, dropped: 0, late: 2 });
});

Deno.test("open loop abort stops scheduling at once but awaits requests in flight", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 1000);
  const ac = new AbortController();
  const aborted = clock.sleepUntil(550).then(() => ac.abort());
  const result = await runOpenLoop({
    schedule: arrivalTimes({ arrival: "constant", rate: 10 }),
    stopRule: createStopRule({ durationMs: 60_000 }),
    clock,
    dispatch: server.dispatch,
    signal: ac.signal,
  });
  await aborted;
  assert.deepEqual(result, { sent: 6, dropped: 0, late: 0 });
  assert.equal(clock.now(), 1500, "resolved after the last response (sent at 500) ended");
  assert.equal(clock.pending, 0);
});

Deno.test("open loop abort while queueing for a slot stops without sending", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 1000);
  const ac = new AbortController();
  const aborted = clock.sleepUntil(150).then(() => ac.abort());
  const result = await runOpenLoop({
    schedule: arrivalTimes({ arrival: "constant", rate: 10 }),
    stopRule: createStopRule({ requests: 100 }),
    clock,
    dispatch: server.dispatch,
    maxInFlight: 1,
    queue: true,
    signal: ac.signal,
  });
  await aborted;
  assert.deepEqual(result, { sent: 1, dropped: 0, late: 0 });
  assert.equal(clock.now(), 1000);
});

Deno.test("open loop ends when a finite schedule runs out", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 5);
  const result = await runOpenLoop({
    schedule: [0, 10, 10, 40][Symbol.iterator](),
    stopRule: createStopRule({ requests: 100 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.equal(result.sent, 4);
  assert.deepEqual(server.sent.map((s) => s.at), [0, 10, 10, 40]);
});

Deno.test("open loop ends at the request budget without waiting for the next arrival", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 1);
  await runOpenLoop({
    schedule: arrivalTimes({ arrival: "constant", rate: 0.01 }), // one every 100 s
    stopRule: createStopRule({ requests: 2 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.equal(clock.now(), 100_001);
});

Deno.test("open loop rethrows a dispatch failure after the others settle", async () => {
  const clock = new FakeClock();
  let settled = 0;
  await assert.rejects(
    runOpenLoop({
      schedule: arrivalTimes({ arrival: "constant", rate: 100 }),
      stopRule: createStopRule({ requests: 5 }),
      clock,
      dispatch: async (slot) => {
        await clock.sleepUntil(clock.now() + 50);
        settled++;
        if (slot.index === 1) throw new Error("boom");
      },
    }),
    /boom/,
  );
  assert.equal(settled, 5);
});

function* take(it: Iterator<number>, n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield it.next().value;
}
