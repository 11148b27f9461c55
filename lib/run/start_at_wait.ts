/**
 * `--start-at`: the run's time 0 is one wall-clock instant shared by every shard, so N hosts
 * (NTP-synchronised) walk one global schedule on one time axis and `llmload merge` needs no
 * clock shift. The origin is placed on the monotonic timeline once, from the wall clock now;
 * the wait itself is monotonic (a wall-clock step during the wait does not move the start).
 */

import { realClock } from "../load/clock.ts";

/** The monotonic origin (`performance.now()` scale) of wall-clock instant `epochMs`. */
export function originAt(epochMs: number): number {
  return performance.now() + (epochMs - Date.now());
}

/**
 * Waits until the monotonic `origin`, interruptibly (`signal`), showing "starting at … in 12 s"
 * (redrawn each second on a TTY, one line otherwise). Returns the ms by which the start had
 * already passed when called (0 when on time): the caller warns, the schedule keeps its axis.
 */
export async function waitForStart(
  origin: number,
  io: {
    startAtIso: string;
    label: string;
    log(line: string): void;
    status?(line: string): void;
    isTty: boolean;
    quiet: boolean;
    signal?: AbortSignal;
  },
): Promise<number> {
  const clock = realClock(origin);
  const late = clock.now();
  if (late >= 0) return late;
  const line = () =>
    `${io.label}starting at ${io.startAtIso} in ${Math.ceil(-clock.now() / 1000)} s`;
  const tty = io.isTty && io.status !== undefined;
  let id: ReturnType<typeof setInterval> | undefined;
  if (!io.quiet) {
    if (tty) {
      io.status!(line());
      id = setInterval(() => io.status!(line()), 1000);
    } else io.log(line());
  }
  try {
    await clock.sleepUntil(0, io.signal);
  } finally {
    if (id !== undefined) clearInterval(id);
    if (tty && !io.quiet) io.status!("");
  }
  return 0;
}
