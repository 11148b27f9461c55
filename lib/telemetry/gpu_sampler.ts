import type { GpuSample } from "../metrics/telemetry_samples.ts";
import { trackChild, untrackChild } from "./child_processes.ts";
import { type ParsedLine, parseGpuLine } from "./nvidia_smi_csv.ts";

/**
 * The GPU sampler: one long-lived `nvidia-smi ... -lms <interval>` child (or any command that
 * prints the same lines), spawned directly (never through a shell), its lines parsed as they
 * arrive. A side channel: it never blocks the request path, a bad line is counted and skipped,
 * and a child that exits early is restarted a bounded number of times (each exit recorded).
 * The child is always killed by {@link GpuSampler.stop}; it is also tracked
 * (child_processes.ts) so an exit path that skips `stop` still kills it.
 */

/** Starts the command `argv` with stdout (and stderr) piped; injected by tests. */
export type SpawnFn = (argv: readonly string[]) => Deno.ChildProcess;

/** The default {@link SpawnFn}: `Deno.Command`, no shell, stdin closed. */
export const spawnPiped: SpawnFn = (argv) =>
  new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

/** One early exit of the child (it should run until stopped). */
export interface SamplerExit {
  /** When it was seen, on the sampler's clock (ms). */
  atMs: number;
  code: number;
  /** The end of its stderr, if any (e.g. nvidia-smi's reason). */
  stderr: string;
}

/** What a sampler saw; `exits` are early exits only (not the kill at stop). */
export interface SamplerStats {
  lines: number;
  samples: number;
  garbageLines: number;
  /** Up to 5 garbage lines with why, first seen first. */
  garbageExamples: string[];
  restarts: number;
  exits: SamplerExit[];
  /** True when the child exited more often than `maxRestarts` allows and sampling ended. */
  gaveUp: boolean;
}

/** A running sampler. */
export interface GpuSampler {
  /** The current child's PID (undefined between a crash and its restart). */
  readonly pid: number | undefined;
  /** Resolves true at the first sample, false after `timeoutMs` or when sampling ended. */
  firstSample(timeoutMs: number): Promise<boolean>;
  stats(): SamplerStats;
  /** Kills the child, waits for it to exit and for its last lines, and returns the stats. */
  stop(): Promise<SamplerStats>;
}

/** Options of {@link startGpuSampler}. */
export interface GpuSamplerOptions<T = GpuSample> {
  /** Called with every parsed sample, in arrival order. */
  onSample(sample: T): void;
  /** The line parser (default: the GPU query, `parseGpuLine`). */
  parse?: (line: string, tMs: number) => ParsedLine<T>;
  /** The clock samples are stamped with, ms (default `performance.now`). */
  now?: () => number;
  /** Called when the child exited early (before a restart, or giving up). */
  onExit?(exit: SamplerExit, willRestart: boolean): void;
  /** Early exits tolerated before sampling ends (default 3). */
  maxRestarts?: number;
  /** Pause before a restart, ms (default 500): a failing command is not spun. */
  restartDelayMs?: number;
  spawn?: SpawnFn;
}

const STDERR_TAIL = 500;
const KILL_GRACE_MS = 2000;

/**
 * Spawns `argv` (the full command, query flags included; see `gpuQueryArgs`) and samples until
 * {@link GpuSampler.stop}. Throws when the first spawn fails (e.g. `Deno.errors.NotFound`), so
 * the caller can say the sampler is unavailable; later failures are only recorded.
 */
