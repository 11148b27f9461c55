/**
 * `report.html` of a sweep: one table row per point (the terminal sweep table's figures), the
 * concurrency table, sweep curves (latency vs the swept load, throughput vs latency), GPU peaks
 * per point, and the points' latency distributions and telemetry overlaid. Pure.
 */

import * as Plot from "@observablehq/plot";
import { gpuWindows, timeSpanMs } from "../../metrics/time_windows.ts";
import type { SweepPointInput, SweepReportInput } from "../report_input.ts";
import {
  type Cell,
  type Chart,
  chartGrid,
  esc,
  htmlPage,
  htmlTable,
  section,
} from "./html_page.ts";
import { gpuCharts, latencyCharts, type NamedRun, serverCharts } from "./run_charts.ts";
import { configurationHtml, environmentHtml } from "./run_html.ts";
import { plotSvg } from "./plot_svg.ts";

/** Overlaying more points than this makes unreadable spaghetti; the curves still show all. */
const MAX_OVERLAID = 8;

function axisValue(p: SweepPointInput, axis: string): string | number | null {
  const v = (p.values as unknown as Record<string, unknown>)[axis];
  return typeof v === "number" || typeof v === "string" ? v : null;
}

/** The axis curves are drawn along: concurrency or rate when swept, else the first axis. */
export function primaryAxis(axes: readonly string[]): string | null {
  return axes.find((a) => a === "concurrency") ?? axes.find((a) => a === "rate") ??
    axes[0] ?? null;
}

function pointName(p: SweepPointInput, axes: readonly string[]): string {
  if (p.label) return p.label;
  const parts = axes.map((a) => `${a}=${axisValue(p, a) ?? "-"}`);
  return parts.length ? parts.join(" ") : `point ${p.index}`;
}

/** One row per point: swept values, then latency, TTFT, TPOT, throughput, errors. */
function pointsTable(input: SweepReportInput): string {
  const headers = [
    "#",
    ...input.axes,
    "ok",
    "errors",
    "E2E mean",
    "E2E p50",
    "E2E p99",
    "TTFT p50",
    "TTFT p99",
    "TPOT p50",
    "ITL p99",
    "req/s",
    "out tok/s",
  ];
  const rows = input.points.map((p): Cell[] => {
    const s = p.run.summary;
    return [
      p.index,
      ...input.axes.map((a) => axisValue(p, a)),
      s.requests.ok,
      s.requests.failed + s.requests.dropped,
      s.e2e_ms.mean,
      s.e2e_ms.p50,
      s.e2e_ms.p99,
      s.ttft_ms.p50,
      s.ttft_ms.p99,
      s.tpot_ms.p50,
      s.itl_ms.p99,
      s.throughput.requests_per_s,
      s.throughput.output_tokens_per_s,
    ];
  });
  return htmlTable(headers, rows, { id: "sweep-table", caption: "Latencies in ms" });
}

/** The performance-analysis guide's concurrency table; only when concurrency was swept. */
function concurrencyTable(input: SweepReportInput): string {
  if (!input.axes.includes("concurrency")) return "";
  const rows = input.points.map((p): Cell[] => {
    const s = p.run.summary;
    return [
      p.values.concurrency,
      s.e2e_ms.mean,
      s.e2e_ms.max,
      s.e2e_ms.min,
      s.throughput.requests_per_s,
      s.throughput.output_tokens_per_s,
    ];
  });
  return htmlTable(
    ["concurrency", "mean latency", "max latency", "min latency", "req/s", "out tok/s"],
    rows,
    { id: "concurrency-table", caption: "Concurrency table (latency in ms)" },
  );
}

