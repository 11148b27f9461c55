import assert from "node:assert/strict";
import {
  type ArrivalOptions,
  arrivalTimes,
  constantWaitMs,
  waitMs,
} from "../../lib/load/pacers.ts";

const N = 100_000;

function take(it: Iterator<number>, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

function intervalMoments(times: number[]): { mean: number; variance: number } {
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const variance = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1);
  return { mean, variance };
}

function assertWithin(actual: number, expected: number, relTol: number, what: string): void {
  const rel = Math.abs(actual - expected) / expected;
  assert.ok(rel <= relTol, `${what}: got ${actual}, expected ${expected} ± ${relTol * 100}%`);
}

Deno.test("waitMs is the time left until the target, never negative", () => {
  const table: [target: number, elapsed: number, want: number][] = [
    [100, 0, 100],
    [100, 40, 60],
    [100, 100, 0],
    [100, 250, 0],
    [0.5, 0.25, 0.25],
  ];
  for (const [target, elapsed, want] of table) {
    assert.equal(waitMs(target, elapsed), want, `waitMs(${target}, ${elapsed})`);
  }
});

Deno.test("constant pacer wait depends only on rate, elapsed time and sends made", () => {
  const table: { rate: number; elapsedMs: number; sent: number; want: number }[] = [
    { rate: 10, elapsedMs: 0, sent: 0, want: 0 }, // first send at the origin
    { rate: 10, elapsedMs: 0, sent: 1, want: 100 },
    { rate: 10, elapsedMs: 30, sent: 1, want: 70 },
    { rate: 10, elapsedMs: 1000, sent: 10, want: 0 },
    { rate: 10, elapsedMs: 1050, sent: 10, want: 0 }, // late: catch up, don't shift
    { rate: 10, elapsedMs: 1050, sent: 12, want: 150 },
    { rate: 4, elapsedMs: 0, sent: 3, want: 750 },
    { rate: 0.5, elapsedMs: 1000, sent: 1, want: 1000 },
    { rate: 1000, elapsedMs: 5.5, sent: 7, want: 1.5 },
  ];
  for (const row of table) {
    assert.equal(constantWaitMs(row), row.want, JSON.stringify(row));
  }
});

for (const rate of [1, 3, 7.5, 1000, 12345]) {
  Deno.test(`constant arrivals at ${rate}/s are exactly k·1000/rate after 100k arrivals`, () => {
    const times = take(arrivalTimes({ arrival: "constant", rate }), N);
    assert.equal(times.length, N);
    for (let k = 0; k < N; k++) {
      if (times[k] !== (k * 1000) / rate) assert.fail(`arrival ${k}: ${times[k]}`);
      if (k > 0 && !(times[k] > times[k - 1])) assert.fail(`arrival ${k} not increasing`);
    }
  });
}

const randomCases: { name: string; opts: ArrivalOptions; cv2: number }[] = [
  { name: "poisson", opts: { arrival: "poisson", rate: 20, seed: 1 }, cv2: 1 },
  ...[0.5, 1, 2, 4].map((k) => ({
    name: `gamma burstiness ${k}`,
    opts: { arrival: "gamma" as const, rate: 20, burstiness: k, seed: 1 },
    cv2: 1 / k,
  })),
];

for (const { name, opts, cv2 } of randomCases) {
  Deno.test(`${name} pacer keeps interval mean and variance within 2% over 100k draws`, () => {
    const times = take(arrivalTimes(opts), N + 1);
    assert.equal(times[0], 0, "first arrival is at the origin");
    for (let i = 1; i < times.length; i++) {
      if (!(times[i] >= times[i - 1])) assert.fail(`arrival ${i} went back in time`);
    }
    const meanMs = 1000 / opts.rate;
    const { mean, variance } = intervalMoments(times);
    assertWithin(mean, meanMs, 0.02, "mean interval");
    assertWithin(variance, meanMs * meanMs * cv2, 0.02, "interval variance");
  });

  Deno.test(`${name} pacer repeats with the same seed and differs with another`, () => {
    const a = take(arrivalTimes(opts), 1000);
    assert.deepEqual(take(arrivalTimes(opts), 1000), a);
    assert.notDeepEqual(take(arrivalTimes({ ...opts, seed: 2 }), 1000), a);
  });
}

Deno.test("gamma pacer is burstier below burstiness 1 and smoother above", () => {
  const cv = (k: number) => {
    const { mean, variance } = intervalMoments(
      take(arrivalTimes({ arrival: "gamma", rate: 50, burstiness: k, seed: 5 }), 20_000),
    );
    return Math.sqrt(variance) / mean;
  };
  assert.ok(cv(0.25) > cv(1) && cv(1) > cv(4), `cv ${cv(0.25)} ${cv(1)} ${cv(4)}`);
});

Deno.test("infinite rate sends every arrival at the origin", () => {
  for (const arrival of ["constant", "poisson", "gamma"] as const) {
    assert.deepEqual(take(arrivalTimes({ arrival, rate: Infinity }), 5), [0, 0, 0, 0, 0]);
  }
});

Deno.test("arrivalTimes rejects a non-positive rate or burstiness and unknown processes", () => {
  const bad: ArrivalOptions[] = [
    { arrival: "constant", rate: 0 },
    { arrival: "poisson", rate: -1 },
    { arrival: "poisson", rate: NaN },
    { arrival: "gamma", rate: 1, burstiness: 0 },
    { arrival: "uniform" as "constant", rate: 1 },
  ];
  for (const opts of bad) assert.throws(() => arrivalTimes(opts), RangeError, JSON.stringify(opts));
});
