import { join } from "node:path";
import { createSocketTransport, type SocketTransport } from "../client/socket_transport.ts";
import { effectiveConcurrency, type RunPlan } from "../config/run_plan.ts";
import { UsageError } from "../config/usage_error.ts";
import { realClock } from "../load/clock.ts";
import { type ParsedTrace, readTrace } from "../load/trace_replay.ts";
import type { RequestRecord } from "../metrics/record.ts";
import { LiveStats } from "../metrics/live_stats.ts";
import type { Summary } from "../metrics/summary.ts";
import { RunDigest } from "../metrics/run_digest.ts";
import {
  foldTokenTimes,
  roundedRecord,
  roundedRecordToJsonl,
} from "../report/files/record_jsonl.ts";
import { summaryToCsv } from "../report/files/summary_csv.ts";
import { summaryToJson } from "../report/files/summary_json.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { writeReportsAtEnd } from "../results/write_reports.ts";
import { recordRunHistory } from "../results/record_history.ts";
import { formatProgressLine } from "../report/terminal/progress_line.ts";
import { preparePrompts, type PromptBook } from "../workload/prepare_prompts.ts";
import { DEFAULT_BLOCK_SIZE } from "../workload/block_prompts.ts";
import { loadLocalTokenizer, type LocalTokenizer } from "../workload/local_tokenizer.ts";
import {
  chooseOutputCounter,
  type OutputCounter,
  type OutputCounterSpec,
} from "./output_counter.ts";
import { describeDataset, loadDatasetPrompts } from "../workload/dataset_prompts.ts";
import type { Dataset } from "../workload/datasets/mod.ts";
import type { LengthBuckets } from "../workload/length_buckets.ts";
import { buildMeta, describeShape, type MetaJson } from "./meta.ts";
import {
  forecastShape,
  type OpenSchedule,
  openSchedule,
  type ShapeForecast,
} from "./open_schedule.ts";
import type { AdapterStats } from "../metrics/adapter_stats.ts";
import {
  finishLora,
  localAdapters,
  loraMeta,
  type LoraRun,
  prepareLora,
  simAdapterNames,
} from "./lora/lora_setup.ts";
import { startClientProbe } from "./probes/client_probe.ts";
import { writeClientHealth } from "./probes/client_health_file.ts";
import { chooseWorkers, type WorkersChoice } from "./workers/worker_count.ts";
import { startWorkerPool, type WorkerPool } from "./workers/worker_pool.ts";
import { openRecordsWriter } from "../results/records_file.ts";
import { driveLoad } from "./drive_load.ts";
import { concurrencySchedule } from "../load/stages.ts";
import { WHOLE } from "../load/shard.ts";
import type { ClientHealth, HealthWindow } from "../metrics/client_health.ts";
import { hasBlocks, requestSpecs, traceBuckets } from "./request_specs.ts";
import { createSendPath, runClientConfig } from "./send_path.ts";
import { sessionParts, sessionTurnLengths } from "./session_specs.ts";
import { SUMMARY_CSV_FILE, SUMMARY_FILE, writeMeta } from "../results/results_files.ts";
import {
  LORA_TIMELINE_FILE,
  LORA_TIMELINE_INTERVAL_MS,
  loraTimelineFrom,
  writeLoraTimeline,
} from "./lora/lora_timeline.ts";
import { describeServer, type ServerRecord } from "../telemetry/server_record.ts";
import {
  METRICS_INTERVAL_MS,
  type ScrapeStats as ServerMetricsRunStats,
} from "../telemetry/metrics_scraper.ts";
import type { ServerMetricsSample } from "../metrics/telemetry_samples.ts";
import {
  type ServerMetricsSummary,
  summarizeServerMetrics,
} from "../metrics/server_metrics_summary.ts";
import { serverMeta, startServerMetrics } from "./probes/server_metrics_run.ts";
import { resolveTarget } from "./resolve_target.ts";
import { waitReady } from "./wait_ready.ts";
import { type SimTarget, startSimTarget } from "./sim_target.ts";
import { createRunDir, makeRunId } from "../results/run_dir.ts";
import { DEFAULT_TELEMETRY } from "../config/telemetry_plan.ts";
import { type GpuTelemetry, startGpuTelemetry } from "./probes/gpu_telemetry.ts";
import { finishTelemetry, type TelemetryMeta, telemetryMeta } from "./probes/telemetry_record.ts";
import {
  checkBaselineFlag,
  sloFromDigest,
  sloObjectives,
  writeVerdict,
} from "../results/verdict.ts";
import type { Verdict } from "../metrics/gates.ts";
import { formatShard } from "../load/shard.ts";
import { originAt, waitForStart } from "./start_at_wait.ts";
import { chooseRunWire, type RunWire, warmConnections } from "./run_transport.ts";
import type { PreconnectMeta } from "./preconnect.ts";
import { redactUrl } from "../config/redact.ts";

