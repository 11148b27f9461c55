/**
 * The real clock: ms from a run origin on the monotonic `performance.now()` timeline, and
 * sleeps aimed at absolute targets.
 */

import type { Clock } from "./types.ts";

/** Tuning for {@link realClock}. Defaults come from docs/deno_notes.md measurements. */
export interface RealClockOptions {
  /**
   * Ms by which timers are aimed early; default 1.2. Deno's `setTimeout(n)` fires ~n + 1.1 ms
   * late, so a timer for (remaining − 1.2) lands just before the target.
   */
  leadMs?: number;
  /**
   * Within this many ms of the target, yield with `setImmediate` (a ~2 µs macrotask hop that
   * still lets I/O and timers run) until it is reached; default = `leadMs`. Beyond this but
   * inside `leadMs`, the sleep resolves a little early instead, because a 0 ms timer would
   * land ~2 ms late. 0 means timers only: never spin, wake up to `leadMs` early.
   */
  spinMs?: number;
}

/**
 * A {@link Clock} on `performance.now()`, zeroed at `origin` (default: now).
 *
 * `sleepUntil` is typically 0–0.2 ms late when the thread is idle; it never busy-waits: the last
 * stretch (≤ `spinMs`) is covered by `setImmediate` hops that let streams be read in between.
 * It resolves at once when `signal` aborts and leaves no timer behind.
 */
export function realClock(
  origin: number = performance.now(),
  options: RealClockOptions = {},
): Clock {
  const leadMs = options.leadMs ?? 1.2;
  const spinMs = Math.min(options.spinMs ?? leadMs, leadMs);
  if (!(leadMs >= 0) || !(spinMs >= 0)) {
    throw new RangeError(`realClock: leadMs and spinMs must be ≥ 0 (got ${leadMs}, ${spinMs})`);
  }
  const now = (): number => performance.now() - origin;

  const sleepUntil = (targetMs: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted || targetMs - now() <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let immediate: ReturnType<typeof setImmediate> | undefined;
      const finish = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        if (immediate !== undefined) clearImmediate(immediate);
        timer = immediate = undefined;
        signal?.removeEventListener("abort", finish);
        resolve();
      };
      const step = (): void => {
        timer = immediate = undefined;
        const remaining = targetMs - now();
        if (remaining <= 0) finish();
        else if (remaining > leadMs) timer = setTimeout(step, remaining - leadMs);
        else if (remaining <= spinMs) immediate = setImmediate(step);
        else finish();
      };
      signal?.addEventListener("abort", finish, { once: true });
      step();
    });
  };

  return { now, sleepUntil };
}
