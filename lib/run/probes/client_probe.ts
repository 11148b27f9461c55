/**
 * Samples the thread it runs on (the main thread, or one worker thread): event-loop lag from a
 * 10 ms timer and the thread's CPU time, in 1 s windows (lib/metrics/client_health.ts judges
 * them). Costs ~100 timer ticks and one small /proc read per second.
 */

import process from "node:process";
import type { HealthWindow } from "../../metrics/client_health.ts";

/** Timer period, ms. */
export const PROBE_INTERVAL_MS = 10;
/** Window length, ms. */
export const PROBE_WINDOW_MS = 1000;

/** A running probe. */
export interface ClientProbe {
  /** Windows completed since the last call (to ship from a worker as the run goes). */
  drain(): HealthWindow[];
  /** Stops the timer and returns the windows not yet drained, the last (partial) one included. */
  stop(): HealthWindow[];
}

/** CPU time of this thread, ms, with where it came from; null when unreadable. */
export function threadCpuMs(): { ms: number; source: "thread" | "process" } | null {
  // getrusage(RUSAGE_THREAD) through node:process needs no permission, unlike /proc, which Deno
  // opens only under --allow-all: the compiled binary and `deno task test` get thread figures too.
  const threadUsage =
    (process as unknown as { threadCpuUsage?: () => { user: number; system: number } })
      .threadCpuUsage;
  if (threadUsage !== undefined) {
    try {
      const t = threadUsage.call(process);
      return { ms: (t.user + t.system) / 1000, source: "thread" };
    } catch { /* fall through to /proc, then the process */ }
  }
  try {
    // Sync, so it runs on this very thread: thread-self is the calling thread (Linux).
    const stat = Deno.readTextFileSync("/proc/thread-self/stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime (fields 14, 15) in clock ticks, 100 per second on Linux.
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (Number.isFinite(ticks)) return { ms: ticks * 10, source: "thread" };
  } catch { /* not Linux, or no read permission: fall back to the process */ }
  try {
    const u = process.cpuUsage();
    return { ms: (u.user + u.system) / 1000, source: "process" };
  } catch {
    return null;
  }
}

/**
 * Starts sampling. `origin` is this thread's `performance.now()` at the run's time 0, so window
 * times share the records' clock.
 */
export function startClientProbe(thread: string, options: { origin: number }): ClientProbe {
  const { origin } = options;
  const now = () => performance.now() - origin;
  const done: HealthWindow[] = [];
  const start = Math.max(0, now());
  let cpu = threadCpuMs();
  // Windows are aligned to the origin (0–1 s, 1–2 s, …), so all threads' windows line up.
  let current: HealthWindow = {
    thread,
    t0: start,
    t1: (Math.floor(start / PROBE_WINDOW_MS) + 1) * PROBE_WINDOW_MS,
    cpuMs: null,
    cpuSource: cpu?.source,
    lagMs: [],
  };
  let last = now();

  const fresh = (t0: number): HealthWindow => ({
    thread,
    t0,
    t1: t0 + PROBE_WINDOW_MS,
    cpuMs: null,
    cpuSource: cpu?.source,
    lagMs: [],
  });
  /** Files `closing`, sharing the CPU used since the last read evenly over their time. */
  const close = (closing: HealthWindow[]) => {
    const cpuNow = threadCpuMs();
    if (cpu && cpuNow) {
      const span = closing.reduce((s, w) => s + (w.t1 - w.t0), 0);
      for (const w of closing) {
        w.cpuMs = span > 0 ? ((cpuNow.ms - cpu.ms) * (w.t1 - w.t0)) / span : 0;
      }
    }
    cpu = cpuNow;
    done.push(...closing);
  };
  /** Closes every window that ended by `t`. */
  const closeUntil = (t: number) => {
    const closing: HealthWindow[] = [];
    while (t >= current.t1) {
      closing.push(current);
      current = fresh(current.t1);
    }
    if (closing.length > 0) close(closing);
  };

  const add = (at: number, lag: number) => {
    // A tick swallowed by a blocked loop belongs to the window it was due in.
    const target = at < current.t0
      ? done.findLast((w) => at >= w.t0 && at < w.t1) ?? current
      : current;
    target.lagMs.push(Math.round(lag * 1000) / 1000);
  };

  const id = setInterval(() => {
    const t = now();
    const expected = last + PROBE_INTERVAL_MS;
    const lag = Math.max(0, t - expected);
    last = t;
    closeUntil(t);
    // The ticks a long stall swallowed, each as late as it would have been.
    for (let k = 1; lag - k * PROBE_INTERVAL_MS > 0; k++) {
      add(expected + k * PROBE_INTERVAL_MS, lag - k * PROBE_INTERVAL_MS);
    }
    // Lag belongs to when the tick was due, so a stall shows in the windows it spanned.
    add(expected, lag);
  }, PROBE_INTERVAL_MS);
  // Never keeps a finished program alive on its own.
  Deno.unrefTimer(id);

  return {
    drain() {
      return done.splice(0, done.length);
    },
    stop() {
      clearInterval(id);
      const t = now();
      closeUntil(t);
      current.t1 = Math.max(current.t0, t);
      if (current.t1 > current.t0) close([current]);
      return done.splice(0, done.length);
    },
  };
}
