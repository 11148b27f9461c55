/**
 * The charts of one run, or of several runs overlaid (a comparison): latency CDFs, request
 * activity over time, GPU and server telemetry over time, per-adapter bars. The statistics come
 * from lib/metrics (CDF ladders, windows, adapter stats); this module only maps them to Plot
 * marks. One run: series are the metrics (p50 vs p99, GPU 0 vs GPU 1). Several runs: series
 * are the runs, so the same chart compares them.
 */

import * as Plot from "@observablehq/plot";
import { cdfsOf } from "../../metrics/latency_cdf.ts";
import {
  gpuWindows,
  serverWindows,
  timeSpanMs,
  windowLengthMs,
} from "../../metrics/time_windows.ts";
import type { RunReportInput } from "../report_input.ts";
import type { Chart } from "./html_page.ts";
import { plotSvg } from "./plot_svg.ts";
import { tokenTimesOff } from "../files/record_jsonl.ts";

/** A run and the name it is shown under in legends (ignored when alone). */
export interface NamedRun {
  name: string;
  run: RunReportInput;
}

/** Wide enough for a 620 px grid cell; Plot scales the SVG down with the page. */
const WIDTH = 640;
const HEIGHT = 240;

interface Point {
  x: number;
  y: number;
  series: string;
}

/** A line chart of long-form points, one line (and legend entry) per series. */
function lines(
  points: readonly Point[],
  options: { x: string; y: string; xType?: "linear" | "log"; yZero?: boolean; dots?: boolean },
): string {
  const series = new Set(points.map((p) => p.series));
  const marks: Plot.Markish[] = [
    Plot.lineY(points, { x: "x", y: "y", stroke: "series", z: "series", strokeWidth: 1.6 }),
  ];
  if (options.dots) marks.push(Plot.dot(points, { x: "x", y: "y", fill: "series", r: 3 }));
  if (options.yZero !== false) marks.push(Plot.ruleY([0]));
  // All zeros (no errors, say) would get a degenerate axis with one "0.000000" tick.
  const flat = points.every((p) => p.y === 0);
  return plotSvg({
    width: WIDTH,
    height: HEIGHT,
    marginLeft: 56,
    grid: true,
    x: { label: options.x, type: options.xType ?? "linear" },
    y: { label: options.y, ...(flat ? { domain: [0, 1] } : {}) },
    color: { legend: series.size > 1, domain: [...series] },
    marks,
  });
}

/** Series name of a metric in a run: the metric alone, or "run · metric" when overlaid. */
function seriesName(runs: readonly NamedRun[], run: NamedRun, metric: string): string {
  if (runs.length === 1) return metric;
  return metric ? `${run.name} · ${metric}` : run.name;
}

/** One window length for all runs, so overlaid lines are binned alike. */
function sharedWindowMs(runs: readonly NamedRun[]): number {
  const span = Math.max(
    0,
    ...runs.map((r) =>
      Math.max(
        r.run.digest.windows.spanMs,
        timeSpanMs([], [...r.run.gpuSamples, ...r.run.serverSamples]),
      )
    ),
  );
  return windowLengthMs(span);
}

/** TTFT, ITL and E2E CDFs: one chart each, one line per run. */
export function latencyCharts(runs: readonly NamedRun[]): Chart[] {
  const cdfs = runs.map((r) => ({ r, c: cdfsOf(r.run.digest.summary.hist) }));
  const defs = [
    ["latency-cdf-ttft", "TTFT distribution", "ttft_ms", "TTFT (ms)"],
    ["latency-cdf-itl", "Inter-token latency distribution", "itl_ms", "ITL per token (ms)"],
    ["latency-cdf-e2e", "End-to-end latency distribution", "e2e_ms", "E2E latency (ms)"],
  ] as const;
  const charts: Chart[] = [];
  for (const [id, title, key, label] of defs) {
    // Without every token's time (`--token-times off`) the file holds no per-token ITL.
    const drawn = key === "itl_ms" ? cdfs.filter(({ r }) => !tokenTimesOff(r.run.meta)) : cdfs;
    const points = drawn.flatMap(({ r, c }) =>
      c[key].map((p) => ({ x: p.ms, y: p.pct, series: seriesName(runs, r, "") || "all" }))
    );
    if (points.length === 0) continue;
    charts.push({
      id,
      title,
      svg: lines(points, { x: label, y: "% of requests at or below", yZero: false }),
      note: "Cumulative: read the p50 at 50 and the p99 at 99; a line further right is slower.",
    });
  }
  return charts;
}

