/**
 * One worker thread of a `--workers N` run (started by worker_pool.ts): its own connections,
 * event loop and clock on the run's shared origin; it sends the shard of the plan it owns and
 * posts its records to the main thread in batches, with its client-health windows.
 *
 * Protocol. In: `start` (a {@link WorkerInit}), `interrupt` (stop scheduling), `cancel` (end
 * in-flight requests). Out: `batch` (records packed by record_batch.ts, sends since the last
 * batch, health windows), then `done`, or `failed` with the error's message.
 */

import { buildRequest } from "../../client/request_body.ts";
import { createSocketTransport, type PreconnectResult } from "../../client/socket_transport.ts";
import type { WireTransport } from "../../client/transport_choice.ts";
import type { ClientConfig, RequestSpec } from "../../client/types.ts";
import type { RunPlan } from "../../config/run_plan.ts";
import { realClock } from "../../load/clock.ts";
import type { Shard } from "../../load/shard.ts";
import type { ParsedTrace } from "../../load/trace_replay.ts";
import type { HealthWindow } from "../../metrics/client_health.ts";
import type { RequestRecord } from "../../metrics/record.ts";
import type { Dataset } from "../../workload/datasets/mod.ts";
import { type PortableBook, promptBookFrom } from "../../workload/exact_prompt.ts";
import { startClientProbe } from "../probes/client_probe.ts";
import { openSchedule } from "../open_schedule.ts";
import { driveLoad } from "../drive_load.ts";
import { packRecords, type RecordBatch } from "../record_batch.ts";
import { requestSpecs, traceBuckets } from "../request_specs.ts";
import { createSendPath, runClientConfig } from "../send_path.ts";
import { sessionParts } from "../session_specs.ts";
import { preconnect, preconnectShare } from "../preconnect.ts";
import { outputCounterFrom, type OutputCounterSpec } from "../output_counter.ts";

/** Everything a worker needs, all plain data. */
export interface WorkerInit {
  plan: RunPlan;
  /** The part of the plan this worker sends. */
  shard: Shard;
  /** This worker's part of the host's `--max-in-flight` cap (open loop). */
  maxInFlight?: number;
  /** Its name in client health (`worker 1` …). */
  thread: string;
  baseUrl: string;
  model: string;
  /** The run's transport, resolved once on the main thread (`--transport auto`). */
  transport: WireTransport;
  /** Connections the whole plan opens before time 0 (all hosts); this worker opens its share. */
  preconnectTotal: number;
  book?: PortableBook;
  dataset?: Dataset;
  trace?: ParsedTrace;
  /** How to count output text when the server sends no usage (output_counter.ts). */
  outputCounter?: OutputCounterSpec;
}

/** Messages a worker posts. */
export type WorkerMessage =
  | { type: "batch"; batch: RecordBatch; sent: number; windows: HealthWindow[] }
  | { type: "ready" }
  /** Ready for `go`: schedule and specs built, its share of connections opened. */
  | { type: "prepared"; preconnect?: PreconnectResult }
  | { type: "done" }
  | { type: "failed"; message: string };

/** Messages a worker receives. */
export type PoolMessage =
  | { type: "prepare"; init: WorkerInit }
  /** Starts the run; time 0 as epoch ms (`performance.timeOrigin + origin` on the main thread). */
  | { type: "go"; originEpochMs: number }
  | { type: "interrupt" }
  | { type: "cancel" };

/** A batch goes when it holds this many records, or after this many ms. */
const BATCH_RECORDS = 256;
const BATCH_MS = 50;

// `self` is the worker's global scope; typed loosely so this file also checks as a module.
const port = self as unknown as {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<PoolMessage>) => void) | null;
};
const interrupt = new AbortController();
const cancel = new AbortController();

const fail = (error: unknown) =>
  port.postMessage({
    type: "failed",
    message: error instanceof Error ? error.stack ?? error.message : String(error),
  });
let go: ((originEpochMs: number) => Promise<void>) | undefined;

port.onmessage = (e) => {
  const m = e.data;
  if (m.type === "prepare") {
    prepare(m.init).then(({ run, preconnect }) => {
      go = run;
      port.postMessage({ type: "prepared", preconnect });
    }, fail);
  } else if (m.type === "go") {
    go!(m.originEpochMs).then(() => port.postMessage({ type: "done" }), fail);
  } else if (m.type === "interrupt") interrupt.abort();
  else if (m.type === "cancel") {
    interrupt.abort();
    cancel.abort();
  }
};

