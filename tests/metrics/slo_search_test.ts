import assert from "node:assert/strict";
import { nextSearchStep, type SearchBounds, simulateSearch } from "../../lib/metrics/slo_search.ts";

const concurrency = (over: Partial<SearchBounds> = {}): SearchBounds => ({
  axis: "concurrency",
  min: 1,
  max: 1024,
  start: 1,
  precision: { value: 1, relative: false },
  maxPoints: 20,
  ...over,
});

const rate = (over: Partial<SearchBounds> = {}): SearchBounds => ({
  axis: "rate",
  min: 1,
  max: 1000,
  start: 1,
  precision: { value: 5, relative: true },
  maxPoints: 20,
  ...over,
});

/** A server whose SLOs hold up to `capacity` and never above. */
const upTo = (capacity: number) => (v: number) => v <= capacity;

Deno.test("concurrency search brackets by doubling, bisects, and confirms the answer twice", () => {
  const r = simulateSearch(concurrency(), upTo(13));
  assert.deepEqual(
    r.observations.map((o) => `${o.phase}:${o.value}:${o.pass ? "pass" : "fail"}`),
    [
      "bracket:1:pass",
      "bracket:2:pass",
      "bracket:4:pass",
      "bracket:8:pass",
      "bracket:16:fail",
      "bisect:12:pass",
      "bisect:14:fail",
      "bisect:13:pass",
      "confirm:13:pass",
    ],
  );
  assert.deepEqual(r.answer, {
    value: 13,
    runs: 2,
    confirmed: true,
    firstFail: 14,
    reason: "converged",
  });
});

Deno.test("concurrency search finds the exact capacity for every capacity from 1 to 300", () => {
  for (let c = 1; c <= 300; c++) {
    const r = simulateSearch(concurrency({ maxPoints: 30 }), upTo(c));
    assert.equal(r.answer.value, c, `capacity ${c}`);
    assert.equal(r.answer.firstFail, c + 1, `capacity ${c}`);
    assert.ok(r.answer.confirmed);
    // doubling to the first fail, then a binary search, then one confirmation
    assert.ok(r.observations.length <= 2 * Math.ceil(Math.log2(c + 1)) + 2, `capacity ${c}`);
  }
});

Deno.test("rate search converges within the relative precision and never above the capacity", () => {
  for (const c of [1.3, 2.2, 7.9, 12.5, 33.3, 99, 150.7, 640]) {
    const r = simulateSearch(rate({ maxPoints: 40 }), upTo(c));
    const v = r.answer.value!;
    assert.ok(v <= c, `capacity ${c}: answer ${v}`);
    assert.ok(c - v <= v * 0.05 + 1e-9, `capacity ${c}: answer ${v} not within 5 %`);
    assert.ok(r.answer.firstFail! - v <= v * 0.05 + 1e-9);
    assert.equal(r.answer.reason, "converged");
    assert.ok(r.answer.confirmed);
  }
});

Deno.test("rate search with an absolute precision stops when the bracket is that narrow", () => {
  const r = simulateSearch(rate({ precision: { value: 0.5, relative: false } }), upTo(12.3));
  assert.ok(r.answer.firstFail! - r.answer.value! <= 0.5);
  assert.ok(r.answer.value! <= 12.3 && r.answer.value! > 11.8);
});

Deno.test("a capacity beyond --max ends at max, confirmed, with no failing point", () => {
  const r = simulateSearch(concurrency({ max: 48 }), upTo(5000));
  assert.deepEqual(r.observations.map((o) => o.value), [1, 2, 4, 8, 16, 32, 48, 48]);
  assert.deepEqual(r.answer, {
    value: 48,
    runs: 2,
    confirmed: true,
    firstFail: null,
    reason: "at_max",
  });
});

