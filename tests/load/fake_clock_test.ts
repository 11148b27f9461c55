import assert from "node:assert/strict";
import { FakeClock } from "../helpers/fake_clock.ts";

Deno.test("fake clock wakes sleepers in time order, ties first-come first-served", async () => {
  const clock = new FakeClock();
  const order: string[] = [];
  const sleep = (name: string, t: number) =>
    clock.sleepUntil(t).then(() => order.push(`${name}@${clock.now()}`));
  await Promise.all([sleep("c", 300), sleep("a", 100), sleep("b1", 200), sleep("b2", 200)]);
  assert.deepEqual(order, ["a@100", "b1@200", "b2@200", "c@300"]);
  assert.equal(clock.now(), 300);
});

Deno.test("fake clock runs a minute of 1 ms sleeps in under 2 s of real time", async () => {
  const clock = new FakeClock();
  const started = performance.now();
  for (let t = 1; t <= 60_000; t++) await clock.sleepUntil(t);
  assert.equal(clock.now(), 60_000);
  assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
});

Deno.test("fake clock sleep in the past resolves without advancing time", async () => {
  const clock = new FakeClock({ startMs: 50 });
  await clock.sleepUntil(10);
  assert.equal(clock.now(), 50);
});

Deno.test("fake clock abort resolves a sleeper without moving time", async () => {
  const clock = new FakeClock();
  const ac = new AbortController();
  const p = clock.sleepUntil(10_000, ac.signal);
  assert.equal(clock.pending, 1);
  ac.abort();
  await p;
  assert.equal(clock.now(), 0);
  assert.equal(clock.pending, 0);
});

Deno.test("fake clock rejects sleeps past its limit so runaway loops fail", async () => {
  const clock = new FakeClock({ limitMs: 1000 });
  await assert.rejects(clock.sleepUntil(1001), /limit/);
});
