import assert from "node:assert/strict";
import { parseStatCpuSeconds, readCpuTime } from "../../lib/telemetry/cpu_time.ts";

Deno.test("parseStatCpuSeconds adds utime and stime, even when the command name holds spaces and parentheses", () => {
  const stat = "4242 (deno (main) x) S 1 4242 4242 0 -1 4194560 1 0 0 0 250 37 0 0 20 0 9 0";
  assert.equal(parseStatCpuSeconds(stat), 2.87);
  assert.equal(parseStatCpuSeconds("1 (x) S"), null);
});

Deno.test("readCpuTime: on Linux the process has used at least as much CPU as this thread", () => {
  const t = readCpuTime();
  if (Deno.build.os !== "linux") return assert.equal(t, null);
  assert.ok(t !== null);
  assert.ok(t.process >= t.mainThread && t.mainThread >= 0);
});
