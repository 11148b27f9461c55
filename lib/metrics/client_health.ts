/**
 * Is the client itself the bottleneck? A pure verdict from the samples every run takes of its
 * own threads (lib/run/probes/client_probe.ts, stored in `client_health.jsonl`) and from its records.
 *
 * Evidence, per thread (the main thread, and each worker thread with `--workers`):
 * - event-loop lag: a 10 ms timer's lateness, each tick (a tick late by L also stands for the
 *   ticks it swallowed, late by L − 10, L − 20, … ms, so a blocked loop is not one sample);
 * - CPU: the thread's own CPU time per window (`/proc/thread-self/stat`), as a share of one core.
 * And from the records: send lateness (`sentAt − scheduledAt` of measured, sent requests).
 *
 * Rule (thresholds in {@link HEALTH_THRESHOLDS}): a 1 s window of a thread is hot when its lag
 * p99 exceeds 5 ms or its CPU is ≥ 90 % of a core; the client is saturated from T when one
 * thread has hot windows back to back for ≥ 2 s (in a thread sampled for under 4 s: for half
 * its time), T being the start of the first such stretch.
 * A late timer means a late read too: a token's bytes can wait in the socket that long before
 * the client stamps them, so lag is the honest bound on the stamping error.
 */

import type { Stats } from "./stats.ts";
import { describe } from "./stats.ts";

/** One window of one thread's samples; times in ms from the run origin. */
export interface HealthWindow {
  /** `main`, or `worker 1` … `worker N`. */
  thread: string;
  t0: number;
  t1: number;
  /** The thread's CPU time within the window, ms; null where it cannot be read. */
  cpuMs: number | null;
  /** `thread`: this thread's own CPU; `process`: the whole process's (fallback). */
  cpuSource?: "thread" | "process";
  /** Event-loop lag of each timer tick that fell in the window, ms. */
  lagMs: number[];
}

/** The verdict's thresholds (documented in docs/running.md "Worker threads and client health"). */
export const HEALTH_THRESHOLDS = {
  /** A window whose lag p99 exceeds this is hot, ms. */
  lagP99Ms: 5,
  /** A window whose CPU share of one core reaches this is hot, 0..1. */
  cpuShare: 0.9,
  /** Hot windows back to back for this long make the client saturated, ms. */
  sustainMs: 2000,
  /**
   * Lag with the thread's CPU under this share of a core means the machine, not the client's
   * work, delayed it (other processes held the cores).
   */
  busyMachineCpuShare: 0.5,
} as const;

/** Per-thread figures over the whole run. */
export interface ThreadHealth {
  thread: string;
  windows: number;
  lag_p50_ms: number | null;
  lag_p99_ms: number | null;
  lag_max_ms: number | null;
  /** Mean CPU over the run, % of one core; null when not measured. */
  cpu_pct: number | null;
  /** The busiest window's CPU, % of one core. */
  cpu_peak_pct: number | null;
  cpu_source: "thread" | "process" | null;
}

/** summary.json's `client`: the verdict and its evidence. */
export interface ClientHealth {
  verdict: "healthy" | "saturated" | "not measured";
  /** One line for the terminal and reports. */
  message: string;
  /** Start of the first saturated stretch, ms from the run origin; null when healthy. */
  since_ms: number | null;
  /**
   * Saturated only: `client` when the thread itself was busy (≥ 50 % of a core, or CPU not
   * measured), `machine` when it was mostly idle yet late (other processes held the cores).
   */
  cause?: "client" | "machine";
  /** Worker threads the run used (1: the main thread sent everything). */
  workers: number;
  threads: ThreadHealth[];
  /** `sentAt − scheduledAt` of measured, sent records, ms. */
  send_lateness_ms: { count: number; p50: number | null; p99: number | null; max: number | null };
  /** Why the verdict: the saturated stretch's thread, its lag and CPU. */
  evidence: string[];
  thresholds: { lag_p99_ms: number; cpu_pct: number; sustain_ms: number };
}

