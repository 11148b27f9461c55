/**
 * Over-time statistics for charts: records and telemetry samples cut into fixed windows of the
 * run's clock (ms from the run origin, window `i` covers `[i·w, (i+1)·w)`), so request, GPU and
 * server series line up window for window. Pure; per-window percentiles come from small
 * histograms (`latency_histogram.ts`, window precision).
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
import { HISTOGRAM_PRECISION, LatencyHistogram } from "./latency_histogram.ts";

/** Window lengths windows are picked from, ms: round numbers a reader can take in. */
/** Each is a multiple of every one before it, so windows kept short can be merged into any. */
const NICE_WINDOWS_MS = [
  100,
  500,
  1000,
  5000,
  10_000,
  30_000,
  60_000,
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

/** One window's counters while records stream in. */
class Acc {
  ok = 0;
  tokens = 0;
  busyMs = 0;
  errors = 0;
  dropped = 0;
  lateMax = -Infinity;
  readonly ttft = windowHistogram();
  readonly late = windowHistogram();

  merge(o: Acc): void {
    this.ok += o.ok;
    this.tokens += o.tokens;
    this.busyMs += o.busyMs;
    this.errors += o.errors;
    this.dropped += o.dropped;
    this.lateMax = Math.max(this.lateMax, o.lateMax);
    this.ttft.merge(o.ttft);
    this.late.merge(o.late);
  }
}

function windowHistogram(): LatencyHistogram {
  return new LatencyHistogram({
    exactUpTo: HISTOGRAM_PRECISION.window_exact_up_to,
    relativeAccuracy: HISTOGRAM_PRECISION.window_relative_accuracy,
  });
}

/** Windows a run's accumulator keeps at most before it coarsens (4× a chart's 120). */
const MAX_KEPT_WINDOWS = 480;

/**
 * Request activity per window, counted as records stream in (see the module doc for which
 * record counts in which window). Memory is bounded: windows start at `baseMs` (default 1 s)
 * and, once the run outgrows {@link MAX_KEPT_WINDOWS} of them, merge into the next longer
 * round length of {@link NICE_WINDOWS_MS} (each a multiple of the ones before it), so a chart
 * can later ask for any longer round length. Records may come in any order.
 */
export class WindowAccumulator {
  #w: number;
  readonly #fixed: boolean;
  #acc = new Map<number, Acc>();
  #maxMs = 0;
  #spanMs = 0;

  /** `baseMs` fixed (no coarsening) when `fixed`: for one known window length. */
  constructor(options: { baseMs?: number; fixed?: boolean } = {}) {
    this.#w = options.baseMs ?? 1000;
    this.#fixed = options.fixed ?? false;
  }

  /** The window length records are kept at now, ms. */
  get baseMs(): number {
    return this.#w;
  }

  /** The latest end of a measured record, ms from the origin (0 when none). */
  get spanMs(): number {
    return this.#spanMs;
  }

  #at(t: number): Acc {
    if (t > this.#maxMs) {
      this.#maxMs = t;
      if (!this.#fixed) this.#coarsen();
    }
    const i = Math.floor(t / this.#w);
    let a = this.#acc.get(i);
    if (!a) this.#acc.set(i, a = new Acc());
    return a;
  }

  #coarsen(): void {
    let w = this.#w;
    while (this.#maxMs / w > MAX_KEPT_WINDOWS) w = nextNiceWindow(w);
    if (w !== this.#w) this.#acc = regroup(this.#acc, this.#w, w);
    this.#w = w;
  }

  add(r: RequestRecord): void {
    if (r.phase !== "measure") return;
    this.#spanMs = Math.max(this.#spanMs, r.endAt);
    if (r.dropped) {
      this.#at(r.scheduledAt).dropped++;
      return;
    }
    this.#at(r.endAt); // coarsen first: every window below is then at its final length
    const sent = this.#at(r.sentAt);
    const late = r.sentAt - r.scheduledAt;
    sent.late.add(late);
    sent.lateMax = Math.max(sent.lateMax, late);
    if (isOk(r)) {
      this.#at(r.endAt).ok++;
      if (r.tokenTimes.length > 0) sent.ttft.add(r.tokenTimes[0] - r.sentAt);
    } else {
      this.#at(r.endAt).errors++;
    }
    this.#addTokens(r);
    const w = this.#w;
    // Split [sentAt, endAt) over the windows it overlaps.
    for (let i = Math.floor(r.sentAt / w); i * w < r.endAt; i++) {
      const overlap = Math.min(r.endAt, (i + 1) * w) - Math.max(r.sentAt, i * w);
      if (overlap > 0) this.#at(i * w).busyMs += overlap;
    }
  }

  /** Token events by arrival; times ascend, so one window lookup serves a run of tokens. */
  #addTokens(r: RequestRecord): void {
    const w = this.#w;
    let window = -1;
    let acc: Acc | undefined;
    for (let i = 0; i < r.tokenTimes.length; i++) {
      const t = r.tokenTimes[i];
      const wi = Math.floor(t / w);
      if (wi !== window || !acc) {
        window = wi;
        acc = this.#at(t);
      }
      const k = r.tokenCounts[i];
      acc.tokens += k !== undefined && k >= 1 ? k : 1;
    }
  }

  /**
   * The windows at `windowMs` (a multiple of {@link baseMs}; a shorter or uneven length falls
   * back to the kept one), from the first holding a measured record to the last, no gaps.
   */
  windows(windowMs: number): RequestWindow[] {
    const w = windowMs >= this.#w && windowMs % this.#w === 0 ? windowMs : this.#w;
    const acc = w === this.#w ? this.#acc : regroup(this.#acc, this.#w, w);
    if (acc.size === 0) return [];
    const keys = [...acc.keys()];
    const first = Math.min(...keys);
    const last = Math.max(...keys);
    const perS = 1000 / w;
    const out: RequestWindow[] = [];
    const pct = (h: LatencyHistogram, q: number) => (h.count === 0 ? null : h.percentile(q));
    for (let i = first; i <= last; i++) {
      const a = acc.get(i);
      out.push({
        t_s: (i * w) / 1000,
        requests_per_s: (a?.ok ?? 0) * perS,
        output_tokens_per_s: (a?.tokens ?? 0) * perS,
        in_flight: (a?.busyMs ?? 0) / w,
        ttft_p50_ms: a ? pct(a.ttft, 50) : null,
        ttft_p99_ms: a ? pct(a.ttft, 99) : null,
        errors: a?.errors ?? 0,
        dropped: a?.dropped ?? 0,
        send_lateness_p50_ms: a ? pct(a.late, 50) : null,
        send_lateness_max_ms: a && a.late.count > 0 ? a.lateMax : null,
      });
    }
    return out;
  }
}

/** The windows of `from` (length `fromMs`) merged into windows of `toMs` (a multiple). */
function regroup(from: Map<number, Acc>, fromMs: number, toMs: number): Map<number, Acc> {
  const to = new Map<number, Acc>();
  for (const [i, a] of from) {
    const j = Math.floor((i * fromMs) / toMs);
    let b = to.get(j);
    if (!b) to.set(j, b = new Acc());
    b.merge(a);
  }
  return to;
}

/** The next longer round window length after `ms` (a multiple of it). */
function nextNiceWindow(ms: number): number {
  const next = NICE_WINDOWS_MS.find((w) => w > ms && w % ms === 0);
  return next ?? ms * 2;
}

/**
 * Request activity per window of `options.windowMs` over the measured records (see the module
 * doc for which record counts in which window). Windows run from the first one holding a
 * measured record to the last, with no gaps (an idle window is all zeros).
 */
export function requestWindows(
  records: Iterable<RequestRecord>,
  options: { windowMs: number },
): RequestWindow[] {
  const acc = new WindowAccumulator({ baseMs: options.windowMs, fixed: true });
  for (const r of records) acc.add(r);
  return acc.windows(options.windowMs);
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
