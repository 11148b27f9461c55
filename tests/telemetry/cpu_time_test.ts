import assert from "node:assert/strict";
import { readCpuTime } from "../../lib/telemetry/cpu_time.ts";

Deno.test("readCpuTime: this thread's CPU grows with work on it and never exceeds the process's", () => {
  const t0 = readCpuTime();
  assert.ok(t0 !== null, "Deno has process.cpuUsage and process.threadCpuUsage");
  // ~50 ms of work on this thread: the thread's clock must move (getrusage ticks are ≤ 10 ms).
  const until = performance.now() + 50;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  const t1 = readCpuTime()!;
  assert.ok(x > 0);
  assert.ok(t1.mainThread > t0.mainThread, `${t0.mainThread} → ${t1.mainThread}`);
  assert.ok(t1.process >= t1.mainThread && t1.process >= t0.process);
});