/** Options of {@link clientHealth}. */
export interface ClientHealthOptions {
  /** Worker threads the run used; default 1. */
  workers?: number;
  /** Cores on this machine, to suggest a worker count; default: no larger suggestion cap. */
  cores?: number;
}

function round3(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : Math.round(v * 1000) / 1000;
}

function p99(values: readonly number[]): number {
  return describe(values).p99 ?? 0;
}

/** A window's CPU share of one core, or null. */
function cpuShare(w: HealthWindow): number | null {
  const d = w.t1 - w.t0;
  return w.cpuMs === null || !(d > 0) ? null : w.cpuMs / d;
}

function isHot(w: HealthWindow): boolean {
  const share = cpuShare(w);
  return (w.lagMs.length > 0 && p99(w.lagMs) > HEALTH_THRESHOLDS.lagP99Ms) ||
    (share !== null && share >= HEALTH_THRESHOLDS.cpuShare);
}

/**
 * The first stretch of back-to-back hot windows in one thread's (time-sorted) windows lasting
 * ≥ sustainMs, or half the thread's sampled time when that is shorter (a 2 s run cannot hold a
 * 2 s stretch, and its numbers are just as untrustworthy).
 */
function firstSaturation(windows: HealthWindow[]): HealthWindow[] | undefined {
  const span = windows.reduce((s, w) => s + (w.t1 - w.t0), 0);
  const needMs = Math.min(HEALTH_THRESHOLDS.sustainMs, span / 2);
  let run: HealthWindow[] = [];
  let found = false;
  for (const w of windows) {
    const joins = run.length > 0 && w.t0 - run[run.length - 1].t1 <= 1;
    if (!isHot(w) || (found && !joins)) {
      if (found) break;
      run = [];
      continue;
    }
    run = joins ? [...run, w] : [w];
    // Once long enough, the stretch goes on to its end (the evidence spans all of it).
    found ||= run[run.length - 1].t1 - run[0].t0 >= needMs;
  }
  return found ? run : undefined;
}

/**
 * The client's health over a run, from its probe windows and its send lateness (the summary's
 * `send_lateness_ms`: measured, sent records). "not measured" when
 * there are no windows (a run older than the probe).
 */
export function clientHealth(
  windows: readonly HealthWindow[],
  lateness: Stats,
  options: ClientHealthOptions = {},
): ClientHealth {
  const workers = options.workers ?? 1;
  const threads: ThreadHealth[] = [];
  let since: number | null = null;
  let stretch: HotStretch | undefined;
  for (const [thread, list] of groupByThread(windows)) {
    list.sort((a, b) => a.t0 - b.t0);
    threads.push(threadHealth(thread, list));
    const hot = firstSaturation(list);
    if (hot && (since === null || hot[0].t0 < since)) {
      since = hot[0].t0;
      stretch = { thread, windows: hot };
    }
  }
  const send_lateness_ms = {
    count: lateness.count,
    p50: round3(lateness.p50),
    p99: round3(lateness.p99),
    max: round3(lateness.max),
  };
  const thresholds = {
    lag_p99_ms: HEALTH_THRESHOLDS.lagP99Ms,
    cpu_pct: HEALTH_THRESHOLDS.cpuShare * 100,
    sustain_ms: HEALTH_THRESHOLDS.sustainMs,
  };
  const base = { workers, threads, send_lateness_ms, thresholds };
  if (windows.length === 0) {
    return {
      ...base,
      verdict: "not measured",
      message: "client health not measured",
      since_ms: null,
      evidence: [],
    };
  }
  if (!stretch || since === null) return healthy(base);
  return saturated(base, stretch, since, options.cores);
}

/** The figures every verdict carries. */
type HealthBase = Pick<ClientHealth, "workers" | "threads" | "send_lateness_ms" | "thresholds">;

/** A thread's first saturated stretch. */
interface HotStretch {
  thread: string;
  windows: HealthWindow[];
}

/** Windows per thread, threads in order of first appearance. */
function groupByThread(windows: readonly HealthWindow[]): Map<string, HealthWindow[]> {
  const byThread = new Map<string, HealthWindow[]>();
  for (const w of windows) {
    const list = byThread.get(w.thread) ?? [];
    list.push(w);
    byThread.set(w.thread, list);
  }
  return byThread;
}

