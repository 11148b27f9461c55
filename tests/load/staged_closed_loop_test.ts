import assert from "node:assert/strict";
import { runStagedClosedLoop } from "../../lib/load/staged_closed_loop.ts";
import { concurrencySchedule } from "../../lib/load/stages.ts";
import { createStopRule } from "../../lib/load/stop_rule.ts";
import type { Slot } from "../../lib/load/types.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

interface Sent {
  slot: Slot;
  at: number;
  inFlight: number;
}

/** A fake dispatch taking `durationMs(slot)` of fake time; logs sends and in-flight counts. */
function fakeServer(clock: FakeClock, durationMs: (slot: Slot) => number) {
  const sent: Sent[] = [];
  const ends: number[] = [];
  let inFlight = 0;
  const dispatch = async (slot: Slot) => {
    sent.push({ slot, at: clock.now(), inFlight: ++inFlight });
    await clock.sleepUntil(clock.now() + durationMs(slot));
    inFlight--;
    ends.push(clock.now());
  };
  return { sent, ends, dispatch, inFlight: () => inFlight };
}

/** Samples the in-flight count at the given fake times. */
function sampler(clock: FakeClock, times: number[], inFlight: () => number) {
  const samples: number[] = [];
  const done = (async () => {
    for (const t of times) {
      await clock.sleepUntil(t);
      samples.push(inFlight());
    }
  })();
  return { samples, done };
}

const alwaysOn = () => createStopRule({ scheduleEnds: true });

Deno.test("concurrency stages hold each stage's user count and end with the last stage", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 100);
  const schedule = concurrencySchedule([
    { durationMs: 10_000, concurrency: 2 },
    { durationMs: 10_000, concurrency: 8 },
    { durationMs: 10_000, concurrency: 3 },
  ]);
  const probe = sampler(clock, [5000.5, 15_000.5, 25_000.5], server.inFlight);
  const result = await runStagedClosedLoop({
    schedule,
    stopRule: alwaysOn(),
    clock,
    dispatch: server.dispatch,
  });
  await probe.done;
  assert.deepEqual(probe.samples, [2, 8, 3]);
  // Nobody sends at or after the end; the last requests end within one request time of it.
  assert.ok(server.sent.every((s) => s.at < 30_000));
  assert.ok(Math.max(...server.ends) <= 30_100);
  assert.equal(result.sent, server.sent.length);
  // Users 0–1 run throughout, 2–7 only in stage 2, and 3–7 never send in stage 3.
  const usersIn = (from: number, to: number) =>
    [...new Set(server.sent.filter((s) => s.at >= from && s.at < to).map((s) => s.slot.user))]
      .sort((a, b) => a! - b!);
  assert.deepEqual(usersIn(0, 10_000), [0, 1]);
  assert.deepEqual(usersIn(10_000, 20_000), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(usersIn(20_100, 30_000), [0, 1, 2]);
});

Deno.test("users added at a stage boundary start staggered over the ramp", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 5000);
  await runStagedClosedLoop({
    schedule: concurrencySchedule([
      { durationMs: 1000, concurrency: 1 },
      { durationMs: 1000, concurrency: 5 },
    ]),
    rampMs: 400,
    stopRule: alwaysOn(),
    clock,
    dispatch: server.dispatch,
  });
  assert.deepEqual(
    server.sent.map((s) => [s.slot.user, s.at, s.slot.scheduledAt]),
    [[0, 0, 0], [1, 1000, 1000], [2, 1100, 1100], [3, 1200, 1200], [4, 1300, 1300]],
  );
  // Indices are global, in order of scheduling.
  assert.deepEqual(server.sent.map((s) => s.slot.index), [0, 1, 2, 3, 4]);
});

Deno.test("a falling target lets retired users finish their request and send no more", async () => {
  const clock = new FakeClock();
  // Requests of 3 s: at the fall (t = 4 s) four users are mid-request.
  const server = fakeServer(clock, () => 3000);
  await runStagedClosedLoop({
    schedule: concurrencySchedule([
      { durationMs: 4000, concurrency: 4 },
      { durationMs: 6000, concurrency: 1 },
    ]),
    rampMs: 0,
    stopRule: alwaysOn(),
    clock,
    dispatch: server.dispatch,
  });
  const late = server.sent.filter((s) => s.at >= 4000);
  assert.ok(late.length > 0 && late.every((s) => s.slot.user === 0), "only user 0 goes on");
  // Users 1–3 sent at 0 and 3000 (still in stage 1), and their 3000 request ran to 6000.
  for (const u of [1, 2, 3]) {
    assert.deepEqual(server.sent.filter((s) => s.slot.user === u).map((s) => s.at), [0, 3000]);
  }
  assert.equal(server.ends.filter((t) => t === 6000).length, 4, "no request was cut short");
});

Deno.test("a zero-user stage pauses the load; users come back after it", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 100);
  await runStagedClosedLoop({
    schedule: concurrencySchedule([
      { durationMs: 1000, concurrency: 2 },
      { durationMs: 2000, concurrency: 0 },
      { durationMs: 1000, concurrency: 2 },
    ]),
    rampMs: 0,
    stopRule: alwaysOn(),
    clock,
    dispatch: server.dispatch,
  });
  assert.ok(server.sent.every((s) => s.at < 1000 || s.at >= 3000), "nothing sent in the pause");
  assert.equal(server.sent.filter((s) => s.at >= 3000).length, 20, "2 users × 10 in stage 3");
  assert.equal(server.sent.filter((s) => s.at < 1000).length, 20);
});

Deno.test("the stop rule ends staged load early without waiting for the next stage", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 100);
  await runStagedClosedLoop({
    schedule: concurrencySchedule([
      { durationMs: 1000, concurrency: 1 },
      { durationMs: 600_000, concurrency: 4 },
    ]),
    stopRule: createStopRule({ requests: 5 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.equal(server.sent.length, 5);
  assert.ok(clock.now() < 1000, `ended at ${clock.now()} ms, before stage 2`);
});

Deno.test("aborting stops staged users after their current request", async () => {
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 250);
  const abort = new AbortController();
  const stopper = (async () => {
    await clock.sleepUntil(2100);
    abort.abort();
  })();
  await runStagedClosedLoop({
    schedule: concurrencySchedule([{ durationMs: 60_000, concurrency: 3 }]),
    rampMs: 0,
    stopRule: alwaysOn(),
    clock,
    dispatch: server.dispatch,
    signal: abort.signal,
  });
  await stopper;
  assert.ok(server.sent.every((s) => s.at <= 2100));
  assert.equal(server.inFlight(), 0);
  assert.ok(clock.now() <= 2250);
});