/** Where a run talks to: the terminal, and the interrupt (Ctrl-C) signal. */
export interface RunIo {
  /** Progress and log lines (stderr). */
  log(line: string): void;
  /** Rewrites the live progress line in place (TTY only). */
  status?(line: string): void;
  /** True when progress may redraw in place; false logs a line every 10 s. */
  isTty: boolean;
  quiet: boolean;
  /**
   * Aborts on Ctrl-C/SIGTERM/--max-runtime: scheduling stops; in-flight requests end as
   * "cancelled" at once unless `cancel` is given.
   */
  interrupt?: AbortSignal;
  /** Aborts when in-flight requests must be cancelled (after `--grace`); default `interrupt`. */
  cancel?: AbortSignal;
  /** Why the run was stopped (SIGINT, SIGTERM, max-runtime), recorded in meta.json. */
  stopReason?: () => string | undefined;
}

/** How far ahead of its setup a `--workers` run puts time 0 (ms). */
const WORKER_START_LEAD_MS = 100;

/** What a finished (or interrupted) run produced. */
export interface RunOutcome {
  runId: string;
  runDir: string;
  model: string;
  baseUrl: string;
  summary: Summary;
  interrupted: boolean;
  /** Per-adapter statistics, in LoRA runs and runs whose dataset names adapters. */
  adapters?: AdapterStats[];
  /** What the server's `/metrics` said over the run (null: no /metrics, or --metrics off). */
  serverMetrics?: ServerMetricsSummary | null;
  /** Gates, SLOs and baseline (verdict.json); "fail" makes the CLI exit 3. */
  verdict: Verdict;
  /** Was the client itself the bottleneck (summary.json `client`)? */
  client?: ClientHealth;
}

/** Options of {@link runBenchmark}. */
export interface RunOptions {
  /**
   * Called once the target is resolved, before prompts are calibrated and before the run
   * directory or the clock exist (a scenario's setup hook). Throwing aborts the run: nothing is
   * sent and nothing is written.
   */
  beforeStart?: (target: { baseUrl: string; model: string; apiKey?: string }) => Promise<void>;
  /**
   * Called when the run has ended, also after a failure, before a `--target sim` simulator stops
   * (a scenario's teardown hook, which may still talk to it). Must not throw.
   */
  afterEnd?: () => Promise<void>;
  /** What meta.json records under `hooks` (null when absent). */
  hooksRecord?: () => unknown;
  /** A simulator already running for `--target sim` (a sweep starts one for all its points). */
  sim?: SimTarget;
}

const TTY_REFRESH_MS = 250;
const LOG_EVERY_MS = 10_000;

/**
 * Runs one plan: resolves the target, drives the load, writes every finished request to
 * requests.jsonl at once, then summary.json, summary.csv and meta.json.
 * Throws TargetError when the target is unreachable; request failures are data, never throws.
 * A dataset (`plan.dataset`) and a local tokenizer (`plan.request.tokenizer`) are read first,
 * before the simulator or target is touched, so a missing or malformed file is a UsageError
 * before anything starts.
 * With `--target sim` the run starts (and stops) its own simulator, unless `options.sim` hands
 * it one already running (a sweep starts one for all its points).
 */