// Loaded: the pool starts the run's clock only once every worker is here.
port.postMessage({ type: "ready" });

/**
 * Builds everything the worker's share of the run needs (schedule, request specs, transport,
 * its share of `--preconnect`) before the run's clock exists, and returns the function that
 * runs it from time 0.
 */
async function prepare(init: WorkerInit): Promise<{
  run: (originEpochMs: number) => Promise<void>;
  preconnect?: PreconnectResult;
}> {
  const { plan } = init;
  const open = plan.load.mode === "open"
    ? openSchedule(plan.load, { seed: plan.seed, trace: init.trace })
    : undefined;
  const specFor = requestSpecs(plan, {
    model: init.model,
    dataset: init.dataset,
    book: init.book && promptBookFrom(init.book),
    arrival: open?.arrival,
    buckets: init.trace && !init.dataset ? traceBuckets(plan, init.trace) : undefined,
  });
  const sessions = sessionParts(plan, init.model, {
    dataset: init.dataset,
    book: init.book && promptBookFrom(init.book),
  });
  // The send path's first use in a fresh thread compiles it (ms on a busy core): do it now.
  buildRequest(specFor(0));
  const socketTransport = init.transport === "socket" ? createSocketTransport() : undefined;
  // This worker's users get their connections before time 0 (closed loop: its shard's users).
  const preconnected = socketTransport && init.preconnectTotal > 0
    ? await preconnect(
      socketTransport,
      init.baseUrl,
      preconnectShare(init.preconnectTotal, init.shard),
      { timeoutMs: plan.timeouts.connectMs, signal: interrupt.signal },
    )
    : undefined;
  // Built before time 0: a tokenizer takes a while to load.
  const countOutputTokens = outputCounterFrom(init.outputCounter);
  const run = async (originEpochMs: number) => {
    // This thread's performance.now() has its own time origin.
    const origin = originEpochMs - performance.timeOrigin;
    const client = runClientConfig(plan, {
      transport: socketTransport,
      baseUrl: init.baseUrl,
      origin,
      signal: cancel.signal,
      countOutputTokens,
    });
    try {
      await runShard(init, { origin, specFor, client, schedule: open?.schedule, sessions });
    } finally {
      socketTransport?.[Symbol.dispose]();
    }
  };
  return { run, preconnect: preconnected };
}

/**
 * Sends this worker's shard from time 0, posting its records, send counts and health windows
 * in batches; the last batch goes whatever ended the run.
 */
async function runShard(
  init: WorkerInit,
  ready: {
    origin: number;
    specFor: (index: number) => RequestSpec;
    client: ClientConfig;
    schedule?: Iterator<number>;
    sessions?: ReturnType<typeof sessionParts>;
  },
): Promise<void> {
  const pending: RequestRecord[] = [];
  let sent = 0;
  const probe = startClientProbe(init.thread, { origin: ready.origin });
  const post = (windows: HealthWindow[]) => {
    const { batch, transfer } = packRecords(pending.splice(0, pending.length));
    port.postMessage({ type: "batch", batch, sent, windows }, transfer);
    sent = 0;
  };
  const flush = () => {
    const windows = probe.drain();
    if (pending.length === 0 && sent === 0 && windows.length === 0) return;
    post(windows);
  };
  // Cold starts as this worker saw them; the main thread keeps only each model's first.
  const path = createSendPath({
    model: init.model,
    specFor: ready.specFor,
    sessions: ready.sessions?.specs,
    client: ready.client,
    onSent: () => sent++,
    onRecord: (r) => {
      pending.push(r);
      if (pending.length >= BATCH_RECORDS) flush();
    },
  });
  const timer = setInterval(flush, BATCH_MS);
  try {
    await driveLoad(init.plan, {
      shard: init.shard,
      schedule: ready.schedule,
      clock: realClock(ready.origin),
      dispatch: path.dispatch,
      onDrop: path.onDrop,
      maxInFlight: init.maxInFlight,
      signal: interrupt.signal,
      sessions: ready.sessions?.shape,
    });
  } finally {
    clearInterval(timer);
    post(probe.stop());
  }
}
