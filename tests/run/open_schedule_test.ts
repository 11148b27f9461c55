import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import type { RunPlan } from "../../lib/config/run_plan.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { runOpenLoop } from "../../lib/load/open_loop.ts";
import { createStopRule } from "../../lib/load/stop_rule.ts";
import { parseTrace } from "../../lib/load/trace_replay.ts";
import type { Slot } from "../../lib/load/types.ts";
import { forecastShape, openSchedule } from "../../lib/run/open_schedule.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

type OpenLoad = Extract<RunPlan["load"], { mode: "open" }>;

const openLoad = (args: string[], rateFunction?: (t: number) => number | null): OpenLoad => {
  const { plan } = parseRunArgs(args, {}, {
    rateFunction: rateFunction && { fn: rateFunction, source: String(rateFunction) },
  });
  assert.ok(plan.load.mode === "open");
  return plan.load;
};

/** Runs the plan's schedule on a fake clock until the shape ends; returns each send's time. */
async function sendTimes(load: OpenLoad, trace?: ReturnType<typeof parseTrace>) {
  const clock = new FakeClock();
  const sent: { slot: Slot; at: number }[] = [];
  const { schedule } = openSchedule(load, { seed: 7, trace });
  await runOpenLoop({
    schedule,
    stopRule: createStopRule({ scheduleEnds: true }),
    clock,
    dispatch: async (slot) => {
      sent.push({ slot, at: clock.now() });
      await clock.sleepUntil(clock.now() + 700); // slow responses must not shift later sends
    },
  });
  return { sent, endedAt: clock.now() };
}

const close = (a: number[], b: number[]) => {
  assert.equal(a.length, b.length, `${a.length} sends, want ${b.length}`);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-6, `send ${i}: ${x}, want ${b[i]}`));
};

Deno.test("a linear ramp plan sends at the integrated-rate times and ends with the ramp", async () => {
  // 2 → 20 req/s over 3 s: Λ(t) = 2t + 3t², so constant arrival k is where Λ = k.
  const load = openLoad(
    ["--rate", "2", "--ramp-to", "20", "--ramp-over", "3s", "--arrival", "constant"],
  );
  const { sent } = await sendTimes(load);
  const want = Array.from({ length: 33 }, (_, k) => ((-2 + Math.sqrt(4 + 12 * k)) / 6) * 1000);
  assert.equal(sent.length, 33);
  // The integrator is exact per 10 ms step for the step's midpoint rate: within 0.2 ms here.
  sent.forEach((s, k) => assert.ok(Math.abs(s.at - want[k]) < 0.2, `send ${k}: ${s.at}`));
  assert.ok(sent.every((s) => s.at === s.slot.scheduledAt));
});

Deno.test("rate stages from the flag send at each stage's constant spacing", async () => {
  const load = openLoad(["--rate-stages", "1s@4,500ms@0,1s@10", "--arrival", "constant"]);
  const { sent } = await sendTimes(load);
  close(sent.map((s) => s.at), [
    ...Array.from({ length: 4 }, (_, k) => k * 250),
    ...Array.from({ length: 10 }, (_, k) => 1500 + k * 100),
  ]);
});

Deno.test("a rate function ends the schedule where it returns null", async () => {
  const load = openLoad(["--arrival", "constant"], (t) => (t < 1 ? 5 : t < 1.5 ? 20 : null));
  const { sent, endedAt } = await sendTimes(load);
  close(sent.map((s) => s.at), [
    ...Array.from({ length: 5 }, (_, k) => k * 200),
    ...Array.from({ length: 10 }, (_, k) => 1000 + k * 50),
  ]);
  assert.ok(Math.abs(endedAt - (1450 + 700)) < 1e-6, "ends when the last response does");
});

Deno.test("a trace plan sends at the trace's scaled times and exposes each arrival", async () => {
  const trace = parseTrace(
    [
      '{"timestamp": 1000, "input_length": 50, "output_length": 7}',
      '{"timestamp": 1400, "input_length": 80}',
      '{"timestamp": 3000}',
    ].join("\n"),
    { timeScale: 2 },
  );
  const load = openLoad(["--trace", import.meta.filename!, "--trace-speed", "2"]);
  const { sent } = await sendTimes(load, trace);
  close(sent.map((s) => s.at), [0, 200, 1000]);
  const { arrival } = openSchedule(load, { seed: 1, trace });
  assert.deepEqual(arrival(0), { atMs: 0, inputTokens: 50, outputTokens: 7 });
  assert.deepEqual(arrival(1), { atMs: 200, inputTokens: 80 });
  assert.deepEqual(forecastShape(load, { trace }), { expectedRequests: 3, endsAtMs: 1000 });
});

Deno.test("forecast: expected requests and end of a shape, before the run", () => {
  const ramp = forecastShape(openLoad(["--rate", "2", "--ramp-to", "20", "--ramp-over", "3s"]));
  assert.ok(ramp && Math.abs(ramp.expectedRequests - 33) < 1e-9);
  assert.equal(ramp.endsAtMs, 3000);
  const endless = forecastShape(openLoad([], () => 0.001));
  assert.ok(endless && endless.endsAtMs === undefined, "no end within the 1 h probe");
  assert.ok(Math.abs(endless.expectedRequests - 3.6) < 1e-6);
  assert.equal(forecastShape(openLoad(["--rate", "3"])), undefined);
});

Deno.test("forecast turns a rate function's bad value or exception into a usage error", () => {
  assert.throws(
    () => forecastShape(openLoad([], (t) => (t < 2 ? 1 : -1))),
    (e) => e instanceof UsageError && /returned -1 at t = 2.005 s/.test(e.message),
  );
  assert.throws(
    () =>
      forecastShape(openLoad([], () => {
        throw new Error("boom");
      })),
    (e) => e instanceof UsageError && /rate function threw at t = 0.005 s: boom/.test(e.message),
  );
});
