import assert from "node:assert/strict";
import { clientHealth, type HealthWindow } from "../../lib/metrics/client_health.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { describe } from "../../lib/metrics/stats.ts";
import { summarize } from "../../lib/metrics/summary.ts";

const NO_LATENESS = describe([]);

/** `n` 1 s windows of one thread: lag `lag(i)` ms on each of 100 ticks, CPU `cpu(i)` ms. */
function windows(
  thread: string,
  n: number,
  lag: (i: number) => number,
  cpu: (i: number) => number | null = () => 50,
): HealthWindow[] {
  return Array.from({ length: n }, (_, i) => ({
    thread,
    t0: i * 1000,
    t1: (i + 1) * 1000,
    cpuMs: cpu(i),
    cpuSource: "thread" as const,
    lagMs: Array.from({ length: 100 }, () => lag(i)),
  }));
}

function record(index: number, scheduledAt: number, sentAt: number): RequestRecord {
  return {
    index,
    phase: "measure",
    requestId: `r${index}`,
    scheduledAt,
    sentAt,
    endAt: sentAt + 100,
    tokenTimes: [sentAt + 50],
    tokenCounts: [1],
    outputTokens: 1,
    outputTokensSource: "counted",
  };
}

Deno.test("low lag and low CPU in every window is a healthy client", () => {
  const c = clientHealth(windows("main", 10, () => 0.5), NO_LATENESS);
  assert.equal(c.verdict, "healthy");
  assert.equal(c.message, "client healthy");
  assert.equal(c.since_ms, null);
  assert.equal(c.threads[0].lag_p99_ms, 0.5);
  assert.equal(c.threads[0].cpu_pct, 5);
});

Deno.test("lag p99 over 5 ms for two windows in a row saturates the client from the first", () => {
  const c = clientHealth(
    windows(
      "worker 2",
      10,
      (i) => (i === 4 || i === 5 ? 12 : 1),
      (i) => (i === 4 || i === 5 ? 700 : 50),
    ),
    NO_LATENESS,
    {
      workers: 2,
      cores: 16,
    },
  );
  assert.equal(c.verdict, "saturated");
  assert.equal(c.cause, "client");
  assert.equal(c.since_ms, 4000);
  assert.equal(
    c.message,
    "client saturated: results after 4.0 s are not trustworthy; use --workers 4 or fewer streams",
  );
  assert.match(c.evidence[0], /^worker 2: from 4\.0 s to 6\.0 s event-loop lag p99 12\.00 ms/);
});

Deno.test("one hot window alone, or hot windows with a gap between, is not saturation", () => {
  assert.equal(
    clientHealth(windows("main", 10, (i) => (i === 3 ? 50 : 1)), NO_LATENESS).verdict,
    "healthy",
  );
  const gapped = windows("main", 10, (i) => (i === 3 || i === 5 ? 50 : 1));
  assert.equal(clientHealth(gapped, NO_LATENESS).verdict, "healthy");
});

Deno.test("CPU at 90 % of a core for 2 s saturates the client even with low lag", () => {
  const c = clientHealth(windows("main", 6, () => 1, (i) => (i >= 2 ? 950 : 100)), NO_LATENESS);
  assert.equal(c.verdict, "saturated");
  assert.equal(c.since_ms, 2000);
  assert.match(c.evidence[0], /CPU 95 % of a core/);
});

Deno.test("the earliest saturated thread sets T; the advice never exceeds the cores", () => {
  const list = [
    ...windows("worker 1", 8, (i) => (i >= 5 ? 20 : 1)),
    ...windows("worker 2", 8, (i) => (i >= 2 ? 20 : 1)),
  ];
  const c = clientHealth(list, NO_LATENESS, { workers: 2, cores: 3 });
  assert.equal(c.since_ms, 2000);
  assert.match(c.evidence[0], /^worker 2:/);
  assert.match(c.message, /use fewer streams$/);
});

Deno.test("send lateness comes from measured, sent records; no windows is 'not measured'", () => {
  const records = [record(0, 0, 0.5), record(1, 10, 12), record(2, 20, 20)];
  records.push({ ...record(3, 30, 30), dropped: true, sentAt: 30 });
  records.push({ ...record(4, 0, 90), phase: "warmup" });
  const c = clientHealth([], summarize(records, { loadMode: "open" }).send_lateness_ms);
  assert.equal(c.verdict, "not measured");
  assert.equal(c.send_lateness_ms.count, 3);
  assert.equal(c.send_lateness_ms.p50, 0.5);
  assert.equal(c.send_lateness_ms.max, 2);
});

Deno.test("a run too short for a 2 s stretch is saturated when hot for half its time", () => {
  const short = windows("main", 2, (i) => (i === 1 ? 30 : 1));
  const c = clientHealth(short, NO_LATENESS);
  assert.equal(c.verdict, "saturated");
  assert.equal(c.since_ms, 1000);
  // Hot for a third of a 3 s run: not enough.
  const brief = [...windows("main", 3, () => 1)];
  brief[2] = { ...brief[2], lagMs: brief[2].lagMs.map(() => 30), t1: 2500 };
  assert.equal(clientHealth(brief, NO_LATENESS).verdict, "healthy");
});

Deno.test("late timers on a mostly idle thread blame the machine, not the client", () => {
  const c = clientHealth(windows("main", 6, (i) => (i >= 2 ? 40 : 1), () => 110), NO_LATENESS, {
    workers: 1,
    cores: 8,
  });
  assert.equal(c.verdict, "saturated");
  assert.equal(c.cause, "machine");
  assert.match(c.message, /results after 2\.0 s are not trustworthy; free this machine's cores/);
  assert.match(c.evidence.at(-1)!, /^main used 11 % of a core while its timers ran late/);
});
