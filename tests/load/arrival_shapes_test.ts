import assert from "node:assert/strict";
import { type Arrival, arrivalFeed } from "../../lib/load/arrival_feed.ts";
import { runOpenLoop } from "../../lib/load/open_loop.ts";
import { linearRamp, rateArrivalTimes, type RateFunction } from "../../lib/load/rate_function.ts";
import { stagedRate } from "../../lib/load/stages.ts";
import { createStopRule } from "../../lib/load/stop_rule.ts";
import { parseTrace } from "../../lib/load/trace_replay.ts";
import type { Slot } from "../../lib/load/types.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

interface Sent {
  slot: Slot;
  at: number;
}

/** A fake dispatch taking `durationMs(slot)` of fake time; logs when each send happened. */
function fakeServer(clock: FakeClock, durationMs: (slot: Slot) => number) {
  const sent: Sent[] = [];
  const dispatch = async (slot: Slot) => {
    sent.push({ slot, at: clock.now() });
    await clock.sleepUntil(clock.now() + durationMs(slot));
  };
  return { sent, dispatch };
}

Deno.test("open loop sends at exactly the shaped times under a ramp with slow responses", async () => {
  // 30 s ramp 1 → 100 req/s with 3 s responses: a relative pacer would drift; absolute does not.
  const ramp = linearRamp(1, 100, { durationMs: 30_000 });
  const targets = [...rateArrivalTimes(ramp, { seed: 5 })];
  const clock = new FakeClock();
  const server = fakeServer(clock, (s) => 3000 + (s.index % 5) * 400);
  const result = await runOpenLoop({
    schedule: rateArrivalTimes(ramp, { seed: 5 }),
    stopRule: createStopRule({ durationMs: 60_000 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.ok(targets.length > 1400, `${targets.length} arrivals`);
  assert.deepEqual(result, { sent: targets.length, dropped: 0, late: 0 });
  assert.deepEqual(server.sent.map((s) => s.at), targets);
  assert.deepEqual(server.sent.map((s) => s.slot.scheduledAt), targets);
});

Deno.test("open loop follows stages with a pause and stops when the shape ends", async () => {
  const rate = stagedRate([
    { durationMs: 1000, rate: 10 },
    { durationMs: 2000, rate: 0 },
    { durationMs: 1000, rate: 20 },
  ]);
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 250);
  const result = await runOpenLoop({
    schedule: rateArrivalTimes(rate, { arrival: "constant" }),
    stopRule: createStopRule({ durationMs: 3_600_000 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.equal(result.sent, 30);
  const want = [
    ...Array.from({ length: 10 }, (_, k) => k * 100),
    ...Array.from({ length: 20 }, (_, k) => 3000 + k * 50),
  ];
  server.sent.forEach((s, k) => assert.ok(Math.abs(s.at - want[k]) < 1e-6, `send ${k}: ${s.at}`));
  assert.ok(Math.abs(clock.now() - (3950 + 250)) < 1e-6, "ends after the last response");
});

Deno.test("the stop rule still cuts a shape that would run longer", async () => {
  const endless: RateFunction = () => 50;
  const clock = new FakeClock();
  const server = fakeServer(clock, () => 10);
  const result = await runOpenLoop({
    schedule: rateArrivalTimes(endless, { seed: 1 }),
    stopRule: createStopRule({ durationMs: 10_000, warmupMs: 2000 }),
    clock,
    dispatch: server.dispatch,
  });
  assert.ok(server.sent.every((s) => s.at < 12_000));
  assert.ok(Math.abs(result.sent - 600) < 75, `${result.sent} sends in 12 s at 50/s`);
});

Deno.test("a replayed trace reaches dispatch with each arrival's token counts", async () => {
  const trace = parseTrace(
    [
      '{"timestamp": 1000, "input_length": 100, "output_length": 10}',
      '{"timestamp": 1000, "input_length": 200, "output_length": 20}',
      '{"timestamp": 1250, "input_length": 300, "output_length": 30}',
      '{"timestamp": 4000, "input_length": 400, "output_length": 40}',
    ].join("\n"),
    { timeScale: 2 },
  );
  const feed = arrivalFeed(trace.arrivals);
  const clock = new FakeClock();
  const seen: { at: number; index: number; arrival?: Arrival }[] = [];
  const drops: (Arrival | undefined)[] = [];
  const result = await runOpenLoop({
    schedule: feed.schedule,
    stopRule: createStopRule({ requests: 100 }),
    clock,
    dispatch: async (slot) => {
      seen.push({ at: clock.now(), index: slot.index, arrival: feed.arrival(slot.index) });
      await clock.sleepUntil(clock.now() + 200);
    },
    maxInFlight: 2,
    onDrop: (slot) => drops.push(feed.arrival(slot.index)),
  });
  assert.deepEqual(result, { sent: 3, dropped: 1, late: 0 });
  assert.deepEqual(seen.map((s) => [s.at, s.arrival?.inputTokens, s.arrival?.outputTokens]), [
    [0, 100, 10],
    [0, 200, 20],
    [1500, 400, 40],
  ]);
  // The third arrival (at 125 ms) found both slots busy; its data is still found by index.
  assert.deepEqual(drops.map((a) => a?.inputTokens), [300]);
});

Deno.test("a lazy arrival feed keeps only arrivals not yet looked up", () => {
  function* source(): Generator<Arrival> {
    for (let k = 0; k < 1000; k++) yield { atMs: k * 10, inputTokens: k };
  }
  const feed = arrivalFeed(source());
  assert.equal(feed.arrival(0), undefined, "nothing produced yet");
  for (let k = 0; k < 1000; k++) {
    assert.equal(feed.schedule.next().value, k * 10);
    assert.equal(feed.arrival(k)?.inputTokens, k);
  }
  assert.equal(feed.arrival(3), undefined, "older arrivals are released");
  assert.equal(feed.schedule.next().done, true);
});

Deno.test("an arrival feed rejects decreasing or non-finite times", () => {
  const feed = arrivalFeed([{ atMs: 0 }, { atMs: 10 }, { atMs: 5 }]);
  assert.equal(feed.schedule.next().value, 0);
  assert.equal(feed.schedule.next().value, 10);
  assert.throws(() => feed.schedule.next(), /arrival 2 is at 5 ms/);
  const nan = arrivalFeed([{ atMs: NaN }]);
  assert.throws(() => nan.schedule.next(), RangeError);
});
