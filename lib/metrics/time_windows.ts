/**
 * Over-time statistics for charts: records and telemetry samples cut into fixed windows of the
 * run's clock (ms from the run origin, window `i` covers `[i·w, (i+1)·w)`), so request, GPU and
 * server series line up window for window. Pure; percentiles come from `stats.ts`.
 *
 * Which records count where (measured records only, as in the summary):
 * - `requests_per_s`, `errors`, `dropped`: by the window their request ended in;
 * - `output_tokens_per_s`: every token event of a sent record, by its arrival time (what the
 *   server generated then, failed requests included);
 * - `ttft_*`, `send_lateness_*`: by the window the request was sent in (its cause, not its end);
 * - `in_flight`: time-weighted mean of sent requests between `sentAt` and `endAt`.
 */

import { isOk, type RequestRecord } from "./record.ts";
import type { GpuSample, ServerMetricsSample } from "./telemetry_samples.ts";
import { percentile } from "./stats.ts";

/** Window lengths windows are picked from, ms: round numbers a reader can take in. */
const NICE_WINDOWS_MS = [
  100,
  250,
  500,
  1000,
  2000,
  5000,
  10_000,
  15_000,
  30_000,
  60_000,
  120_000,
  300_000,
  600_000,
  1_800_000,
  3_600_000,
];

/**
 * The shortest round window length (ms), at least `minMs` (default 1000: per-second rates; a
 * shorter window holds too few completions to be a rate), that cuts `spanMs` into at most
 * `maxWindows` windows (default 120): detail for a chart, bounded size for a long run.
 */
export function windowLengthMs(
  spanMs: number,
  options: { maxWindows?: number; minMs?: number } = {},
): number {
  const max = options.maxWindows ?? 120;
  const min = options.minMs ?? 1000;
  for (const w of NICE_WINDOWS_MS) if (w >= min && spanMs / w <= max) return w;
  return Math.ceil(spanMs / max / 3_600_000) * 3_600_000;
}

/** The span (ms from the origin) that a run's measured records and samples cover; 0 when none. */
export function timeSpanMs(
  records: readonly RequestRecord[],
  samples: readonly { tMs: number }[] = [],
): number {
  let end = 0;
  for (const r of records) if (r.phase === "measure") end = Math.max(end, r.endAt);
  for (const s of samples) end = Math.max(end, s.tMs);
  return end;
}

/** One window of request activity. */
export interface RequestWindow {
  /** Window start, s from the run origin. */
  t_s: number;
  /** Ok requests that ended in the window, per s. */
  requests_per_s: number;
  /** Output tokens that arrived in the window (any sent request), per s. */
  output_tokens_per_s: number;
  /** Time-weighted mean number of requests in flight. */
  in_flight: number;
  /** TTFT percentiles of ok requests sent in the window, ms; null when none. */
  ttft_p50_ms: number | null;
  ttft_p99_ms: number | null;
  /** Requests that ended in the window with an error. */
  errors: number;
  /** Requests scheduled in the window and never sent (in-flight cap full). */
  dropped: number;
  /** sentAt − scheduledAt of requests sent in the window, ms; null when none. */
  send_lateness_p50_ms: number | null;
  send_lateness_max_ms: number | null;
}

interface Acc {
  ok: number;
  tokens: number;
  busyMs: number;
  ttft: number[];
  late: number[];
  errors: number;
  dropped: number;
}

function sortedPct(values: number[], q: number): number | null {
  return values.length === 0 ? null : percentile(values, q);
}

/**
 * Request activity per window of `options.windowMs` over the measured records (see the module
 * doc for which record counts in which window). Windows run from the first one holding a
 * measured record to the last, with no gaps (an idle window is all zeros).
 */
export function requestWindows(
  records: readonly RequestRecord[],
  options: { windowMs: number },
): RequestWindow[] {
  const w = options.windowMs;
  const acc = new Map<number, Acc>();
  let first = Infinity;
  let last = -Infinity;
  const at = (t: number): Acc => {
    const i = Math.floor(t / w);
    first = Math.min(first, i);
    last = Math.max(last, i);
    let a = acc.get(i);
    if (!a) {
      acc.set(i, a = { ok: 0, tokens: 0, busyMs: 0, ttft: [], late: [], errors: 0, dropped: 0 });
    }
    return a;
  };
  for (const r of records) {
    if (r.phase !== "measure") continue;
    if (r.dropped) {
      at(r.scheduledAt).dropped++;
      continue;
    }
    const sent = at(r.sentAt);
    sent.late.push(r.sentAt - r.scheduledAt);
    if (isOk(r)) {
      at(r.endAt).ok++;
      if (r.tokenTimes.length > 0) sent.ttft.push(r.tokenTimes[0] - r.sentAt);
    } else {
      at(r.endAt).errors++;
    }
    for (let i = 0; i < r.tokenTimes.length; i++) {
      const k = r.tokenCounts[i];
      at(r.tokenTimes[i]).tokens += k !== undefined && k >= 1 ? k : 1;
    }
    // Split [sentAt, endAt) over the windows it overlaps.
    for (let i = Math.floor(r.sentAt / w); i * w < r.endAt; i++) {
      const overlap = Math.min(r.endAt, (i + 1) * w) - Math.max(r.sentAt, i * w);
      if (overlap > 0) at(i * w).busyMs += overlap;
    }
  }
  const out: RequestWindow[] = [];
  if (first > last) return out;
  const perS = 1000 / w;
  for (let i = first; i <= last; i++) {
    const a = acc.get(i);
    const ttft = a ? a.ttft.sort((x, y) => x - y) : [];
    const late = a ? a.late.sort((x, y) => x - y) : [];
    out.push({
      t_s: (i * w) / 1000,
      requests_per_s: (a?.ok ?? 0) * perS,
      output_tokens_per_s: (a?.tokens ?? 0) * perS,
      in_flight: (a?.busyMs ?? 0) / w,
      ttft_p50_ms: sortedPct(ttft, 50),
      ttft_p99_ms: sortedPct(ttft, 99),
      errors: a?.errors ?? 0,
      dropped: a?.dropped ?? 0,
      send_lateness_p50_ms: sortedPct(late, 50),
      send_lateness_max_ms: late.length === 0 ? null : late[late.length - 1],
    });
  }
  return out;
}

