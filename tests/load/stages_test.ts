import assert from "node:assert/strict";
import { UsageError } from "../../lib/config/usage_error.ts";
import { rateArrivalTimes } from "../../lib/load/rate_function.ts";
import {
  concurrencySchedule,
  concurrencyStageProblems,
  rateStageProblems,
  stagedRate,
  type UserChange,
} from "../../lib/load/stages.ts";

Deno.test("staged rate switches at the stage boundaries and ends after the last stage", () => {
  const rate = stagedRate([
    { durationMs: 2000, rate: 5 },
    { durationMs: 3000, rate: 20 },
    { durationMs: 1000, rate: 0 },
    { durationMs: 500, rate: 1 },
  ]);
  const table: [tSeconds: number, want: number | null][] = [
    [0, 5],
    [1.999, 5],
    [2, 20],
    [4.999, 20],
    [5, 0],
    [6, 1],
    [6.499, 1],
    [6.5, null],
    [100, null],
  ];
  for (const [t, want] of table) assert.equal(rate(t), want, `rate at ${t} s`);
});

Deno.test("poisson arrivals over stages keep each stage's rate within 3% over 100 draws", () => {
  const stages = [
    { durationMs: 10_000, rate: 5 },
    { durationMs: 10_000, rate: 40 },
    { durationMs: 5_000, rate: 0 },
    { durationMs: 10_000, rate: 10 },
  ];
  const rate = stagedRate(stages);
  const counts = [0, 0, 0, 0];
  const draws = 100;
  for (let seed = 1; seed <= draws; seed++) {
    for (const t of rateArrivalTimes(rate, { seed })) {
      counts[t < 10_000 ? 0 : t < 20_000 ? 1 : t < 25_000 ? 2 : 3]++;
    }
  }
  const means = counts.map((c) => c / draws);
  assert.equal(means[2], 0, "no arrivals in the rate-0 stage");
  for (const i of [0, 1, 3]) {
    const expected = (stages[i].rate * stages[i].durationMs) / 1000;
    const rel = Math.abs(means[i] - expected) / expected;
    assert.ok(rel < 0.03, `stage ${i + 1}: ${means[i]} vs ${expected}`);
  }
});

Deno.test("open-loop stage problems are all listed at once", () => {
  assert.deepEqual(rateStageProblems([]), ["stage: give at least one stage"]);
  assert.deepEqual(
    rateStageProblems([
      { durationMs: 0, rate: 5 },
      { durationMs: 1000, rate: -1 },
      { durationMs: NaN, rate: NaN },
    ]),
    [
      "stage 1: durationMs must be > 0 and finite (got 0)",
      "stage 3: durationMs must be > 0 and finite (got NaN)",
      "stage 2: rate must be ≥ 0 and finite (got -1)",
      "stage 3: rate must be ≥ 0 and finite (got NaN)",
    ],
  );
  assert.deepEqual(rateStageProblems([{ durationMs: 1000, rate: 0 }]), [
    "stages: every rate is 0, so nothing would be sent",
  ]);
  assert.throws(
    () => stagedRate([{ durationMs: -1, rate: Infinity }]),
    (e) => e instanceof UsageError && e.problems.length === 2,
  );
});

Deno.test("closed-loop stages give target users over time and their change points", () => {
  const schedule = concurrencySchedule([
    { durationMs: 10_000, concurrency: 1 },
    { durationMs: 5_000, concurrency: 4 },
    { durationMs: 5_000, concurrency: 4 },
    { durationMs: 3_000, concurrency: 0 },
    { durationMs: 2_000, concurrency: 8 },
  ]);
  assert.equal(schedule.durationMs, 25_000);
  assert.equal(schedule.maxUsers, 8);
  assert.deepEqual(schedule.changes, [
    { atMs: 0, users: 1 },
    { atMs: 10_000, users: 4 },
    { atMs: 20_000, users: 0 },
    { atMs: 23_000, users: 8 },
  ]);
  const table: [tMs: number, want: number | null][] = [
    [0, 1],
    [9_999, 1],
    [10_000, 4],
    [19_999, 4],
    [20_000, 0],
    [23_000, 8],
    [24_999, 8],
    [25_000, null],
  ];
  for (const [t, want] of table) assert.equal(schedule.usersAt(t), want, `users at ${t} ms`);
  // usersAt agrees with the change list everywhere.
  for (let t = 0; t < 25_000; t += 250) {
    const before: readonly UserChange[] = schedule.changes.filter((c) => c.atMs <= t);
    assert.equal(schedule.usersAt(t), before[before.length - 1].users, `at ${t} ms`);
  }
});

Deno.test("closed-loop stage problems are all listed at once", () => {
  assert.deepEqual(
    concurrencyStageProblems([
      { durationMs: 1000, concurrency: 2.5 },
      { durationMs: Infinity, concurrency: -1 },
    ]),
    [
      "stage 2: durationMs must be > 0 and finite (got Infinity)",
      "stage 1: concurrency must be an integer ≥ 0 (got 2.5)",
      "stage 2: concurrency must be an integer ≥ 0 (got -1)",
    ],
  );
  assert.throws(() => concurrencySchedule([]), UsageError);
  assert.throws(
    () => concurrencySchedule([{ durationMs: 1000, concurrency: 0 }]),
    /every concurrency is 0/,
  );
});
