import { formatDurationMs } from "../config/duration.ts";
import { STOP_EXIT_CODES as VERDICT_STOP_EXIT_CODES } from "../metrics/gates.ts";
import { onStopSignals } from "./stop_signals.ts";

/** Why a run was told to stop early. */
export type StopReason = "SIGINT" | "SIGTERM" | "max-runtime";

/**
 * Exit code of each stop reason (README "Exit codes"); defined beside the verdict, which
 * records the same code in verdict.json.
 */
export const STOP_EXIT_CODES: Record<StopReason, number> = VERDICT_STOP_EXIT_CODES;

/** The two stages of stopping a run, fed to RunIo as `interrupt` and `cancel`. */
export interface Shutdown {
  /** Aborts at the first SIGINT/SIGTERM or when --max-runtime is reached: scheduling stops. */
  stop: AbortSignal;
  /** Aborts when the grace is over, or at a second signal: in-flight requests are cancelled. */
  cancel: AbortSignal;
  /** What stopped the run, if anything did. */
  reason(): StopReason | undefined;
  /** The exit code for a run that ended: the stop reason's code, else `normal`. */
  exitCode(normal: number): number;
  /** Removes the signal listeners and timers. */
  dispose(): void;
}

/** Options of {@link startShutdown}. */
export interface ShutdownOptions {
  /** How long in-flight requests may finish after a stop, ms (`--grace`). */
  graceMs: number;
  /** `--max-runtime`, ms from now; undefined = no limit. */
  maxRuntimeMs?: number;
  /** Writes one message line (stderr). */
  err(line: string): void;
  /** A third signal: leave at once with this code (the raw file is already on disk). */
  exitNow(code: number): void;
  /** Subscribes to SIGINT/SIGTERM; returns an unsubscribe (tests inject their own). */
  listen?: (handler: (signal: "SIGINT" | "SIGTERM") => void) => () => void;
}

/**
 * The stop sequence of an unattended run: the first SIGINT/SIGTERM (or --max-runtime) stops
 * scheduling and starts the grace timer; in-flight requests may finish within `graceMs`, then
 * are cancelled. A second signal cancels them at once; a third exits at once. Partial results
 * are written by the run itself after its loops return.
 */
export function startShutdown(options: ShutdownOptions): Shutdown {
  const stop = new AbortController();
  const cancel = new AbortController();
  let why: StopReason | undefined;
  let signals = 0;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const cancelNow = () => {
    clearTimeout(graceTimer);
    if (!cancel.signal.aborted) cancel.abort();
  };
  const begin = (reason: StopReason, message: string) => {
    why = reason;
    const grace = options.graceMs > 0
      ? `in-flight requests get ${formatDurationMs(options.graceMs)} to finish`
      : "cancelling in-flight requests";
    options.err(`\n${message}: stopping, ${grace}, then writing results…`);
    stop.abort();
    if (options.graceMs > 0) graceTimer = setTimeout(cancelNow, options.graceMs);
    else cancelNow();
  };
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    signals++;
    if (signals === 1 && !stop.signal.aborted) return begin(signal, `${signal} received`);
    if (!cancel.signal.aborted) {
      // A SIGTERM after --max-runtime still says "SIGTERM" in the exit code.
      if (why === "max-runtime") why = signal;
      options.err(`${signal} again: cancelling in-flight requests now`);
      return cancelNow();
    }
    options.exitNow(STOP_EXIT_CODES[signal]);
  };
  const unlisten = (options.listen ?? onStopSignals)(onSignal);
  const limitTimer = options.maxRuntimeMs === undefined ? undefined : setTimeout(() => {
    if (!stop.signal.aborted) {
      begin("max-runtime", `--max-runtime ${formatDurationMs(options.maxRuntimeMs!)} reached`);
    }
  }, options.maxRuntimeMs);
  return {
    stop: stop.signal,
    cancel: cancel.signal,
    reason: () => why,
    exitCode: (normal) => (why ? STOP_EXIT_CODES[why] : normal),
    dispose() {
      unlisten();
      clearTimeout(limitTimer);
      clearTimeout(graceTimer);
    },
  };
}
