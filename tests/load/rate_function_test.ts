import assert from "node:assert/strict";
import { UsageError } from "../../lib/config/usage_error.ts";
import { arrivalTimes } from "../../lib/load/pacers.ts";
import {
  exponentialRamp,
  integrateRate,
  linearRamp,
  type RateArrivalOptions,
  rateArrivalTimes,
  type RateFunction,
} from "../../lib/load/rate_function.ts";
import { stagedRate } from "../../lib/load/stages.ts";

function take(it: Iterator<number>, n = Infinity): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const r = it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

/** Mean over `draws` seeds of the arrival count in each [edges[i], edges[i+1]) ms bin. */
function meanBinCounts(
  rate: RateFunction,
  edges: number[],
  draws: number,
  options: RateArrivalOptions = {},
): number[] {
  const sums = new Array(edges.length - 1).fill(0);
  for (let seed = 1; seed <= draws; seed++) {
    for (const t of rateArrivalTimes(rate, { ...options, seed })) {
      const bin = edges.findIndex((e, i) => i < edges.length - 1 && t >= e && t < edges[i + 1]);
      if (bin >= 0) sums[bin]++;
    }
  }
  return sums.map((s) => s / draws);
}

function assertWithin(actual: number, expected: number, relTol: number, what: string): void {
  const rel = Math.abs(actual - expected) / expected;
  assert.ok(rel <= relTol, `${what}: got ${actual}, expected ${expected} ± ${relTol * 100}%`);
}

const sine: RateFunction = (t) => (t < 60 ? 10 + 8 * Math.sin((2 * Math.PI * t) / 10) : null);

Deno.test("a constant rate function reproduces the constant pacer: arrival k at k·1000/rate", () => {
  const shaped = take(rateArrivalTimes(() => 10, { arrival: "constant" }), 1000);
  const pacer = take(arrivalTimes({ arrival: "constant", rate: 10 }), 1000);
  shaped.forEach((t, k) => assert.ok(Math.abs(t - pacer[k]) < 1e-6, `arrival ${k}: ${t}`));
});

Deno.test("a constant-rate poisson schedule matches the homogeneous poisson pacer for a seed", () => {
  const shaped = take(rateArrivalTimes(() => 50, { arrival: "poisson", seed: 4 }), 2000);
  const pacer = take(arrivalTimes({ arrival: "poisson", rate: 50, seed: 4 }), 2000);
  shaped.forEach((t, k) => assert.ok(Math.abs(t - pacer[k]) < 1e-6, `arrival ${k}: ${t}`));
});

Deno.test("constant arrivals land where the integrated rate crosses each integer", () => {
  // rate 2t over 10 s: Λ(t) = t², so arrival k is at √k s; Λ(10 s) = 100 gives arrivals 0..99.
  const times = take(rateArrivalTimes(linearRamp(0, 20, { durationMs: 10_000 }), {
    arrival: "constant",
  }));
  assert.equal(times.length, 100);
  times.forEach((t, k) => {
    assert.ok(Math.abs(t - 1000 * Math.sqrt(k)) < 0.05, `arrival ${k} at ${t} ms`);
  });
});

Deno.test("constant arrivals over stages with a pause are exact and continue the count", () => {
  const rate = stagedRate([
    { durationMs: 1000, rate: 10 },
    { durationMs: 1000, rate: 0 },
    { durationMs: 2000, rate: 5 },
  ]);
  const times = take(rateArrivalTimes(rate, { arrival: "constant" }));
  const want = [
    ...Array.from({ length: 10 }, (_, k) => k * 100),
    ...Array.from({ length: 10 }, (_, k) => 2000 + k * 200),
  ];
  assert.equal(times.length, want.length);
  times.forEach((t, k) => assert.ok(Math.abs(t - want[k]) < 1e-6, `arrival ${k}: ${t}`));
});

Deno.test("poisson arrivals follow a sine-wave rate within 3% per 6 s bin over 200 draws", () => {
  const edges = Array.from({ length: 11 }, (_, i) => i * 6000);
  const counts = meanBinCounts(sine, edges, 200);
  counts.forEach((c, i) => {
    const expected = integrateRate(sine, edges[i + 1]) - integrateRate(sine, edges[i]);
    assertWithin(c, expected, 0.03, `bin ${i}`);
  });
  assertWithin(counts.reduce((a, b) => a + b), 600, 0.01, "total");
  assert.ok(Math.abs(integrateRate(sine, 60_000) - 600) < 1e-6, "∫ sine over whole periods");
});

Deno.test("gamma arrivals follow a time-varying rate in expectation", () => {
  for (const burstiness of [0.5, 4]) {
    const [count] = meanBinCounts(sine, [0, 60_000], 200, { arrival: "gamma", burstiness });
    assertWithin(count, 600, 0.03, `burstiness ${burstiness}`);
  }
});