/** One GPU over one window. */
export interface GpuWindow {
  /** Window start, s from the run origin. */
  t_s: number;
  gpu: number;
  name: string;
  /** Peak within the window (VRAM peaks are what matter), MiB; null when never reported. */
  memory_used_mib: number | null;
  memory_total_mib: number | null;
  /** Means within the window; null when never reported. */
  utilization_gpu_pct: number | null;
  power_draw_w: number | null;
  /** Peak within the window, °C. */
  temperature_c: number | null;
}

/** Running max and mean of one nullable field. */
class Agg {
  max: number | null = null;
  sum = 0;
  n = 0;
  add(v: number | null): void {
    if (v === null || !Number.isFinite(v)) return;
    this.max = this.max === null ? v : Math.max(this.max, v);
    this.sum += v;
    this.n++;
  }
  get mean(): number | null {
    return this.n === 0 ? null : this.sum / this.n;
  }
}

/**
 * GPU samples per GPU per window of `options.windowMs`: memory and temperature peaks, mean
 * utilisation and power. Ordered by GPU index, then time; windows without a sample are left out.
 */
export function gpuWindows(
  samples: readonly GpuSample[],
  options: { windowMs: number },
): GpuWindow[] {
  const w = options.windowMs;
  const groups = new Map<string, { gpu: number; i: number; name: string; aggs: Agg[] }>();
  for (const s of samples) {
    const i = Math.floor(s.tMs / w);
    const key = `${s.gpu}\u0000${i}`;
    let g = groups.get(key);
    if (!g) {
      groups.set(
        key,
        g = { gpu: s.gpu, i, name: s.name, aggs: Array.from({ length: 5 }, () => new Agg()) },
      );
    }
    g.aggs[0].add(s.memoryUsedMiB);
    g.aggs[1].add(s.memoryTotalMiB);
    g.aggs[2].add(s.utilizationGpuPct);
    g.aggs[3].add(s.powerDrawW);
    g.aggs[4].add(s.temperatureC);
  }
  return [...groups.values()]
    .sort((a, b) => a.gpu - b.gpu || a.i - b.i)
    .map((g) => ({
      t_s: (g.i * w) / 1000,
      gpu: g.gpu,
      name: g.name,
      memory_used_mib: g.aggs[0].max,
      memory_total_mib: g.aggs[1].max,
      utilization_gpu_pct: g.aggs[2].mean,
      power_draw_w: g.aggs[3].mean,
      temperature_c: g.aggs[4].max,
    }));
}

/** The server's scheduler state over one window. */
export interface ServerWindow {
  /** Window start, s from the run origin. */
  t_s: number;
  /** Peak KV-cache usage, % (0–100); null when never reported. */
  kv_cache_usage_pct: number | null;
  /** Peak requests waiting / running. */
  num_requests_waiting: number | null;
  num_requests_running: number | null;
  /** Preemptions since the previous window's last sample; null without two readings. */
  preemptions: number | null;
}

/**
 * Server `/metrics` samples per window of `options.windowMs`: peaks of KV-cache usage and of
 * waiting and running requests, and the preemption counter's rise. Windows without a sample are
 * left out.
 */
export function serverWindows(
  samples: readonly ServerMetricsSample[],
  options: { windowMs: number },
): ServerWindow[] {
  const w = options.windowMs;
  const groups = new Map<number, { kv: Agg; waiting: Agg; running: Agg; lastPre: number | null }>();
  for (const s of samples) {
    const i = Math.floor(s.tMs / w);
    let g = groups.get(i);
    if (!g) {
      groups.set(i, g = { kv: new Agg(), waiting: new Agg(), running: new Agg(), lastPre: null });
    }
    g.kv.add(s.kvCacheUsage === null ? null : s.kvCacheUsage * 100);
    g.waiting.add(s.numRequestsWaiting);
    g.running.add(s.numRequestsRunning);
    if (s.numPreemptionsTotal !== null) g.lastPre = s.numPreemptionsTotal;
  }
  let prevPre: number | null = null;
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([i, g]) => {
    const pre = prevPre !== null && g.lastPre !== null ? Math.max(0, g.lastPre - prevPre) : null;
    if (g.lastPre !== null) prevPre = g.lastPre;
    return {
      t_s: (i * w) / 1000,
      kv_cache_usage_pct: g.kv.max,
      num_requests_waiting: g.waiting.max,
      num_requests_running: g.running.max,
      preemptions: pre,
    };
  });
}
