import assert from "node:assert/strict";
import {
  gpuSamplesFromCsv,
  serverSamplesFromJsonl,
} from "../../lib/report/files/telemetry_files.ts";
import { GPU_CSV_COLUMNS } from "../../lib/metrics/telemetry_samples.ts";
import { gpuTotals, gpuUsage } from "../../lib/metrics/gpu_usage.ts";

const HEADER = GPU_CSV_COLUMNS.join(",");

Deno.test("gpu.csv rows read back with quoted names and empty cells as null", () => {
  const text = `${HEADER}\n` +
    `0,0,GPU-a,"H100, ""SXM""",1000,80000,50,20,200,60,1980\n` +
    `1000,0,GPU-a,"H100, ""SXM""",3000,80000,,,400,,\n`;
  const s = gpuSamplesFromCsv(text);
  assert.equal(s.length, 2);
  assert.equal(s[0].name, 'H100, "SXM"');
  assert.equal(s[1].utilizationGpuPct, null);
  assert.equal(s[1].smClockMHz, null);
  const [u] = gpuUsage(s);
  assert.equal(u.memoryPeakMiB, 3000);
  // Trapezoid: (200 + 400) / 2 W over 1 s = 300 J = 1/12 Wh.
  assert.ok(Math.abs(u.energyWh! - 300 / 3600) < 1e-12);
  assert.equal(u.utilizationMeanPct, 50);
  assert.deepEqual(gpuTotals([u]), { memoryPeakMiB: 3000, energyWh: 300 / 3600 });
});

Deno.test("gpu.csv problems name the line and column, all at once", () => {
  assert.throws(
    () => gpuSamplesFromCsv(`${HEADER}\nx,0,u,n,1,2,3,4,y,6,7\n`),
    (e: Error) =>
      /line 2: column "t_ms" must be a number/.test(e.message) &&
      /line 2: column "power_draw_w" must be a number or empty \(got "y"\)/.test(e.message),
  );
  assert.throws(() => gpuSamplesFromCsv("t_ms,gpu\n1,0\n"), /header lacks column\(s\) uuid/);
  assert.deepEqual(gpuSamplesFromCsv(""), []);
});

Deno.test("server_metrics.jsonl reads snake_case keys; missing keys are null", () => {
  const s = serverSamplesFromJsonl(
    `{"t_ms":5,"num_requests_waiting":2,"kv_cache_usage":0.5,"lora_running":["a"]}\n\n`,
  );
  assert.equal(s.length, 1);
  assert.equal(s[0].tMs, 5);
  assert.equal(s[0].numRequestsWaiting, 2);
  assert.equal(s[0].kvCacheUsage, 0.5);
  assert.equal(s[0].numRequestsRunning, null);
  assert.deepEqual(s[0].loraRunning, ["a"]);
  assert.throws(
    () => serverSamplesFromJsonl(`{"t_ms":1,"kv_cache_usage":"x"}\nnope\n`),
    (e: Error) =>
      /line 1: field "kv_cache_usage" must be a number or null/.test(e.message) &&
      /line 2: not valid JSON/.test(e.message),
  );
});