export async function runBenchmark(
  plan: RunPlan,
  io: RunIo,
  options: RunOptions = {},
): Promise<RunOutcome> {
  await checkBaselineFlag(plan);
  warnEffectiveConcurrency(plan, io);
  const inputs = await readInputs(plan, io);
  // The simulator stands in for the model whose tokenizer was given: it counts with it too.
  const ownSim = plan.target.sim && !options.sim
    ? await startSimTarget(plan, {
      dataset: inputs.dataset,
      tokenizer: inputs.dataset ? undefined : inputs.tokenizer?.files,
      log: io.log,
      loraAdapters: plan.lora && simAdapterNames(plan.lora, inputs.local, inputs.dataset),
    })
    : undefined;
  const sim = plan.target.sim ? options.sim ?? ownSim : undefined;
  // Started before the target is touched, so samples before the first send give a baseline.
  let gpu: GpuTelemetry | undefined;
  try {
    gpu = await startGpuTelemetry(plan.telemetry ?? DEFAULT_TELEMETRY, io);
    const baseUrl = sim ? sim.baseUrl : plan.target.url.replace(/\/+$/, "");
    const ready = await prepareTarget(plan, io, { baseUrl, inputs, sim, options });
    const runId = makeRunId(new Date());
    const runDir = await createRunDir(plan.out, runId);
    return await drive({
      plan,
      io,
      where: { runId, runDir, baseUrl, model: ready.model, sim, server: ready.server },
      prompts: { ...ready.prompts, shape: inputs.shape },
      hooksRecord: options.hooksRecord,
      lora: ready.lora,
      telemetry: { gpu, meta: await telemetryMeta(plan, gpu) },
      workers: inputs.workers,
      output: ready.output,
    });
  } finally {
    await gpu?.stop(); // the child never outlives the run, whatever ended it
    await options.afterEnd?.();
    await ownSim?.close();
  }
}

function warnEffectiveConcurrency(plan: RunPlan, io: RunIo): void {
  const effective = effectiveConcurrency(plan);
  if (
    plan.load.mode === "closed" && effective !== undefined && effective < plan.load.concurrency!
  ) {
    io.log(
      `warning: --concurrency ${plan.load.concurrency} with --requests ${plan.stop.requests}: ` +
        `only ${effective} users ever send, so the effective concurrency is ${effective} ` +
        `(meta.json load.effective_concurrency); raise --requests to load ${plan.load.concurrency}`,
    );
  }
}

/** What a run reads from files before the simulator or target is touched. */
interface RunInputs {
  dataset?: Dataset;
  /** LoRA adapters found on this host. */
  local: Awaited<ReturnType<typeof localAdapters>>;
  shape: PreparedShape;
  workers: WorkersChoice;
  tokenizer?: LocalTokenizer;
}

/** Reads the dataset, adapters, arrival shape and tokenizer: bad input fails before any start. */
async function readInputs(plan: RunPlan, io: RunIo): Promise<RunInputs> {
  const dataset = plan.dataset
    ? await loadDatasetPrompts(plan.dataset, {
      seed: plan.seed,
      endpoint: plan.endpoint,
      log: io.log,
    })
    : undefined;
  const local = plan.lora ? await localAdapters(plan.lora, dataset) : [];
  const shape = await prepareShape(plan, io);
  const workers = chooseWorkers(plan, {
    cores: navigator.hardwareConcurrency,
    meanRate: shape.forecast?.endsAtMs
      ? shape.forecast.expectedRequests / (shape.forecast.endsAtMs / 1000)
      : undefined,
  });
  // Loaded with a dataset too: it counts output when the server sends no usage.
  const tokenizer = plan.request.tokenizer
    ? await loadLocalTokenizer(plan.request.tokenizer)
    : undefined;
  return { dataset, local, shape, workers, tokenizer };
}

/** The target, resolved and described, with the prompts and adapters prepared on it. */
interface ReadyTarget {
  model: string;
  prompts: Prompts;
  output: { counter?: OutputCounter; spec?: OutputCounterSpec };
  lora?: LoraRun;
  server: ServerRecord;
}

