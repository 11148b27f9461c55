/**
 * Renders report.html from a real run or sweep directory, and prints how long it took:
 *
 *   deno run -A bench/render_html.ts <run-or-sweep-dir> [--out report.html] [--fake-gpu]
 *   deno run -A bench/render_html.ts <run-a> <run-b> [more…] [--out compare.html]
 *
 * `--fake-gpu` adds synthetic GPU and server samples that follow the run's load (for a look at
 * the telemetry charts without a GPU). The minimal loader here stands in for the report
 * pipeline's (lib/run) until both are merged; it reads requests.jsonl, meta.json,
 * summary.json, sweep.json and, when present, gpu.csv and server_metrics.jsonl.
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import type { GpuSample, ServerMetricsSample } from "../lib/metrics/telemetry_samples.ts";
import type { RequestRecord } from "../lib/metrics/record.ts";
import { summarize } from "../lib/metrics/summary.ts";
import { recordFromJsonl } from "../lib/report/files/record_jsonl.ts";
import { digestOf } from "../lib/metrics/run_digest.ts";
import type { RunReportInput, SweepReportInput } from "../lib/report/report_input.ts";
import type { SweepValues } from "../lib/report/sweep_row.ts";
import { type HtmlReportInput, renderHtmlReport } from "../lib/report/html/html_report.ts";
import {
  syntheticGpuSamples,
  syntheticServerSamples,
} from "../tests/helpers/synthetic_telemetry.ts";

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(path));
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function num(v: string): number | null {
  return v === "" ? null : Number(v);
}

function parseGpuCsv(text: string): GpuSample[] {
  const [, ...lines] = text.trim().split("\n");
  return lines.map((l) => {
    const c = l.split(",");
    return {
      tMs: Number(c[0]),
      gpu: Number(c[1]),
      uuid: c[2],
      name: c[3],
      memoryUsedMiB: num(c[4]),
      memoryTotalMiB: num(c[5]),
      utilizationGpuPct: num(c[6]),
      utilizationMemoryPct: num(c[7]),
      powerDrawW: num(c[8]),
      temperatureC: num(c[9]),
      smClockMHz: num(c[10]),
    };
  });
}

function parseServerJsonl(text: string): ServerMetricsSample[] {
  return text.trim().split("\n").filter((l) => l).map((l) => {
    const o = JSON.parse(l);
    return {
      tMs: o.t_ms,
      numRequestsRunning: o.num_requests_running,
      numRequestsWaiting: o.num_requests_waiting,
      kvCacheUsage: o.kv_cache_usage,
      numPreemptionsTotal: o.num_preemptions_total,
      promptTokensTotal: o.prompt_tokens_total,
      generationTokensTotal: o.generation_tokens_total,
      prefixCacheQueriesTotal: o.prefix_cache_queries_total,
      prefixCacheHitsTotal: o.prefix_cache_hits_total,
      loraRunning: o.lora_running,
      loraWaiting: o.lora_waiting,
      maxLora: o.max_lora,
    };
  });
}

async function loadRun(dir: string, fakeGpu: boolean): Promise<RunReportInput> {
  const meta = await readJson(join(dir, "meta.json"));
  const summaryJson = await readJson(join(dir, "summary.json"));
  const records: RequestRecord[] = (await Deno.readTextFile(join(dir, "requests.jsonl")))
    .split("\n").filter((l) => l.trim()).map((l, i) => recordFromJsonl(l, { lineNumber: i + 1 }));
  const gpuCsv = await readOptional(join(dir, "gpu.csv"));
  const serverJsonl = await readOptional(join(dir, "server_metrics.jsonl"));
  const load = meta.load as { mode?: string } | undefined;
  return {
    runId: dir.split("/").filter((p) => p).pop()!,
    meta,
    summary: summarize(records, { loadMode: load?.mode === "closed" ? "closed" : "open" }),
    summaryJson,
    digest: digestOf(records, {
      baseModel: String((meta.target as { model?: unknown } | undefined)?.model ?? ""),
    }),
    gpuSamples: gpuCsv ? parseGpuCsv(gpuCsv) : fakeGpu ? syntheticGpuSamples(records) : [],
    serverSamples: serverJsonl
      ? parseServerJsonl(serverJsonl)
      : fakeGpu
      ? syntheticServerSamples(records)
      : [],
    files: { gpuCsv: gpuCsv !== null, serverMetrics: serverJsonl !== null },
  };
}

async function loadSweep(dir: string, fakeGpu: boolean): Promise<SweepReportInput> {
  const sweep = await readJson(join(dir, "sweep.json"));
  const points = sweep.points as {
    point: number;
    label: string | null;
    run_id: string;
    values: SweepValues;
  }[];
  return {
    sweepId: String(sweep.sweep_id ?? dir),
    sweep,
    axes: sweep.axes as string[],
    points: await Promise.all(points.map(async (p) => ({
      index: p.point,
      label: p.label ?? undefined,
      values: p.values,
      run: await loadRun(join(dir, p.run_id), fakeGpu),
    }))),
  };
}

if (import.meta.main) {
  const { values, positionals: dirs } = parseArgs({
    args: Deno.args,
    options: { out: { type: "string" }, "fake-gpu": { type: "boolean", default: false } },
    allowPositionals: true,
  });
  if (dirs.length === 0) {
    console.error(
      "usage: deno run -A bench/render_html.ts <run-or-sweep-dir> [more run dirs: a comparison] " +
        "[--out report.html] [--fake-gpu]",
    );
    Deno.exit(2);
  }
  const fakeGpu = values["fake-gpu"];
  const out = values.out ?? join(dirs[0], "report.html");
  const t0 = performance.now();
  let input: HtmlReportInput;
  if (dirs.length > 1) {
    const runs = await Promise.all(dirs.map((d) => loadRun(d, fakeGpu)));
    input = { kind: "runs", runs: runs.map((run) => ({ name: run.runId, run })) };
  } else if ((await readOptional(join(dirs[0], "sweep.json"))) !== null) {
    input = await loadSweep(dirs[0], fakeGpu);
  } else {
    input = await loadRun(dirs[0], fakeGpu);
  }
  const t1 = performance.now();
  const html = renderHtmlReport(input);
  const t2 = performance.now();
  await Deno.writeTextFile(out, html);
  const charts = html.match(/<figure class="chart"/g)?.length ?? 0;
  console.log(
    `${out}: ${(html.length / 1024).toFixed(0)} KiB, ${charts} charts; ` +
      `load ${(t1 - t0).toFixed(0)} ms, render ${(t2 - t1).toFixed(0)} ms ` +
      `(${(charts ? (t2 - t1) / charts : 0).toFixed(1)} ms per chart)`,
  );
}