/** Throughput, in flight, TTFT per window, errors and send lateness over the run's time. */
export function overTimeCharts(runs: readonly NamedRun[]): Chart[] {
  const windowMs = sharedWindowMs(runs);
  const per = runs.map((r) => ({ r, w: r.run.digest.windows.windows(windowMs) }));
  if (per.every((p) => p.w.length === 0)) return [];
  const sec = windowMs / 1000;
  const xLabel = `time since start (s), ${sec} s windows`;
  const pts = (metric: string, value: (w: typeof per[number]["w"][number]) => number | null) =>
    per.flatMap(({ r, w }) =>
      w.flatMap((x) => {
        const y = value(x);
        return y === null ? [] : [{ x: x.t_s, y, series: seriesName(runs, r, metric) }];
      })
    );
  const charts: Chart[] = [
    {
      id: "throughput-over-time",
      title: "Output tokens per second",
      svg: lines(pts("", (w) => w.output_tokens_per_s), { x: xLabel, y: "output tok/s" }),
    },
    {
      id: "requests-over-time",
      title: "Completed requests per second",
      svg: lines(pts("", (w) => w.requests_per_s), { x: xLabel, y: "req/s" }),
    },
    {
      id: "in-flight-over-time",
      title: "Requests in flight",
      svg: lines(pts("", (w) => w.in_flight), { x: xLabel, y: "mean in flight" }),
    },
    {
      id: "ttft-over-time",
      title: "TTFT per window (p50, p99)",
      svg: lines([
        ...pts("p50", (w) => w.ttft_p50_ms),
        ...pts("p99", (w) => w.ttft_p99_ms),
      ], { x: xLabel, y: "TTFT (ms)" }),
      note: "Requests grouped by the window they were sent in.",
    },
    {
      id: "errors-over-time",
      title: "Errors and dropped requests per window",
      svg: lines([
        ...pts("errors", (w) => w.errors),
        ...pts("dropped", (w) => w.dropped),
      ], { x: xLabel, y: "requests" }),
    },
    {
      id: "lateness-over-time",
      title: "Send lateness per window (p50, max)",
      svg: lines([
        ...pts("p50", (w) => w.send_lateness_p50_ms),
        ...pts("max", (w) => w.send_lateness_max_ms),
      ], { x: xLabel, y: "sent − scheduled (ms)" }),
      note: "How late the client sent requests: above a few ms the client, not the server, " +
        "is the bottleneck.",
    },
  ];
  return charts;
}

/** VRAM, utilisation and power per GPU over time; empty when no run has GPU samples. */
export function gpuCharts(runs: readonly NamedRun[]): Chart[] {
  if (runs.every((r) => r.run.gpuSamples.length === 0)) return [];
  const windowMs = sharedWindowMs(runs);
  const per = runs.map((r) => ({ r, w: gpuWindows(r.run.gpuSamples, { windowMs }) }));
  const xLabel = `time since start (s), ${windowMs / 1000} s windows`;
  const pts = (value: (w: typeof per[number]["w"][number]) => number | null) =>
    per.flatMap(({ r, w }) =>
      w.flatMap((x) => {
        const y = value(x);
        return y === null ? [] : [{ x: x.t_s, y, series: seriesName(runs, r, `GPU ${x.gpu}`) }];
      })
    );
  const totals = per.flatMap(({ w }) =>
    w.flatMap((x) => (x.memory_total_mib === null ? [] : [x.memory_total_mib / 1024]))
  );
  const memory = pts((w) => (w.memory_used_mib === null ? null : w.memory_used_mib / 1024));
  const capacity = totals.length ? Math.max(...totals) : null;
  const series = new Set(memory.map((p) => p.series));
  const memorySvg = plotSvg({
    width: WIDTH,
    height: HEIGHT,
    marginLeft: 56,
    grid: true,
    x: { label: xLabel },
    y: { label: "VRAM used (GiB, window peak)" },
    color: { legend: series.size > 1, domain: [...series] },
    marks: [
      Plot.lineY(memory, { x: "x", y: "y", stroke: "series", z: "series", strokeWidth: 1.6 }),
      Plot.ruleY([0]),
      ...(capacity === null ? [] : [
        Plot.ruleY([capacity], { stroke: "#b3261e", strokeDasharray: "4,3" }),
        Plot.text([capacity], {
          y: (d: number) => d,
          frameAnchor: "left",
          textAnchor: "start",
          dx: 4,
          dy: -6,
          text: () => "capacity",
          fill: "#b3261e",
        }),
      ]),
    ],
  });
  return [
    {
      id: "gpu-memory",
      title: "GPU memory used",
      svg: memorySvg,
      note: "Dashed line: the largest GPU's total memory.",
    },
    {
      id: "gpu-utilization",
      title: "GPU utilisation",
      svg: lines(pts((w) => w.utilization_gpu_pct), { x: xLabel, y: "utilisation (%, mean)" }),
    },
    {
      id: "gpu-power",
      title: "GPU power draw",
      svg: lines(pts((w) => w.power_draw_w), { x: xLabel, y: "power (W, mean)" }),
    },
  ];
}