/**
 * Waits for the target, resolves its model, runs the setup hook, then prepares what talks to
 * the server before the run's clock starts (so it never affects pacing): prompt calibration,
 * LoRA adapters and the server's description of itself.
 */
async function prepareTarget(
  plan: RunPlan,
  io: RunIo,
  ctx: { baseUrl: string; inputs: RunInputs; sim?: SimTarget; options: RunOptions },
): Promise<ReadyTarget> {
  const { baseUrl, inputs: { dataset, tokenizer } } = ctx;
  const apiKey = plan.target.apiKey;
  if (plan.unattended.waitReadyMs !== undefined) {
    await waitReady(baseUrl, {
      limitMs: plan.unattended.waitReadyMs,
      apiKey,
      signal: io.interrupt,
      log: io.log,
    });
  }
  const target = await resolveTarget(baseUrl, { model: plan.target.model, apiKey });
  await ctx.options.beforeStart?.({ baseUrl, model: target.model, apiKey });
  // Dataset prompts are sent as written: nothing to calibrate. A trace asks for each arrival's
  // own prompt length: every distinct (bucketed) one is calibrated here.
  const prompts: Prompts = dataset ? { dataset } : {
    book: await preparePrompts(plan, {
      baseUrl,
      model: target.model,
      apiKey,
      log: io.log,
      tokenizer,
      lengths: ctx.inputs.shape.buckets?.lengths ?? sessionTurnLengths(plan),
      blocks: traceBlocks(plan, ctx.inputs.shape.trace),
    }),
    tokenizer,
  };
  const output = chooseOutputCounter({ tokenizer, sim: ctx.sim !== undefined });
  const lora = plan.lora
    ? await prepareLora({ ...plan, lora: plan.lora }, {
      baseUrl,
      model: target.model,
      local: ctx.inputs.local,
      dataset,
      log: io.log,
    })
    : undefined;
  // What the server says about itself, once; never fatal.
  const server = await describeServer(baseUrl, {
    apiKey,
    models: target.modelsAnswer,
    metrics: plan.serverMetrics.enabled,
  });
  if (plan.serverMetrics.enabled && server.metrics.problem) {
    io.log(`warning: ${server.metrics.problem}; this run records no server metrics`);
  }
  return { model: target.model, prompts, output, lora, server };
}

/**
 * A trace's prefix blocks to prepare (undefined when no line has `hash_ids`): the block size and
 * the first lines that have them, to check the built prompts' lengths against.
 */
function traceBlocks(plan: RunPlan, trace: ParsedTrace | undefined) {
  const shape = plan.load.mode === "open" ? plan.load.shape : undefined;
  if (!trace || shape?.kind !== "trace" || !trace.arrivals.some(hasBlocks)) return undefined;
  const samples = [];
  for (const [index, a] of trace.arrivals.entries()) {
    if (samples.length === 3) break;
    if (!hasBlocks(a)) continue;
    const tokens = Math.max(1, a.inputTokens ?? plan.request.promptTokens);
    samples.push({ index, hashIds: a.hashIds!, tokens });
  }
  return { blockSize: shape.blockSize ?? DEFAULT_BLOCK_SIZE, samples };
}

/**
 * Where a run's prompts come from: synthetic (calibrated, by the server or a local tokenizer, or
 * estimated) or a dataset file.
 */
type Prompts =
  | { book: PromptBook; tokenizer?: LocalTokenizer; dataset?: undefined }
  | { dataset: Dataset; book?: undefined; tokenizer?: undefined };

/** The arrival shape, read and checked before anything starts. */
interface PreparedShape {
  trace?: ParsedTrace;
  forecast?: ShapeForecast;
  /** Trace prompt lengths as asked for (synthetic prompts only). */
  buckets?: LengthBuckets;
}

/**
 * Reads the trace (a malformed line is a UsageError naming it) and probes a shaped rate, so bad
 * input stops the run before the simulator or target is touched; logs what the shape promises.
 */
