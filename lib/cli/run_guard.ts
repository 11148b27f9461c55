import { formatDurationMs } from "../config/duration.ts";
import type { RunPlan } from "../config/run_plan.ts";
import { UsageError } from "../config/usage_error.ts";
import { acquireRunLock, type RunLock, RunLockBusy } from "../results/run_lock.ts";
import { type Shutdown, startShutdown } from "./shutdown.ts";

/** What a command holds while it runs: the stop sequence and the results root's lock. */
export interface RunGuard {
  shutdown: Shutdown;
  /**
   * For a `catch`: an error while stopping (e.g. SIGTERM during --wait-ready) is printed and
   * the stop decides the exit code; any other error is rethrown.
   */
  stopped(error: unknown): number;
  /** Releases the lock and the signal listeners; prints the --max-runtime reason last. */
  dispose(): void;
}

/**
 * Starts the stop sequence (SIGINT/SIGTERM, `--grace`, `--max-runtime`) and then takes the lock
 * `<out>/.llmload-<name>.lock`, so overlapping runs refuse to start (RunLockBusy, exit 2). The
 * signal listeners come first: a SIGTERM right after the lock is taken still removes it.
 */
export async function guardRun(
  plan: RunPlan,
  options: { name: string; err(text: string): void; exitNow(code: number): void },
): Promise<RunGuard> {
  const { graceMs, maxRuntimeMs } = plan.unattended;
  const line = (l: string) => options.err(l + "\n");
  const shutdown = startShutdown({ graceMs, maxRuntimeMs, err: line, exitNow: options.exitNow });
  let lock: RunLock;
  try {
    // Shards may share a results root (one volume for every pod): one lock per shard.
    const name = plan.shard ? `${options.name}-shard-${plan.shard.index}` : options.name;
    lock = await acquireRunLock(plan.out, { name, log: line });
  } catch (e) {
    shutdown.dispose();
    throw e;
  }
  return {
    shutdown,
    stopped: (e) => {
      if (!shutdown.reason() || e instanceof UsageError || e instanceof RunLockBusy) throw e;
      line(`error: ${(e as Error).message}`);
      return shutdown.exitCode(1);
    },
    dispose: () => {
      lock.release();
      shutdown.dispose();
      // The reason comes last, where the reader of a cron mail or journal looks.
      if (shutdown.reason() === "max-runtime") {
        line(
          `error: --max-runtime ${formatDurationMs(maxRuntimeMs!)} reached; the results are ` +
            `partial, marked interrupted (exit code ${shutdown.exitCode(0)})`,
        );
      }
    },
  };
}