function threadHealth(thread: string, list: readonly HealthWindow[]): ThreadHealth {
  const lag = describe(list.flatMap((w) => w.lagMs));
  const cpu = list.filter((w) => cpuShare(w) !== null);
  const span = cpu.reduce((s, w) => s + (w.t1 - w.t0), 0);
  const used = cpu.reduce((s, w) => s + (w.cpuMs ?? 0), 0);
  return {
    thread,
    windows: list.length,
    lag_p50_ms: round3(lag.p50),
    lag_p99_ms: round3(lag.p99),
    lag_max_ms: round3(lag.max),
    cpu_pct: span > 0 ? round3((used / span) * 100) : null,
    cpu_peak_pct: cpu.length > 0 ? round3(Math.max(...cpu.map((w) => cpuShare(w)!)) * 100) : null,
    cpu_source: cpu.length > 0 ? cpu[0].cpuSource ?? "thread" : null,
  };
}

function healthy(base: HealthBase): ClientHealth {
  const worst = base.threads.reduce((a, b) => (b.lag_p99_ms ?? 0) > (a.lag_p99_ms ?? 0) ? b : a);
  return {
    ...base,
    verdict: "healthy",
    message: "client healthy",
    since_ms: null,
    evidence: [
      `no thread had event-loop lag p99 > ${HEALTH_THRESHOLDS.lagP99Ms} ms or CPU ≥ ` +
      `${base.thresholds.cpu_pct} % for ${HEALTH_THRESHOLDS.sustainMs / 1000} s; run-wide lag ` +
      `p99 ${fmt(worst.lag_p99_ms)} ms at most (${worst.thread})`,
    ],
  };
}

function saturated(
  base: HealthBase,
  stretch: HotStretch,
  since: number,
  cores: number | undefined,
): ClientHealth {
  const { workers, send_lateness_ms } = base;
  const ws = stretch.windows;
  const lagIn = p99(ws.flatMap((w) => w.lagMs));
  const shares = ws.map(cpuShare).filter((s): s is number => s !== null);
  const cpuIn = shares.length ? (shares.reduce((a, b) => a + b, 0) / shares.length) * 100 : null;
  const evidence = [
    `${stretch.thread}: from ${fmtS(ws[0].t0)} to ${fmtS(ws[ws.length - 1].t1)} event-loop lag ` +
    `p99 ${fmt(lagIn)} ms (limit ${HEALTH_THRESHOLDS.lagP99Ms} ms)` +
    (cpuIn === null
      ? ""
      : `, CPU ${cpuIn.toFixed(0)} % of a core (limit ${base.thresholds.cpu_pct} %)`),
  ];
  if (send_lateness_ms.p99 !== null) {
    evidence.push(
      `send lateness p50 ${fmt(send_lateness_ms.p50)} ms, p99 ${fmt(send_lateness_ms.p99)} ms, ` +
        `max ${fmt(send_lateness_ms.max)} ms`,
    );
  }
  // Late timers on a thread that was mostly idle: other processes held the cores.
  const cause = cpuIn !== null && cpuIn < HEALTH_THRESHOLDS.busyMachineCpuShare * 100
    ? "machine"
    : "client";
  if (cause === "machine") {
    evidence.push(
      `${stretch.thread} used ${cpuIn!.toFixed(0)} % of a core while its timers ran late: ` +
        `other processes on this machine held the cores`,
    );
  }
  const more = Math.min(workers * 2, Math.max((cores ?? Infinity) - 1, 1));
  const advice = cause === "machine"
    ? "free this machine's cores (other processes delayed the client) or use fewer streams"
    : more > workers
    ? `use --workers ${more} or fewer streams`
    : "use fewer streams";
  return {
    ...base,
    verdict: "saturated",
    cause,
    message: `client saturated: results after ${fmtS(since)} are not trustworthy; ${advice}`,
    since_ms: round3(since),
    evidence,
  };
}

function fmt(v: number | null): string {
  return v === null ? "-" : v.toFixed(2);
}

function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