async function prepareShape(plan: RunPlan, io: RunIo): Promise<PreparedShape> {
  if (plan.load.mode === "closed") {
    if (plan.load.stages) concurrencySchedule(plan.load.stages); // throws on bad stages
    return {};
  }
  const shape = plan.load.shape;
  if (!shape) return {};
  let trace: ParsedTrace | undefined;
  let buckets: LengthBuckets | undefined;
  if (shape.kind === "trace") {
    trace = await readTrace(shape.path, {
      timeScale: shape.timeScale,
      timeUnit: shape.timeUnit,
      onMalformed: shape.onError,
    });
    for (const p of trace.skipped) {
      io.log(`warning: ${shape.path}: line ${p.line} skipped: ${p.problem}`);
    }
    if (!plan.dataset) {
      buckets = traceBuckets(plan, trace);
      if (buckets.bucketed) {
        io.log(
          `trace: ${buckets.distinct} distinct prompt lengths folded into ${buckets.lengths.length} ` +
            `calibrated ones (each within ${(buckets.maxRelativeError * 100).toFixed(1)} %)`,
        );
      }
    }
  }
  const forecast = forecastShape(plan.load, { trace });
  if (forecast && forecast.expectedRequests <= 0) {
    throw new UsageError("the arrival shape sends nothing (its rate integrates to 0)");
  }
  if (forecast && !io.quiet) {
    const end = forecast.endsAtMs === undefined
      ? "does not end within 1 h (set --duration or --requests, or return null)"
      : `ends after ${(forecast.endsAtMs / 1000).toFixed(1)} s`;
    io.log(
      `arrival shape ${shape.kind}: ~${Math.round(forecast.expectedRequests)} requests, ${end}`,
    );
  }
  return { trace, forecast, buckets };
}

/** Where a run sends: its directory, the target and what the server said about itself. */
interface RunWhere {
  runId: string;
  runDir: string;
  baseUrl: string;
  model: string;
  sim?: SimTarget;
  server: ServerRecord;
}

/** Everything prepared before the load: what {@link drive} runs. */
interface DriveRun {
  plan: RunPlan;
  io: RunIo;
  where: RunWhere;
  prompts: Prompts & { shape: PreparedShape };
  hooksRecord?: () => unknown;
  lora?: LoraRun;
  /** GPU sampler and meta.json's system/gpus/tags/notes (telemetry_record.ts). */
  telemetry: { gpu: GpuTelemetry; meta: TelemetryMeta };
  /** Worker threads (`--workers`), recorded in meta.json. */
  workers: WorkersChoice;
  /** Counts output text when the server sends no usage (output_counter.ts). */
  output: { counter?: OutputCounter; spec?: OutputCounterSpec };
}

/** Runs the load and writes the run directory: start, send, finish. */
async function drive(run: DriveRun): Promise<RunOutcome> {
  const { plan, where: { runDir, model } } = run;
  using launch = await prepareLaunch(run);
  const metricsIntervalMs = plan.serverMetrics.intervalMs ??
    (run.lora ? LORA_TIMELINE_INTERVAL_MS : METRICS_INTERVAL_MS);
  run.telemetry.gpu.attach(runDir, launch.origin);
  const metaFor = (end?: MetaEnd) => runMeta(run, launch, metricsIntervalMs, end);
  await writeMeta(runDir, metaFor());
  const recording = await openRecording(plan, runDir, model);
  const sent = await sendLoad(run, launch, recording, metricsIntervalMs);
  return await finishRun(run, recording, sent, metaFor);
}

/** The load's transport, threads, connections and time 0, settled before the clock starts. */
interface Launch extends Disposable {
  open?: OpenSchedule;
  wire: RunWire;
  /** Worker threads (`--workers`); absent: the main thread sends. */
  pool?: WorkerPool;
  /** The main thread's keep-alive pool (socket transport, no workers). */
  socket?: SocketTransport;
  preconnect: PreconnectMeta;
  /** Time 0 as this thread's `performance.now()`, and as epoch ms. */
  origin: number;
  originEpochMs: number;
}

/**
 * Starts and prepares the worker threads (they load before the clock starts, so their first
 * sends are not late), opens `--preconnect` connections and fixes time 0.
 */