/** Latency and throughput curves along the primary axis, one line per other-axes combination. */
function sweepCurves(input: SweepReportInput): Chart[] {
  const axis = primaryAxis(input.axes);
  const others = input.axes.filter((a) => a !== axis);
  const xOf = (p: SweepPointInput) => {
    const v = axis ? axisValue(p, axis) : null;
    return typeof v === "number" ? v : p.index;
  };
  const group = (p: SweepPointInput) =>
    others.length ? others.map((a) => `${a}=${axisValue(p, a) ?? "-"}`).join(" ") : "";
  const xLabel = axis ?? "point";
  const curve = (
    metrics: readonly [string, (p: SweepPointInput) => number | null][],
    yLabel: string,
  ) => {
    const pts = input.points.flatMap((p) =>
      metrics.flatMap(([name, f]) => {
        const y = f(p);
        const series = [group(p), name].filter((s) => s).join(" · ") || yLabel;
        return y === null ? [] : [{ x: xOf(p), y, series }];
      })
    );
    const series = new Set(pts.map((p) => p.series));
    return plotSvg({
      width: 640,
      height: 260,
      marginLeft: 56,
      grid: true,
      x: { label: xLabel },
      y: { label: yLabel },
      color: { legend: series.size > 1, domain: [...series] },
      marks: [
        Plot.lineY(pts, { x: "x", y: "y", stroke: "series", z: "series", sort: "x" }),
        Plot.dot(pts, { x: "x", y: "y", fill: "series", r: 3 }),
        Plot.ruleY([0]),
      ],
    });
  };
  const s = (p: SweepPointInput) => p.run.summary;
  const tradeoff = input.points.flatMap((p) => {
    const x = s(p).throughput.output_tokens_per_s;
    const y = s(p).e2e_ms.p50;
    return x === null || y === null
      ? []
      : [{ x, y, series: group(p) || "points", label: pointName(p, axis ? [axis] : []) }];
  });
  const charts: Chart[] = [
    {
      id: "sweep-ttft",
      title: `TTFT vs ${xLabel}`,
      svg: curve([["p50", (p) => s(p).ttft_ms.p50], ["p99", (p) => s(p).ttft_ms.p99]], "TTFT (ms)"),
    },
    {
      id: "sweep-e2e",
      title: `E2E latency vs ${xLabel}`,
      svg: curve([["p50", (p) => s(p).e2e_ms.p50], ["p99", (p) => s(p).e2e_ms.p99]], "E2E (ms)"),
    },
    {
      id: "sweep-throughput",
      title: `Output throughput vs ${xLabel}`,
      svg: curve([["", (p) => s(p).throughput.output_tokens_per_s]], "output tok/s"),
    },
    {
      id: "sweep-throughput-latency",
      title: "Throughput vs latency",
      svg: plotSvg({
        width: 640,
        height: 260,
        marginLeft: 56,
        grid: true,
        x: { label: "output tok/s", inset: 40 },
        y: { label: "E2E p50 (ms)" },
        color: { legend: new Set(tradeoff.map((t) => t.series)).size > 1 },
        marks: [
          Plot.line(tradeoff, { x: "x", y: "y", stroke: "series", z: "series" }),
          Plot.dot(tradeoff, { x: "x", y: "y", fill: "series", r: 3 }),
          Plot.text(tradeoff, { x: "x", y: "y", text: "label", dy: -9, fontSize: 9 }),
          Plot.ruleY([0]),
        ],
      }),
      note: "Each dot is a point; up and to the right is the latency price of more throughput.",
    },
  ];
  charts.push(...gpuPeakCurves(input, curve));
  return charts;
}

/** Peak VRAM and mean utilisation per point, when points have GPU samples. */
function gpuPeakCurves(
  input: SweepReportInput,
  curve: (m: readonly [string, (p: SweepPointInput) => number | null][], y: string) => string,
): Chart[] {
  if (input.points.every((p) => p.run.gpuSamples.length === 0)) return [];
  // One window over the whole point: its peak memory and mean utilisation per GPU.
  const whole = new Map(input.points.map((p) => [
    p.index,
    gpuWindows(p.run.gpuSamples, { windowMs: timeSpanMs([], p.run.gpuSamples) + 1 }),
  ]));
  const peak = (p: SweepPointInput) => {
    const v = whole.get(p.index)!.flatMap((w) => w.memory_used_mib ?? []);
    return v.length ? Math.max(...v) / 1024 : null;
  };
  const util = (p: SweepPointInput) => {
    const v = whole.get(p.index)!.flatMap((w) => w.utilization_gpu_pct ?? []);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  return [
    {
      id: "sweep-gpu-memory",
      title: "Peak GPU memory per point",
      svg: curve([["", peak]], "VRAM peak (GiB)"),
    },
    {
      id: "sweep-gpu-utilization",
      title: "Mean GPU utilisation per point",
      svg: curve([["", util]], "utilisation (%)"),
    },
  ];
}

/** The report of a sweep as a self-contained HTML page. */
export function renderSweepHtml(input: SweepReportInput): string {
  const first = input.points[0]?.run;
  const named: NamedRun[] = input.points.slice(0, MAX_OVERLAID).map((p) => ({
    name: pointName(p, input.axes),
    run: p.run,
  }));
  const overlaid = named.length
    ? [...latencyCharts(named), ...gpuCharts(named), ...serverCharts(named)]
    : [];
  const more = input.points.length > MAX_OVERLAID
    ? `<p class="muted">Overlays show the first ${MAX_OVERLAID} of ${input.points.length} points.</p>`
    : "";
  const body = [
    `<h1>llmload sweep ${esc(input.sweepId)}</h1>`,
    `<p>${input.points.length} points; swept: ${esc(input.axes.join(", ") || "nothing")}` +
    `${input.sweep.interrupted ? " (interrupted)" : ""}</p>`,
    section("results", "Results by point", pointsTable(input) + concurrencyTable(input)),
    section("curves", "Sweep curves", chartGrid(input.points.length ? sweepCurves(input) : [])),
    section("overlays", "Points overlaid", more + chartGrid(overlaid)),
    first ? section("environment", "Test environment", environmentHtml(first.meta)) : "",
    first
      ? section("configuration", "Configuration (first point)", configurationHtml(first.meta))
      : "",
  ].join("\n");
  return htmlPage(`llmload sweep ${input.sweepId}`, body);
}