export function startGpuSampler<T = GpuSample>(
  argv: readonly string[],
  options: GpuSamplerOptions<T>,
): GpuSampler {
  const parse = options.parse ??
    (parseGpuLine as unknown as (line: string, tMs: number) => ParsedLine<T>);
  const now = options.now ?? (() => performance.now());
  const spawn = options.spawn ?? spawnPiped;
  const maxRestarts = options.maxRestarts ?? 3;
  const restartDelayMs = options.restartDelayMs ?? 500;
  const stats: SamplerStats = {
    lines: 0,
    samples: 0,
    garbageLines: 0,
    garbageExamples: [],
    restarts: 0,
    exits: [],
    gaveUp: false,
  };
  let stopped = false;
  let child: Deno.ChildProcess | undefined;
  let wakeRestart: (() => void) | undefined;
  const first = createFirstSampleLatch();
  const onLine = (line: string) => {
    if (countLine(stats, parse(line, now()), options.onSample)) first.settle(true);
  };
  const giveUp = () => {
    stats.gaveUp = true;
    first.settle(false);
  };
  const start = (): Deno.ChildProcess => {
    const c = spawn(argv);
    trackChild(c);
    child = c;
    return c;
  };

  let next: Deno.ChildProcess | undefined = start(); // throws: the caller reports it
  const loop = (async () => {
    while (true) {
      const c = next ?? start();
      next = undefined;
      const { code, stderr } = await runChild(c, onLine);
      child = undefined;
      if (stopped) return;
      const exit = { atMs: now(), code, stderr };
      stats.exits.push(exit);
      const willRestart = stats.restarts < maxRestarts;
      options.onExit?.(exit, willRestart);
      if (!willRestart) return giveUp();
      await new Promise<void>((resolve) => {
        wakeRestart = resolve;
        setTimeout(resolve, restartDelayMs);
      });
      if (stopped) return;
      stats.restarts++;
      try {
        next = start();
      } catch (e) {
        stats.exits.push({ atMs: now(), code: -1, stderr: (e as Error).message });
        return giveUp();
      }
    }
  })();

  return {
    get pid() {
      return child?.pid;
    },
    firstSample(timeoutMs) {
      if (stats.samples > 0) return Promise.resolve(true);
      if (stats.gaveUp || stopped) return Promise.resolve(false);
      return first.wait(timeoutMs);
    },
    stats: () => structuredClone(stats),
    async stop() {
      if (!stopped) {
        stopped = true;
        wakeRestart?.();
        if (child) await killChild(child);
        first.settle(false);
      }
      await loop;
      return structuredClone(stats);
    },
  };
}

/** Counts one line into `stats`, passing a sample on; true when the line was a sample. */
function countLine<T>(
  stats: SamplerStats,
  parsed: ParsedLine<T>,
  onSample: (sample: T) => void,
): boolean {
  stats.lines++;
  if (parsed.kind === "sample") {
    stats.samples++;
    onSample(parsed.sample);
    return true;
  }
  if (parsed.kind === "garbage") {
    stats.garbageLines++;
    if (stats.garbageExamples.length < 5) {
      stats.garbageExamples.push(`${parsed.reason}: ${parsed.line.slice(0, 160)}`);
    }
  }
  return false;
}

/** Callers of `firstSample` waiting for the first sample (true) or the end of sampling (false). */
function createFirstSampleLatch() {
  const waiters: ((ok: boolean) => void)[] = [];
  return {
    settle(ok: boolean) {
      for (const w of waiters.splice(0)) w(ok);
    },
    wait(timeoutMs: number): Promise<boolean> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiters.push((ok) => {
          clearTimeout(timer);
          resolve(ok);
        });
      });
    },
  };
}

/** Runs one child to its end; resolves with its exit code and stderr tail. */
async function runChild(
  c: Deno.ChildProcess,
  onLine: (line: string) => void,
): Promise<{ code: number; stderr: string }> {
  const stderr = readStderrTail(c.stderr);
  const reader = c.stdout.getReader();
  const readOut = readLines(reader, onLine);
  const status = await c.status;
  untrackChild(c);
  // A grandchild could hold the pipes open after the child died: do not wait on it for long.
  const drained = Promise.all([readOut, stderr.done]);
  const timer = setTimeout(() => {
    reader.cancel().catch(() => {});
  }, 1000);
  await drained;
  clearTimeout(timer);
  return { code: status.code, stderr: stderr.tail().trim() };
}

/** Keeps the last {@link STDERR_TAIL} characters of a stream until it ends. */
function readStderrTail(stream: ReadableStream<Uint8Array>) {
  let tail = "";
  const done = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stream) {
        tail = (tail + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL);
      }
    } catch { /* the pipe closed */ }
  })();
  return { done, tail: () => tail };
}

/** Splits stdout into lines as they arrive; a last line without newline counts too. */
async function readLines(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    }
  } catch { /* cancelled at stop */ }
  if (buffered.trim() !== "") onLine(buffered);
}

/** SIGTERM, then SIGKILL after {@link KILL_GRACE_MS}; resolves once the child exited. */
async function killChild(c: Deno.ChildProcess): Promise<void> {
  try {
    c.kill("SIGTERM");
  } catch { /* already exited */ }
  const killer = setTimeout(() => {
    try {
      c.kill("SIGKILL");
    } catch { /* gone */ }
  }, KILL_GRACE_MS);
  await c.status.catch(() => {});
  clearTimeout(killer);
}