async function prepareLaunch(run: DriveRun): Promise<Launch> {
  const { plan, io, where: { baseUrl, model }, prompts } = run;
  const open = plan.load.mode === "open"
    ? openSchedule(plan.load, { seed: plan.seed, trace: prompts.shape.trace })
    : undefined;
  // `--transport auto` resolved here (proxy environment), once for every thread.
  const wire = chooseRunWire(plan, baseUrl, io.log);
  using owned = new DisposableStack();
  const pool = run.workers.count > 1
    ? owned.use(await startWorkerPool(run.workers.count))
    : undefined;
  const workerPreconnects = await pool?.prepare(
    {
      plan,
      baseUrl,
      model,
      transport: wire.transport,
      preconnectTotal: wire.preconnectTotal,
      book: prompts.book?.portable,
      dataset: prompts.dataset,
      trace: prompts.shape.trace,
      outputCounter: run.output.spec,
    },
    plan.shard ?? WHOLE,
  );
  // One keep-alive pool for the whole run (main thread); closed once every request has ended.
  // Filled by --preconnect before time 0, so those connects are not part of the first sends.
  const socket = !pool && wire.transport === "socket"
    ? owned.use(createSocketTransport())
    : undefined;
  const preconnect = await warmConnections(plan, wire, {
    socket,
    workers: workerPreconnects,
    baseUrl,
    io,
  });
  // --start-at: time 0 is that wall-clock instant on every shard (waited for in sendLoad).
  // With workers, time 0 is a little ahead, so the hop to the workers and their first use of
  // the send path are not counted as the first sends' lateness.
  const origin = plan.startAtEpochMs === undefined
    ? performance.now() + (pool ? WORKER_START_LEAD_MS : 0)
    : originAt(plan.startAtEpochMs);
  const originEpochMs = plan.startAtEpochMs ?? performance.timeOrigin + origin;
  const disposables = owned.move();
  return {
    open,
    wire,
    pool,
    socket,
    preconnect,
    origin,
    originEpochMs,
    [Symbol.dispose]: () => disposables.dispose(),
  };
}

/** How a run ended, for the final meta.json (absent: the first one, written at the start). */
interface MetaEnd {
  endedAt: number;
  interrupted: boolean;
  scraped?: ScrapedMetrics;
}

/** What the /metrics poller kept over the run. */
type ScrapedMetrics = { samples: ServerMetricsSample[]; stats: ServerMetricsRunStats | null };

/** The run's meta.json: written at the start, rewritten with the end time. */
function runMeta(run: DriveRun, launch: Launch, intervalMs: number, end?: MetaEnd): MetaJson {
  const { plan, where, prompts, lora } = run;
  const interrupted = end?.interrupted ?? false;
  return {
    ...buildMeta(plan, {
      ...where,
      server: serverMeta(where.server, {
        intervalMs,
        samples: end?.scraped?.samples.length ?? 0,
        stats: end?.scraped?.stats ?? null,
      }),
      originEpochMs: launch.originEpochMs,
      endedAtEpochMs: end?.endedAt,
      interrupted,
      promptLengthMode: prompts.book?.mode,
      promptTokenizer: prompts.tokenizer,
      dataset: prompts.dataset && plan.dataset
        ? describeDataset(prompts.dataset, plan.dataset)
        : undefined,
      hooks: run.hooksRecord?.(),
      shape: describeShape(plan, prompts.shape),
      lora: lora && plan.lora ? loraMeta({ ...plan, lora: plan.lora }, lora) : undefined,
      telemetry: run.telemetry.meta,
      transportResolved: launch.wire.transport,
      preconnect: launch.preconnect,
    }),
    workers: run.workers,
    ...(interrupted ? { interrupt_reason: run.io.stopReason?.() ?? "SIGINT" } : {}),
  };
}

/** Where finished requests go: requests.jsonl, live progress and the run's digest. */
interface Recording {
  sink: Awaited<ReturnType<typeof openRecordsWriter>>;
  live: LiveStats;
  digest: RunDigest;
  accept(record: RequestRecord): void;
}