Deno.test("a fail at --min ends at once with no answer (a fail is never rerun)", () => {
  const r = simulateSearch(rate({ min: 2, start: 2 }), upTo(1));
  assert.equal(r.observations.length, 1);
  assert.deepEqual(r.answer, {
    value: null,
    runs: 0,
    confirmed: false,
    firstFail: 2,
    reason: "fails_at_min",
  });
});

Deno.test("an answer at --min is confirmed there", () => {
  const r = simulateSearch(concurrency(), upTo(1));
  assert.deepEqual(r.observations.map((o) => `${o.phase}:${o.value}`), [
    "bracket:1",
    "bracket:2",
    "confirm:1",
  ]);
  assert.equal(r.answer.value, 1);
  assert.equal(r.answer.reason, "converged");
});

Deno.test("a start above the capacity halves towards min before bisecting", () => {
  const r = simulateSearch(concurrency({ start: 32 }), upTo(5));
  assert.deepEqual(r.observations.map((o) => `${o.phase}:${o.value}`), [
    "bracket:32",
    "bracket:16",
    "bracket:8",
    "bracket:4",
    "bisect:6",
    "bisect:5",
    "confirm:5",
  ]);
  assert.equal(r.answer.value, 5);
});

Deno.test("a pass that fails its confirmation counts as a fail and the bracket moves down", () => {
  // 13 passes once by luck, then fails; 12 holds.
  const flaky = (v: number, run: number) => v <= 12 || (v === 13 && run === 0);
  const r = simulateSearch(concurrency(), flaky);
  assert.deepEqual(r.observations.slice(-3).map((o) => `${o.phase}:${o.value}:${o.pass}`), [
    "bisect:13:true",
    "confirm:13:false",
    "confirm:12:true",
  ]);
  assert.deepEqual(r.answer, {
    value: 12,
    runs: 2,
    confirmed: true,
    firstFail: 13,
    reason: "converged",
  });
});

Deno.test("a failed confirmation far below the edge reopens the bisection", () => {
  // 8 passed once while bracketing, but 12 and 8 fail later: bisect again between 4 and 8.
  const obs = [
    { value: 1, pass: true },
    { value: 2, pass: true },
    { value: 4, pass: true },
    { value: 8, pass: true },
    { value: 9, pass: false },
    { value: 8, pass: false },
  ];
  assert.deepEqual(nextSearchStep(concurrency(), obs), { kind: "run", value: 6, phase: "bisect" });
});

Deno.test("the run budget is never exceeded and its last run confirms the would-be answer", () => {
  const r = simulateSearch(concurrency({ maxPoints: 5 }), upTo(1000));
  assert.deepEqual(r.observations.map((o) => `${o.phase}:${o.value}`), [
    "bracket:1",
    "bracket:2",
    "bracket:4",
    "bracket:8",
    "confirm:8",
  ]);
  assert.deepEqual(r.answer, {
    value: 8,
    runs: 2,
    confirmed: true,
    firstFail: null,
    reason: "max_points",
  });
  for (let points = 1; points <= 12; points++) {
    for (const c of [1, 3, 17, 90, 700]) {
      let seed = c * 7919 + points;
      // noisy near the edge: within 20 % of the capacity a run fails one time in three
      const noisy = (v: number) => {
        seed = (seed * 48271) % 2147483647;
        return v <= c && !(v > c * 0.8 && seed % 3 === 0);
      };
      const s = simulateSearch(concurrency({ maxPoints: points }), noisy);
      assert.ok(s.observations.length <= points, `${points} points, capacity ${c}`);
      if (s.answer.value !== null) assert.ok(s.answer.value <= c);
    }
  }
});

Deno.test("out of runs with only a single pass, the answer is marked unconfirmed", () => {
  const step = nextSearchStep(concurrency({ maxPoints: 2 }), [
    { value: 1, pass: true },
    { value: 2, pass: true },
  ]);
  assert.deepEqual(step, {
    kind: "done",
    answer: { value: 2, runs: 1, confirmed: false, firstFail: null, reason: "max_points" },
  });
});
