import assert from "node:assert/strict";
import { createStopRule, type StopRuleOptions } from "../../lib/load/stop_rule.ts";

const W = "warmup", M = "measure", S = "stop";

/** Sends every 100 ms from the origin: 0, 100, 200, … */
const every100 = (n: number) => Array.from({ length: n }, (_, i) => i * 100);

const table: {
  name: string;
  opts: StopRuleOptions;
  times: number[];
  want: string[];
  measureStartMs?: number;
}[] = [
  {
    name: "requests alone stops after that many measured sends",
    opts: { requests: 3 },
    times: every100(5),
    want: [M, M, M, S, S],
    measureStartMs: 0,
  },
  {
    name: "duration alone stops at the first send at or past the end",
    opts: { durationMs: 300 },
    times: every100(6),
    want: [M, M, M, S, S, S],
    measureStartMs: 0,
  },
  {
    name: "duration wins when it comes before the request budget",
    opts: { durationMs: 250, requests: 10 },
    times: every100(5),
    want: [M, M, M, S, S],
  },
  {
    name: "requests win when the budget runs out before the duration",
    opts: { durationMs: 10_000, requests: 2 },
    times: every100(5),
    want: [M, M, S, S, S],
  },
  {
    name: "warm-up by count is not counted towards requests",
    opts: { requests: 2, warmupRequests: 3 },
    times: every100(7),
    want: [W, W, W, M, M, S, S],
    measureStartMs: 300,
  },
  {
    name: "warm-up by time covers sends scheduled before warmupMs",
    opts: { requests: 2, warmupMs: 250 },
    times: every100(7),
    want: [W, W, W, M, M, S, S],
    measureStartMs: 250,
  },
  {
    name: "duration counts from the end of a time-based warm-up",
    opts: { durationMs: 300, warmupMs: 250 },
    times: every100(8),
    want: [W, W, W, M, M, M, S, S], // measured window [250, 550)
    measureStartMs: 250,
  },
  {
    name: "duration counts from the first measured send after a count-based warm-up",
    opts: { durationMs: 200, warmupRequests: 2 },
    times: every100(6),
    want: [W, W, M, M, S, S], // measured window [200, 400)
    measureStartMs: 200,
  },
  {
    name: "both warm-ups must be over: count outlasts time",
    opts: { requests: 1, warmupMs: 150, warmupRequests: 4 },
    times: every100(6),
    want: [W, W, W, W, M, S],
    measureStartMs: 400,
  },
  {
    name: "both warm-ups must be over: time outlasts count",
    opts: { requests: 1, warmupMs: 350, warmupRequests: 1 },
    times: every100(6),
    want: [W, W, W, W, M, S],
    measureStartMs: 350,
  },
];

for (const { name, opts, times, want, measureStartMs } of table) {
  Deno.test(`stop rule: ${name}`, () => {
    const rule = createStopRule(opts);
    assert.deepEqual(times.map((t) => rule.next(t)), want);
    if (measureStartMs !== undefined) assert.equal(rule.measureStartMs, measureStartMs);
    assert.equal(rule.warmupSent, want.filter((d) => d === W).length);
    assert.equal(rule.measuredSent, want.filter((d) => d === M).length);
    assert.equal(rule.done, true);
  });
}

Deno.test("stop rule reports done as soon as the request budget is used, before another ask", () => {
  const rule = createStopRule({ requests: 2, warmupRequests: 1 });
  assert.equal(rule.next(0), W);
  assert.equal(rule.done, false);
  rule.next(10);
  assert.equal(rule.done, false);
  rule.next(20);
  assert.equal(rule.done, true);
});

Deno.test("stop rule never returns to warm-up once measuring", () => {
  const rule = createStopRule({ durationMs: 1000, warmupMs: 100 });
  assert.equal(rule.next(150), M);
  assert.equal(rule.next(90), M); // out-of-order times (closed-loop users) stay measured
  assert.equal(rule.measureStartMs, 100);
  assert.equal(rule.measureEndMs, 1100);
});

Deno.test("stop rule is sticky: after stop, every later send is stop", () => {
  const rule = createStopRule({ durationMs: 100 });
  assert.equal(rule.next(100), S);
  assert.equal(rule.next(50), S);
});

Deno.test("stop rule rejects missing or invalid limits, listing every problem", () => {
  assert.throws(() => createStopRule({}), /durationMs or requests/);
  assert.throws(
    () => createStopRule({ durationMs: 0, requests: 1.5, warmupMs: -1, warmupRequests: -2 }),
    (e: unknown) => {
      const msg = (e as Error).message;
      return ["durationMs", "requests", "warmupMs", "warmupRequests"].every((f) => msg.includes(f));
    },
  );
});

Deno.test("stop rule with scheduleEnds needs no limit: it never stops, the schedule's end does", () => {
  const rule = createStopRule({ scheduleEnds: true, warmupMs: 1000 });
  assert.equal(rule.next(0), "warmup");
  assert.equal(rule.next(1000), "measure");
  assert.equal(rule.next(86_400_000), "measure");
  assert.equal(rule.done, false);
  // A limit given as well still applies.
  const capped = createStopRule({ scheduleEnds: true, requests: 1 });
  assert.equal(capped.next(0), "measure");
  assert.equal(capped.next(1), S);
});
