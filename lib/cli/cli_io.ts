import { releaseHeldLocks } from "../results/run_lock.ts";
import { killTrackedChildren } from "../telemetry/child_processes.ts";

/** What every command gets from main.ts: its output streams and the process around it. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Colour the output: stdout is a TTY and NO_COLOR is unset. */
  readonly color: boolean;
  /** The environment (OPENAI_BASE_URL, OPENAI_API_KEY, …). */
  readonly env: Record<string, string | undefined>;
  /** Leaves at once (a third Ctrl-C), killing the GPU sampler and releasing locks first. */
  exitNow(code: number): never;
}

const encoder = new TextEncoder();

/**
 * A writer to `stream` that goes quiet once its reader has gone (`llmload run … | head -2`): a
 * closed pipe must neither crash a run nor change its exit code, and the results directory still
 * holds everything. Other write errors are thrown as before.
 */
export function quietOnClosedPipe(stream: { writeSync(p: Uint8Array): number }) {
  let closed = false;
  return (text: string): void => {
    if (closed) return;
    const bytes = encoder.encode(text);
    try {
      for (let o = 0; o < bytes.length;) o += stream.writeSync(bytes.subarray(o));
    } catch (e) {
      if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
      closed = true;
    }
  };
}

/**
 * The process's own stdio and environment. `color` and `env` are read when a command asks, so
 * commands that never need them (`version`, `report`) run without --allow-env.
 */
export const processIo: CliIo = {
  out: quietOnClosedPipe(Deno.stdout),
  err: quietOnClosedPipe(Deno.stderr),
  get color() {
    return Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
  },
  get env() {
    return Deno.env.toObject();
  },
  exitNow(code: number): never {
    // Deno would orphan the GPU sampler; the lock file would outlive the run.
    killTrackedChildren();
    releaseHeldLocks();
    Deno.exit(code);
  },
};
