/**
 * The simulator's engine: a vLLM-like continuous-batching step loop that decides WHEN each token
 * of each sequence is emitted. It knows nothing of HTTP or JSON; the server hands it a sequence
 * (prompt and output lengths, adapter) and an observer, and the engine calls the observer once
 * per token, at the end of the step that produced it (that is when vLLM streams it).
 *
 * Model, in short (details: step_scheduler.ts for the decisions, profiles.ts for parameters):
 * - A request reaches the scheduler `apiOverheadMs` after submit, then waits for admission.
 * - Steps run back to back while there is work; each takes running sequences (decodes first,
 *   then unfinished prefills) and admits waiting ones under `maxNumSeqs`, the token budget
 *   `maxNumBatchedTokens`, the KV cache (`numGpuBlocks` blocks of `blockSize` tokens) and
 *   `maxLoras` distinct adapters. Under KV pressure the most recently admitted sequence is
 *   preempted (recomputed later). The engine idles when there is nothing to do.
 * - Step time = stepOverheadMs + prefillMsPerToken × prefill tokens + decodeMsPerSeq × B
 *   + decodeMsPerSeqSquared × B² + kvReadMsPer1kTokens × context/1000 + loraLoadMs × loads,
 *   times a seeded jitter. So TTFT grows with prompt length and load, ITL with batch size.
 *
 * Timing: the engine's state machine ({@link EngineCore}) runs on model time; this module only
 * follows the real clock with ONE {@link WakeTimer} aimed at absolute step-end times. Step k+1
 * starts at step k's planned end, not at the moment the timer fired, so lateness never
 * accumulates: a loop that fell behind runs steps back to back until it is on plan again. Only
 * when it is more than a step and more than `catchUpMs` (default 50 ms) late (long GC pause,
 * overloaded process) does the next step start at the actual time, as after a real server's
 * slow step. Tokens due
 * within `earlyMs` are emitted in the current wake-up (a timer cannot fire sooner than ~2 ms).
 * One wake-up per step emits every token of the step, so 1000 streams cost one timer.
 *
 * Same seed and same arrivals give the same decisions: exactly so in virtual time
 * ({@link simulateEngine}); against the real clock, arrivals land in steps by timing, so the
 * step log (`onStep`) may differ where requests arrive near step boundaries.
 */

import {
  type CoreHooks,
  EngineCore,
  type SeqObserver,
  type SeqSpec,
  type StepRecord,
} from "./engine_core.ts";
import type { EngineMetrics, EngineStats, RequestTiming } from "./engine_metrics.ts";
import {
  type EngineParams,
  type EngineTiming,
  fixedParams,
  validateEngineParams,
} from "./profiles.ts";
import { WakeTimer } from "./wake_timer.ts";

export type { SeqObserver, SeqSpec, StepRecord } from "./engine_core.ts";
export { EngineCore, simulateEngine } from "./engine_core.ts";
export type { SimulateOptions, VirtualArrival, VirtualRequest, VirtualRun } from "./engine_core.ts";
export type {
  EngineMetrics,
  EngineStats,
  FinishReason,
  HistogramSnapshot,
  RequestTiming,
} from "./engine_metrics.ts";
export type { EngineParams, EngineTiming } from "./profiles.ts";

/** A submitted sequence. */
export interface SeqHandle {
  /** Stops the sequence (client gone): frees its KV and slot; no observer calls follow. Idempotent. */
  cancel(): void;
}