async function openRecording(plan: RunPlan, runDir: string, model: string): Promise<Recording> {
  const sink = await openRecordsWriter(runDir, { gzip: plan.gzipRecords });
  const live = new LiveStats();
  // Each record goes to requests.jsonl and into the digest's histograms, then is dropped: memory
  // does not grow with the length of a run.
  const digest = new RunDigest({ baseModel: model, slo: sloObjectives(plan.gates) });
  const accept = (record: RequestRecord) => {
    // Rounded as the file has it, so a report recomputed from the file gets the same numbers.
    const r = roundedRecord(record);
    sink.write(roundedRecordToJsonl(plan.tokenTimes === "off" ? foldTokenTimes(r) : r));
    live.onRecord(r);
    digest.add(r);
  };
  return { sink, live, digest, accept };
}

/** What the load left besides its records. */
interface Sent {
  scraped?: ScrapedMetrics;
  healthWindows: HealthWindow[];
}

/**
 * Sends the load from time 0, on the worker threads or on this one, with live progress, the
 * /metrics poller and the client probe running alongside; closes the records file either way.
 */
async function sendLoad(
  run: DriveRun,
  launch: Launch,
  recording: Recording,
  metricsIntervalMs: number,
): Promise<Sent> {
  const { plan, io, where: { runDir, baseUrl, model } } = run;
  const { origin, pool } = launch;
  const sessions = sessionParts(plan, model, run.prompts);
  const path = createSendPath({
    model,
    sessions: sessions?.specs,
    specFor: requestSpecs(plan, {
      model,
      dataset: run.prompts.dataset,
      book: run.prompts.book,
      arrival: launch.open?.arrival,
      buckets: run.prompts.shape.buckets,
      adapterFor: run.lora && ((i) => run.lora!.adapterFor(i)),
    }),
    // Scheduling stops at `interrupt`; requests already sent may finish until `cancel`.
    client: runClientConfig(plan, {
      transport: launch.socket,
      baseUrl,
      origin,
      signal: io.cancel ?? io.interrupt,
      countOutputTokens: run.output.counter,
    }),
    onSent: () => recording.live.onSent(),
    onRecord: recording.accept,
  });
  const clock = realClock(origin);
  if (plan.startAtEpochMs !== undefined) await waitForStartAt(plan, io, origin);
  const stopProgress = startProgress(io, recording.live, () => clock.now());
  // One /metrics poller for the server's series and the LoRA timeline; never awaited by sends.
  const serverMetrics = startServerMetrics(runDir, {
    server: run.where.server,
    baseUrl,
    origin,
    intervalMs: metricsIntervalMs,
    apiKey: plan.target.apiKey,
  });
  // Every run samples its own threads (client_health.jsonl, summary.json `client`).
  const probe = startClientProbe("main", { origin });
  const healthWindows: HealthWindow[] = [];
  let scraped: ScrapedMetrics | undefined;
  try {
    if (pool) {
      await pool.run(launch.originEpochMs, {
        onRecords: (rs) => rs.forEach(path.adopt),
        onSent: (n) => {
          for (let i = 0; i < n; i++) recording.live.onSent();
        },
        onWindows: (ws) => healthWindows.push(...ws),
        interrupt: io.interrupt,
        cancel: io.cancel,
      });
    } else {
      await driveLoad(plan, {
        shard: plan.shard,
        schedule: launch.open?.schedule,
        clock,
        dispatch: path.dispatch,
        onDrop: path.onDrop,
        maxInFlight: plan.load.mode === "open" ? plan.load.maxInFlight : undefined,
        signal: io.interrupt,
        sessions: sessions?.shape,
      });
    }
  } finally {
    healthWindows.push(...probe.stop());
    stopProgress();
    await recording.sink.close();
    scraped = await serverMetrics.stop();
    await run.telemetry.gpu.stop();
  }
  return { scraped, healthWindows };
}

