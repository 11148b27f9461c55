/**
 * The main thread's side of `--workers N`: starts N worker threads (run_worker.ts), each sending
 * shard `subShard(host shard, w of N)` of the plan, and hands their records and health windows
 * to the run as batches arrive. Ctrl-C/SIGTERM/--max-runtime reach every worker (`interrupt`
 * stops scheduling, `cancel` ends in-flight requests); a worker's error fails the whole run at
 * once (the others are cancelled) rather than hanging it; workers are always terminated.
 */

import { type Shard, shareOf, subShard } from "../../load/shard.ts";
import type { HealthWindow } from "../../metrics/client_health.ts";
import type { RequestRecord } from "../../metrics/record.ts";
import { unpackRecords } from "../record_batch.ts";
import type { PreconnectResult } from "../../client/socket_transport.ts";
import type { PoolMessage, WorkerInit, WorkerMessage } from "./run_worker.ts";

/** What {@link runWorkerPool} reports as the run goes. */
export interface PoolOptions {
  /** Records of one batch, in the order one worker finished them. */
  onRecords(records: RequestRecord[]): void;
  /** Requests sent since the last batch (live progress). */
  onSent(count: number): void;
  onWindows(windows: HealthWindow[]): void;
  /** Stops scheduling in every worker. */
  interrupt?: AbortSignal;
  /** Cancels in-flight requests in every worker; default `interrupt`. */
  cancel?: AbortSignal;
}

/** Thrown when a worker thread fails; the run is a failure, not a hang. */
export class WorkerFailed extends Error {
  constructor(thread: string, message: string) {
    super(`${thread} failed: ${message}`);
    this.name = "WorkerFailed";
  }
}

/** What every worker of a run shares. */
export type SharedInit = Omit<WorkerInit, "shard" | "thread" | "maxInFlight">;

/** Worker threads started and loaded, waiting for their shard of the plan. */
export interface WorkerPool extends Disposable {
  readonly size: number;
  /**
   * Hands every worker its part of the plan (`init` is what all share; its shard of
   * `hostShard` and its name are added here) and resolves once each has built its schedule,
   * prompts and connections pool: done before the run's clock starts, so that work never
   * shows as late first sends. Resolves with each worker's preconnect (`--preconnect`), if any.
   */
  prepare(init: SharedInit, hostShard: Shard): Promise<(PreconnectResult | undefined)[]>;
  /**
   * Runs the prepared plan from time 0 (`originEpochMs`). Resolves once every worker has sent
   * its last batch; terminates the workers either way.
   */
  run(originEpochMs: number, options: PoolOptions): Promise<void>;
}

/**
 * Starts `count` worker threads and resolves once each has loaded its modules (tens to hundreds
 * of ms), so that time is spent before the run's clock starts rather than as late first sends.
 */
export async function startWorkerPool(count: number): Promise<WorkerPool> {
  const workers: Worker[] = [];
  const dispose = () => {
    for (const w of workers) w.terminate();
  };
  try {
    await Promise.all(Array.from({ length: count }, (_, w) => {
      const worker = new Worker(new URL("./run_worker.ts", import.meta.url), { type: "module" });
      workers.push(worker);
      return new Promise<void>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
          if (e.data.type === "ready") resolve();
        };
        worker.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          reject(new WorkerFailed(`worker ${w + 1}`, e.message));
        };
      });
    }));
  } catch (e) {
    dispose();
    throw e;
  }
  return {
    size: count,
    prepare: (init, hostShard) => preparePool(workers, init, hostShard),
    run: (originEpochMs, options) => runPool(workers, originEpochMs, options),
    [Symbol.dispose]: dispose,
  };
}

async function preparePool(
  workers: Worker[],
  init: SharedInit,
  hostShard: Shard,
): Promise<(PreconnectResult | undefined)[]> {
  try {
    return await Promise.all(workers.map((worker, w) => {
      const thread = `worker ${w + 1}`;
      const prepared = new Promise<PreconnectResult | undefined>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
          if (e.data.type === "prepared") resolve(e.data.preconnect);
          else if (e.data.type === "failed") reject(new WorkerFailed(thread, e.data.message));
        };
        worker.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          reject(new WorkerFailed(thread, e.message));
        };
      });
      const mine = { index: w, count: workers.length };
      const shard = subShard(hostShard, mine);
      // --max-in-flight caps this host (docs/multi-host.md); its workers split it.
      const cap = init.plan.load.mode === "open" ? init.plan.load.maxInFlight : undefined;
      const maxInFlight = cap === undefined ? undefined : shareOf(mine, cap);
      worker.postMessage(
        { type: "prepare", init: { ...init, shard, thread, maxInFlight } } as PoolMessage,
      );
      return prepared;
    }));
  } catch (e) {
    for (const w of workers) w.terminate();
    throw e;
  }
}

async function runPool(
  workers: Worker[],
  originEpochMs: number,
  options: PoolOptions,
): Promise<void> {
  const post = (m: PoolMessage) => {
    for (const w of workers) w.postMessage(m);
  };
  const onInterrupt = () => post({ type: "interrupt" });
  const onCancel = () => post({ type: "cancel" });
  const cancelSignal = options.cancel ?? options.interrupt;
  let failed: (e: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => {}); // seen through the race below; never an unhandled rejection
  try {
    const finished = workers.map((worker, w) => {
      const thread = `worker ${w + 1}`;
      const done = new Promise<void>((resolve) => {
        worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
          const m = e.data;
          if (m.type === "batch") {
            if (m.sent > 0) options.onSent(m.sent);
            if (m.windows.length > 0) options.onWindows(m.windows);
            if (m.batch.heads.length > 0) options.onRecords(unpackRecords(m.batch));
          } else if (m.type === "done") resolve();
          else if (m.type === "failed") failed(new WorkerFailed(thread, m.message));
        };
        worker.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          failed(new WorkerFailed(thread, e.message));
        };
        worker.onmessageerror = () => failed(new WorkerFailed(thread, "unreadable message"));
      });
      worker.postMessage({ type: "go", originEpochMs } as PoolMessage);
      return done;
    });
    options.interrupt?.addEventListener("abort", onInterrupt);
    cancelSignal?.addEventListener("abort", onCancel);
    if (options.interrupt?.aborted) onInterrupt();
    if (cancelSignal?.aborted) onCancel();
    await Promise.race([Promise.all(finished), failure]);
  } catch (e) {
    // One worker failed: stop the others' load at once before they are terminated.
    onCancel();
    throw e;
  } finally {
    options.interrupt?.removeEventListener("abort", onInterrupt);
    cancelSignal?.removeEventListener("abort", onCancel);
    for (const w of workers) w.terminate();
  }
}