/** What the HTTP layer needs from the engine. */
export interface Engine {
  /** The parameters in force (resolved profile plus overrides). */
  readonly params: Readonly<EngineParams>;
  /** Starts a sequence; the observer gets its tokens. Throws after {@link close} or if too long. */
  submit(spec: SeqSpec, observer: SeqObserver): SeqHandle;
  /** Counters and gauges (cheap). */
  stats(): EngineStats;
  /** Stats plus latency histograms, for `/metrics`. */
  metrics(): EngineMetrics;
  /**
   * Marks a LoRA adapter as loaded (runtime `load_lora_adapter`), so its first use costs no load
   * time; true when it was not loaded before. A caller imitating vLLM may take
   * `params.loraLoadMs` to answer.
   */
  loadAdapter(name: string): boolean;
  /** Forgets a loaded adapter (runtime `unload_lora_adapter`); true when it was loaded. */
  unloadAdapter(name: string): boolean;
  /** Aborts every live sequence (observers get `onAbort`) and stops the timer. */
  close(reason?: string): void;
}

/** Tuning and listeners of the real-time loop. */
export interface EngineOptions {
  /**
   * Events due within this many ms are handled in the current wake-up rather than waiting for
   * another timer (which cannot fire sooner than ~2 ms): bounds both earliness and lateness to
   * about 1 ms. Default 1.
   */
  earlyMs?: number;
  /** Called at the start of every step with its composition (debug log, tests). */
  onStep?: (step: StepRecord) => void;
  /** Called once per request when it finishes, is cancelled or aborted (engine-clock ms). */
  onRequestDone?: (timing: RequestTiming) => void;
  /**
   * How far behind plan (ms) the loop may fall and still catch up, running steps back to back
   * until on plan again; default {@link DEFAULT_CATCH_UP_MS}. Further behind, the plan is
   * dropped and the next step starts at the actual time.
   */
  catchUpMs?: number;
}

/**
 * Default catch-up window, ms. A VM or a busy host delays a wake-up by a few ms every few
 * seconds; with only a step's worth of slack, such a hiccup plus the time taken to write a step's
 * tokens (a few ms at 1000 streams) dropped the plan and stretched that gap to two ITLs. vLLM's
 * engine does not slow down when its API server is late either: the tokens just leave bunched.
 */
export const DEFAULT_CATCH_UP_MS = 50;

/**
 * Creates the engine on the real clock (`performance.now()` ms). `params`: resolved engine
 * parameters (see resolveEngineParams in profiles.ts), or the original simple timing
 * (`{ ttftMs, ttftPerPromptTokenMs, itlMs }`), which selects the `fixed` profile.
 */
export function createEngine(
  params: EngineParams | EngineTiming,
  options: EngineOptions = {},
): Engine {
  const p = "itlMs" in params ? fixedParams(params) : params;
  const problems = validateEngineParams(p);
  if (problems.length) throw new RangeError(`Invalid engine parameters: ${problems.join("; ")}`);
  const earlyMs = options.earlyMs ?? 1;
  const hooks: CoreHooks = { onStep: options.onStep, onRequestDone: options.onRequestDone };
  const core = new EngineCore(p, hooks, { catchUpMs: options.catchUpMs ?? DEFAULT_CATCH_UP_MS });
  let closed = false;
  let kickQueued = false;

  const timer = new WakeTimer(pump);

  const clock = () => performance.now();

  function pump(): void {
    if (closed) return;
    const next = core.advance(performance.now() + earlyMs, clock);
    if (next !== undefined) timer.wakeAt(next);
  }

  // Submits made in one synchronous run (a burst of requests) reach the loop together, so they
  // can share a step, and the loop runs without the ~2 ms a zero-delay timer would cost.
  function kick(): void {
    kickQueued = false;
    pump();
  }

  return {
    params: core.params,
    submit(spec, observer) {
      if (closed) throw new Error("engine is closed");
      const id = core.submit(spec, observer, performance.now());
      if (!kickQueued) {
        kickQueued = true;
        queueMicrotask(kick);
      }
      return { cancel: () => core.cancel(id, performance.now()) };
    },
    stats: () => core.stats(),
    metrics: () => core.metrics(),
    loadAdapter: (name) => core.loadAdapter(name),
    unloadAdapter: (name) => core.unloadAdapter(name),
    close(reason = "engine closed") {
      if (closed) return;
      closed = true;
      timer.close();
      core.abortAll(reason, performance.now());
    },
  };
}