/** `--start-at`: waits for time 0, warning when it passed before the run was ready. */
async function waitForStartAt(plan: RunPlan, io: RunIo, origin: number): Promise<void> {
  const late = await waitForStart(origin, {
    startAtIso: new Date(plan.startAtEpochMs!).toISOString(),
    label: plan.shard ? `shard ${formatShard(plan.shard)}: ` : "",
    log: io.log,
    status: io.status,
    isTty: io.isTty,
    quiet: io.quiet,
    signal: io.interrupt,
  });
  if (late > 0) {
    io.log(
      `warning: --start-at passed ${(late / 1000).toFixed(1)} s before this run was ready; ` +
        `it keeps the shared time axis, so its first arrivals are sent late`,
    );
  }
}

/**
 * After the load: the LoRA timeline, summary.json and summary.csv, client health, the final
 * meta.json, verdict.json, history and reports; returns what the run produced.
 */
async function finishRun(
  run: DriveRun,
  recording: Recording,
  sent: Sent,
  metaFor: (end: MetaEnd) => MetaJson,
): Promise<RunOutcome> {
  const { plan, io, lora, where: { runDir, baseUrl, model } } = run;
  const { digest } = recording;
  const samples = sent.scraped?.samples ?? [];
  if (lora) {
    await writeLoraTimeline(join(runDir, LORA_TIMELINE_FILE), loraTimelineFrom(samples), lora);
  }
  const serverSummary = summarizeServerMetrics(samples);
  const interrupted = io.interrupt?.aborted ?? false;
  const stopReason = interrupted ? io.stopReason?.() ?? "SIGINT" : undefined;
  // summary.json says so too (additive keys), as meta.json does.
  const interruptFields = { interrupted, ...(stopReason ? { interrupt_reason: stopReason } : {}) };
  const book = run.prompts.book;
  const summary = await finishTelemetry(
    digest.summary.result({
      loadMode: plan.load.mode,
      promptLengths: book && { mode: book.mode, approximate: book.approximate },
    }),
    { windows: digest.runWindows(), telemetry: run.telemetry },
  ).then((s) => ({ ...s, ...interruptFields }));
  if (lora && plan.lora) await finishLora({ ...plan, lora: plan.lora }, lora, baseUrl);
  const endedAt = performance.timeOrigin + performance.now();
  const adapters = lora || digest.otherModels ? digest.adapters.result() : undefined;
  const slo = sloFromDigest(digest, summary);
  const client = await writeClientHealth(runDir, sent.healthWindows, {
    lateness: summary.send_lateness_ms,
    workers: run.workers.count,
    cores: run.workers.cores,
  });
  await writeFileAtomic(
    join(runDir, SUMMARY_FILE),
    summaryToJson({
      ...summary,
      ...(adapters ? { adapters } : {}),
      server_metrics: serverSummary,
      slo,
      client,
    }),
  );
  await writeFileAtomic(
    join(runDir, SUMMARY_CSV_FILE),
    summaryToCsv(summary, { run_id: run.where.runId, model, url: redactUrl(baseUrl) }),
  );
  await writeMeta(runDir, metaFor({ endedAt, interrupted, scraped: sent.scraped }));
  const verdict = await writeVerdict(runDir, {
    plan,
    summary,
    slo,
    log: io.log,
    interrupted: stopReason,
  });
  // history.jsonl line, --prom-file / --pushgateway, history.html (after verdict.json).
  await recordRunHistory(runDir, plan, io.log);
  await writeReportsAtEnd(runDir, io.log);
  return {
    runId: run.where.runId,
    runDir,
    model,
    // Shown and written by callers (titles, sweep files), never sent to: userinfo hidden.
    baseUrl: redactUrl(baseUrl),
    summary,
    interrupted,
    adapters,
    serverMetrics: serverSummary,
    verdict,
    client,
  };
}

/** Live progress: redrawn in place on a TTY, one plain line every 10 s otherwise. */
function startProgress(io: RunIo, live: LiveStats, now: () => number): () => void {
  if (io.quiet) return () => {};
  const tty = io.isTty && io.status !== undefined;
  const id = setInterval(() => {
    const line = formatProgressLine(live.snapshot(now()));
    if (tty) io.status!(line);
    else io.log(line);
  }, tty ? TTY_REFRESH_MS : LOG_EVERY_MS);
  return () => {
    clearInterval(id);
    if (tty) io.status!("");
  };
}