/** KV-cache usage and waiting/running requests from the server's /metrics; empty without. */
export function serverCharts(runs: readonly NamedRun[]): Chart[] {
  if (runs.every((r) => r.run.serverSamples.length === 0)) return [];
  const windowMs = sharedWindowMs(runs);
  const per = runs.map((r) => ({ r, w: serverWindows(r.run.serverSamples, { windowMs }) }));
  const xLabel = `time since start (s), ${windowMs / 1000} s windows`;
  const pts = (metric: string, value: (w: typeof per[number]["w"][number]) => number | null) =>
    per.flatMap(({ r, w }) =>
      w.flatMap((x) => {
        const y = value(x);
        return y === null ? [] : [{ x: x.t_s, y, series: seriesName(runs, r, metric) }];
      })
    );
  return [
    {
      id: "server-kv-cache",
      title: "Server KV-cache usage",
      svg: lines(pts("", (w) => w.kv_cache_usage_pct), { x: xLabel, y: "KV cache (%, peak)" }),
    },
    {
      id: "server-queue",
      title: "Server requests waiting and running",
      svg: lines([
        ...pts("waiting", (w) => w.num_requests_waiting),
        ...pts("running", (w) => w.num_requests_running),
      ], { x: xLabel, y: "requests (peak)" }),
      note: "Waiting above zero: the server is queueing (batch or KV cache full).",
    },
  ];
}

/** Per-adapter TTFT and E2E bars; empty unless some run used two or more models/adapters. */
export function adapterCharts(runs: readonly NamedRun[]): Chart[] {
  const rows = runs.flatMap((r) => {
    const stats = r.run.digest.adapters.result();
    return stats.length > 1 ? stats.map((s) => ({ run: r.name, s })) : [];
  });
  if (rows.length === 0) return [];
  const bars = (id: string, title: string, label: string, key: "ttft_ms" | "e2e_ms"): Chart => {
    const data = rows.flatMap(({ run, s }) =>
      (["p50", "p99"] as const).flatMap((q) => {
        const v = s[key][q];
        return v === null ? [] : [{
          adapter: s.adapter,
          y: runs.length > 1 ? `${run} ${q}` : q,
          value: v,
        }];
      })
    );
    const adapters = new Set(data.map((d) => d.adapter)).size;
    return {
      id,
      title,
      svg: plotSvg({
        width: WIDTH,
        height: Math.max(HEIGHT, adapters * 22 * (runs.length > 1 ? runs.length : 1) + 60),
        marginLeft: 140,
        x: { label, grid: true },
        fy: { label: null },
        y: { label: null },
        color: { legend: true },
        marks: [
          Plot.barX(data, { fy: "adapter", y: "y", x: "value", fill: "y" }),
          Plot.ruleX([0]),
        ],
      }),
    };
  };
  return [
    bars("adapter-ttft", "TTFT per adapter (p50, p99)", "TTFT (ms)", "ttft_ms"),
    bars("adapter-e2e", "E2E latency per adapter (p50, p99)", "E2E latency (ms)", "e2e_ms"),
  ];
}

/** Every chart a run (or an overlay of runs) has data for, in report order. */
export function runCharts(runs: readonly NamedRun[]): Chart[] {
  return [
    ...latencyCharts(runs),
    ...overTimeCharts(runs),
    ...gpuCharts(runs),
    ...serverCharts(runs),
    ...adapterCharts(runs),
  ];
}