Deno.test("linear and exponential ramps integrate to their closed forms", () => {
  const lin = linearRamp(5, 50, { durationMs: 30_000 });
  assertWithin(integrateRate(lin, Infinity), ((5 + 50) / 2) * 30, 1e-9, "linear ∫");
  const exp = exponentialRamp(1, 64, { durationMs: 30_000 });
  const expTotal = (30 * 63) / Math.log(64);
  assertWithin(integrateRate(exp, Infinity), expTotal, 1e-5, "exponential ∫");

  const [firstHalf, secondHalf] = meanBinCounts(lin, [0, 15_000, 30_000], 100);
  assertWithin(firstHalf, 5 * 15 + (45 / 30) * 15 ** 2 / 2, 0.03, "linear, first half");
  assertWithin(secondHalf, 825 - 243.75, 0.03, "linear, second half");
  const [expCount] = meanBinCounts(exp, [0, 30_000], 100);
  assertWithin(expCount, expTotal, 0.03, "exponential ramp count");
  // Half the duration of a ×64 ramp carries 1/9 of its arrivals: (8 − 1) / (64 − 1).
  const [early] = meanBinCounts(exp, [0, 15_000], 100);
  assertWithin(early, expTotal / 9, 0.06, "exponential ramp, first half");
});

Deno.test("ramps end with null by default and hold their last rate when asked", () => {
  const ended = linearRamp(1, 3, { durationMs: 2000 });
  assert.equal(ended(1), 2);
  assert.equal(ended(2), null);
  const held = exponentialRamp(2, 8, { durationMs: 2000, after: "hold" });
  assert.ok(Math.abs(held(1)! - 4) < 1e-12);
  assert.equal(held(100), 8);
});

Deno.test("null from the rate function ends the schedule", () => {
  const it = rateArrivalTimes((t) => (t < 3 ? 10 : null), { arrival: "constant" });
  const times = take(it);
  assert.equal(times.length, 30);
  assert.ok(Math.abs(times[29] - 2900) < 1e-6);
  assert.equal(it.next().done, true);
});

Deno.test("rate-0 stretches hold no arrivals and the schedule continues after them", () => {
  const onOff: RateFunction = (t) => (t >= 20 ? null : t % 4 < 2 ? 20 : 0);
  let total = 0;
  for (let seed = 1; seed <= 50; seed++) {
    const times = take(rateArrivalTimes(onOff, { seed }));
    total += times.length;
    for (const t of times) assert.ok(t % 4000 < 2000, `seed ${seed}: arrival at ${t} ms in a gap`);
    assert.ok(times.some((t) => t >= 16_000), `seed ${seed}: the last on-stretch has arrivals`);
  }
  assertWithin(total / 50, 200, 0.03, "mean count");
});

Deno.test("skipIdleMs cuts long idle stretches, like the seed tool's skip_idle_min", () => {
  const rate = stagedRate([
    { durationMs: 1000, rate: 10 },
    { durationMs: 60_000, rate: 0 },
    { durationMs: 1000, rate: 10 },
  ]);
  const times = take(rateArrivalTimes(rate, { arrival: "constant", skipIdleMs: 500 }));
  assert.equal(times.length, 20);
  assert.ok(Math.abs(times[10] - 1500) < 1e-6, `first after the gap at ${times[10]}`);
  assert.ok(Math.abs(times[19] - 2400) < 1e-6);
});

Deno.test("endMs ends the schedule and a same seed gives the same schedule", () => {
  const a = take(rateArrivalTimes(sine, { seed: 9, endMs: 5000 }));
  const b = take(rateArrivalTimes(sine, { seed: 9, endMs: 5000 }));
  const c = take(rateArrivalTimes(sine, { seed: 10, endMs: 5000 }));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.every((t) => t < 5000));
});

Deno.test("a rate that stays 0 is an error instead of a silent hang", () => {
  const it = rateArrivalTimes(() => 0, { maxIdleMs: 1000 });
  assert.throws(() => it.next(), (e) => e instanceof UsageError && /rate was 0/.test(e.message));
});

Deno.test("a negative, NaN or infinite rate is reported with its time", () => {
  for (const bad of [-1, NaN, Infinity]) {
    const it = rateArrivalTimes((t) => (t < 1 ? 5 : bad));
    assert.throws(
      () => take(it),
      (e) => e instanceof UsageError && e.message.includes(`returned ${bad} at t = 1.005 s`),
    );
  }
});

Deno.test("bad schedule options are all listed at once", () => {
  assert.throws(
    () => rateArrivalTimes(() => 1, { stepMs: 0, burstiness: -1, seed: NaN, skipIdleMs: -5 }),
    (e) => e instanceof UsageError && e.problems.length === 4,
  );
  assert.throws(
    () => linearRamp(-1, NaN, { durationMs: 0 }),
    (e) => e instanceof UsageError && e.problems.length === 3,
  );
  assert.throws(
    () => exponentialRamp(0, 10, { durationMs: 1000 }),
    (e) => e instanceof UsageError && /start rate must be > 0/.test(e.message),
  );
});
