/**
 * The engine as a deterministic, clock-free state machine: sequences arrive at given times,
 * steps start and end at model times, tokens are emitted at the end of the step that produced
 * them. {@link EngineCore.advance} processes every event up to a time you give it, so the same
 * machine runs against the real clock ({@link createEngine} in engine.ts, one timer) or in
 * virtual time ({@link simulateEngine}: a minute of load in milliseconds, exactly repeatable).
 *
 * Decisions are made by the pure {@link planStep}; this module applies them (KV blocks, queues,
 * adapters), draws the seeded step-time jitter, emits tokens and keeps the metrics.
 */

import { DueQueue } from "./due_queue.ts";
import {
  type EngineMetrics,
  type EngineStats,
  type FinishReason,
  Histogram,
  ITL_BUCKETS_S,
  REQUEST_LATENCY_BUCKETS_S,
  type RequestTiming,
  TTFT_BUCKETS_S,
} from "./engine_metrics.ts";
import { KvBlocks, type KvSeq } from "./kv_blocks.ts";
import type { EngineParams } from "./profiles.ts";
import { planStep, type SchedSeq, type StepPlan } from "./step_scheduler.ts";
import { createRng } from "./text_source.ts";

/** One sequence to generate. */
export interface SeqSpec {
  /** Prompt length in tokens (drives prefill cost and KV use; 0 is treated as 1). */
  promptTokens: number;
  /** Output tokens to emit (>= 1); promptTokens + outputTokens must be <= maxModelLen. */
  outputTokens: number;
  /** LoRA adapter the request uses; undefined for the base model. */
  adapter?: string;
  /** Reported when the last token is emitted (metrics only); default "length". */
  finishReason?: "stop" | "length";
  /**
   * The prompt's token ids, for the prefix cache (hashed per full block); without them the
   * sequence neither hits nor fills the cache.
   */
  promptTokenIds?: readonly number[];
}

/** Receives a sequence's events; called from the engine's loop, so it must not block. */
export interface SeqObserver {
  /** Token `index` (0-based) is produced now; `last` on the final token. */
  onToken(index: number, last: boolean): void;
  /** The engine stopped the sequence before its last token (shutdown); not called on cancel. */
  onAbort(reason: string): void;
}

/** One step of the engine, for logs and determinism tests. Times in engine ms. */
export interface StepRecord {
  /** 0, 1, 2, ... */
  index: number;
  startMs: number;
  /** Modelled step time including jitter, ms. */
  durationMs: number;
  /** Ids of sequences decoding one token. */
  decodes: number[];
  /** Prefill chunks (prompt or recompute): sequence id and tokens. */
  prefills: { id: number; tokens: number }[];
  /** Ids admitted from the waiting queue by this step. */
  admitted: number[];
  /** Ids preempted (KV freed, back to waiting) before this step. */
  preempted: number[];
  /** Distinct adapters in the step, and those loaded for it. */
  adapters: string[];
  loraLoads: string[];
  /** Queue sizes and KV blocks in use once the step is scheduled. */
  running: number;
  waiting: number;
  kvBlocksUsed: number;
}

/** Optional listeners of an {@link EngineCore}. */
export interface CoreHooks {
  /** Called when each step starts (allocates a {@link StepRecord}; leave unset when unused). */
  onStep?: (step: StepRecord) => void;
  /** Called once per request when it finishes, is cancelled or aborted. */
  onRequestDone?: (timing: RequestTiming) => void;
}

/** Real-time behaviour of the core (virtual-time callers need none of it). */
export interface CoreOptions {
  /**
   * How far behind its plan (ms) a real-time loop may fall and still catch up: steps then run
   * back to back, their tokens bunched, until the loop is on plan again. Further behind, the
   * next step starts at the actual time instead (the plan is dropped). Default 0: only a loop
   * that is less than a whole step late keeps its plan.
   */
  catchUpMs?: number;
}

type SeqState = "pending" | "waiting" | "running" | "done";

interface CoreSeq extends KvSeq {
  /** When it reaches the scheduler (submit + apiOverheadMs); the pending queue's key. */
  due: number;
  spec: SeqSpec;
  observer: SeqObserver;
  state: SeqState;
  submittedAt: number;
  scheduledAt?: number;
  firstTokenAt?: number;
  lastTokenAt?: number;
  preemptions: number;
}

interface ActiveStep {
  end: number;
  plan: StepPlan;
}

// Events handled per advance() call before handing back to the caller's loop (a safety net for
// zero-length steps; the caller calls again at once).
const MAX_EVENTS_PER_ADVANCE = 20_000;

/** The engine's state machine; see the module comment. All times are ms on the caller's clock. */
export class EngineCore {
  readonly params: Readonly<EngineParams>;
  #hooks: CoreHooks;
  #pending = new DueQueue<CoreSeq>();
  #pendingCount = 0;
  #waiting: CoreSeq[] = [];
  #running: CoreSeq[] = [];
  #live = new Map<number, CoreSeq>();
  #kv: KvBlocks;
  /** Loaded adapters, least recently used first (a Set keeps insertion order). */
  #resident = new Set<string>();
  #step: ActiveStep | undefined;
  #eventTime = 0;
  #nextId = 0;
  #closed = false;
  #rng: () => number;
  #sigma: number;
  #catchUpMs: number;
  #counts = {
    submitted: 0,
    finished: 0,
    cancelled: 0,
    tokens: 0,
    steps: 0,
    numPreemptions: 0,
    promptTokensTotal: 0,
  };
  #success: Record<FinishReason, number> = { stop: 0, length: 0, abort: 0 };
  #ttft = new Histogram(TTFT_BUCKETS_S);
  #e2e = new Histogram(REQUEST_LATENCY_BUCKETS_S);
  #itl = new Histogram(ITL_BUCKETS_S);
  #queue = new Histogram(REQUEST_LATENCY_BUCKETS_S);

  /** `params` must be valid (see validateEngineParams). */
  constructor(params: EngineParams, hooks: CoreHooks = {}, options: CoreOptions = {}) {
    this.params = { ...params };
    this.#hooks = hooks;
    this.#catchUpMs = options.catchUpMs ?? 0;
    this.#kv = new KvBlocks(params);
    this.#rng = createRng(params.seed);
    // Lognormal with mean 1 and coefficient of variation stepJitter.
    this.#sigma = Math.sqrt(Math.log(1 + params.stepJitter * params.stepJitter));
  }

  /** Model time of the event being processed; inside an observer call, the token's time. */
  get eventTime(): number {
    return this.#eventTime;
  }

  /**
   * Registers a sequence submitted at `atMs`; it reaches the scheduler `apiOverheadMs` later.
   * Returns its id. Throws after {@link abortAll} or when the spec is out of range.
   */
  submit(spec: SeqSpec, observer: SeqObserver, atMs: number): number {
    if (this.#closed) throw new Error("engine is closed");
    const { promptTokens: p, outputTokens: o } = spec;
    if (!(Number.isInteger(p) && p >= 0 && Number.isInteger(o) && o >= 1)) {
      throw new RangeError(`invalid sequence: promptTokens ${p}, outputTokens ${o}`);
    }
    if (p + o > this.params.maxModelLen) {
      throw new RangeError(
        `sequence of ${p} + ${o} tokens exceeds maxModelLen ${this.params.maxModelLen}`,
      );
    }
    const seq: CoreSeq = {
      id: this.#nextId++,
      promptTokens: Math.max(1, p),
      outputTokens: o,
      adapter: spec.adapter,
      generated: 0,
      computed: 0,
      blocks: 0,
      hashes: this.#kv.hashesOf(spec.promptTokenIds),
      cachedBlocks: 0,
      due: atMs + this.params.apiOverheadMs,
      spec,
      observer,
      state: "pending",
      submittedAt: atMs,
      preemptions: 0,
    };
    this.#counts.submitted++;
    this.#live.set(seq.id, seq);
    this.#pending.push(seq);
    this.#pendingCount++;
    return seq.id;
  }

  /** Stops sequence `id` (client gone) at `atMs`: frees its KV and slot; no observer call. */
  cancel(id: number, atMs: number): void {
    const seq = this.#live.get(id);
    if (!seq) return;
    if (seq.state === "waiting") this.#waiting.splice(this.#waiting.indexOf(seq), 1);
    else if (seq.state === "running") this.#running.splice(this.#running.indexOf(seq), 1);
    this.#end(seq, atMs, "abort");
  }

  /**
   * Processes every event due at or before `now` (admissions, step ends with their tokens, step
   * starts) and returns the time of the next one, or undefined when idle with nothing pending.
   * `clock` (real-time callers) reads the actual time: a step that would already be over when it
   * starts is started at the actual time instead, as a real server does after a stall. Without
   * it (virtual time) steps always chain exactly.
   */
  advance(now: number, clock?: () => number): number | undefined {
    for (let i = 0; i < MAX_EVENTS_PER_ADVANCE && !this.#closed; i++) {
      const step = this.#step;
      const admitAt = this.#nextDue();
      if (step) {
        if (admitAt <= step.end && admitAt <= now) {
          this.#admitPending();
          continue;
        }
        if (step.end > now) return Math.min(step.end, admitAt);
        this.#finishStep(step);
        this.#startStep(step.end, clock);
        continue;
      }
      if (admitAt > now) return admitAt === Infinity ? undefined : admitAt;
      // Idle: everything that reached the scheduler by now goes into the first step together.
      while (this.#nextDue() <= now) this.#admitPending();
      this.#startStep(admitAt, clock);
    }
    return this.#closed ? undefined : now;
  }

  /** Ends every live sequence (observers get `onAbort`), forever; later submits throw. */
  abortAll(reason: string, atMs: number): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#step = undefined;
    const seqs = [...this.#live.values()];
    this.#waiting = [];
    this.#running = [];
    this.#pending.clear();
    for (const seq of seqs) {
      this.#end(seq, atMs, "abort");
      try {
        seq.observer.onAbort(reason);
      } catch {
        // Shutting down: nothing useful to do with an observer's failure.
      }
    }
  }

  /** Marks `name` as loaded now (runtime load); evicts the least recently used beyond the cache. */
  loadAdapter(name: string): boolean {
    const fresh = !this.#resident.has(name);
    this.#touchAdapter(name);
    this.#evictAdapters();
    return fresh;
  }

  /** Drops `name` from memory; running sequences using it pay a load again. */
  unloadAdapter(name: string): boolean {
    return this.#resident.delete(name);
  }

  /** Adapters in memory, least recently used first. */
  residentAdapters(): string[] {
    return [...this.#resident];
  }

  /** Counters and gauges; see {@link EngineStats}. */
  stats(): EngineStats {
    const p = this.params;
    return {
      running: this.#running.length,
      waiting: this.#waiting.length + this.#pendingCount,
      ...this.#counts,
      kvCacheUsage: this.#kv.used / p.numGpuBlocks,
      kvBlocksUsed: this.#kv.used,
      ...(this.#kv.caching ? { prefixCache: this.#kv.counts() } : {}),
      generationTokensTotal: this.#counts.tokens,
      requestSuccessTotal: { ...this.#success },
      runningAdapters: distinctAdapters(this.#running),
      waitingAdapters: distinctAdapters(this.#waiting),
      maxLoras: p.maxLoras,
      cacheConfig: {
        blockSize: p.blockSize,
        numGpuBlocks: p.numGpuBlocks,
        gpuMemoryUtilization: p.gpuMemoryUtilization,
      },
    };
  }

  /** Stats plus histogram snapshots; see {@link EngineMetrics}. */
  metrics(): EngineMetrics {
    return {
      ...this.stats(),
      ttftSeconds: this.#ttft.snapshot(),
      e2eSeconds: this.#e2e.snapshot(),
      interTokenSeconds: this.#itl.snapshot(),
      queueSeconds: this.#queue.snapshot(),
    };
  }

  /** The scheduler's view of the prefix cache (only passed when caching is on). */
  #cacheView = {
    prefixHit: (seq: SchedSeq) => this.#kv.hit(seq as CoreSeq),
    releasable: (seq: SchedSeq) => this.#kv.releasable(seq as CoreSeq),
  };

  #nextDue(): number {
    // Cancelled pending sequences are dropped lazily here.
    for (let top = this.#pending.peek(); top; top = this.#pending.peek()) {
      if (top.state === "pending") return top.due;
      this.#pending.pop();
    }
    return Infinity;
  }

  #admitPending(): void {
    const seq = this.#pending.pop()!;
    this.#pendingCount--;
    seq.state = "waiting";
    this.#waiting.push(seq);
  }

  #startStep(at: number, clock: (() => number) | undefined): void {
    if (this.#closed || (this.#running.length === 0 && this.#waiting.length === 0)) return;
    const plan = planStep({
      running: this.#running,
      waiting: this.#waiting,
      usedBlocks: this.#kv.used,
      residentAdapters: this.#resident,
      ...(this.#kv.caching ? this.#cacheView : {}),
    }, this.params);
    if (plan.scheduled.length === 0) return; // cannot happen with valid params; stay idle
    this.#eventTime = at;

    if (plan.preempted.length) {
      const out = new Set<SchedSeq>(plan.preempted);
      this.#running = this.#running.filter((s) => !out.has(s));
      for (const v of plan.preempted) {
        const seq = v as CoreSeq;
        seq.state = "waiting";
        this.#kv.release(seq);
        seq.computed = 0; // recompute: prompt and outputs so far are prefilled again
        seq.preemptions++;
        this.#counts.numPreemptions++;
      }
      // Each goes to the front in turn, so the last preempted (admitted earliest) leads.
      this.#waiting = [...(plan.preempted as CoreSeq[]).toReversed(), ...this.#waiting];
    }
    if (plan.admitted.length) {
      const inn = new Set<SchedSeq>(plan.admitted);
      this.#waiting = this.#waiting.filter((s) => !inn.has(s));
      for (const a of plan.admitted) {
        const seq = a as CoreSeq;
        seq.state = "running";
        if (seq.scheduledAt === undefined) {
          seq.scheduledAt = at;
          this.#queue.observe(Math.max(0, at - seq.due) / 1000);
        }
        this.#running.push(seq);
      }
    }
    for (const e of plan.scheduled) this.#kv.allocate(e);
    for (const a of plan.adapters) this.#touchAdapter(a);
    this.#evictAdapters();

    const duration = plan.durationMs * this.#jitter();
    // Read after the previous step's tokens went out: emitting them may itself have taken long.
    const actual = clock?.() ?? at;
    const lag = actual - at;
    const start = lag >= duration && lag > this.#catchUpMs ? actual : at;
    this.#step = { end: start + duration, plan };
    const index = this.#counts.steps++;
    this.#hooks.onStep?.({
      index,
      startMs: start,
      durationMs: duration,
      decodes: plan.scheduled.filter((e) => e.decode).map((e) => e.seq.id),
      prefills: plan.scheduled.filter((e) => !e.decode).map((e) => ({
        id: e.seq.id,
        tokens: e.tokens,
      })),
      admitted: plan.admitted.map((s) => s.id),
      preempted: plan.preempted.map((s) => s.id),
      adapters: plan.adapters,
      loraLoads: plan.loraLoads,
      running: this.#running.length,
      waiting: this.#waiting.length + this.#pendingCount,
      kvBlocksUsed: this.#kv.used,
    });
  }

  #finishStep(step: ActiveStep): void {
    this.#step = undefined;
    const t = step.end;
    this.#eventTime = t;
    let ended = false;
    for (const e of step.plan.scheduled) {
      const seq = e.seq as CoreSeq;
      if (seq.state !== "running") continue; // cancelled or aborted during the step
      seq.computed += e.tokens;
      this.#kv.register(seq);
      if (e.emits) ended = this.#emit(seq, t) || ended;
    }
    if (ended) this.#running = this.#running.filter((s) => s.state === "running");
  }

  /** Emits the sequence's next token at `t`; true when that was its last. */
  #emit(seq: CoreSeq, t: number): boolean {
    const index = seq.generated++;
    const last = seq.generated >= seq.outputTokens;
    this.#counts.tokens++;
    if (index === 0) {
      seq.firstTokenAt = t;
      this.#counts.promptTokensTotal += seq.spec.promptTokens;
      this.#ttft.observe((t - seq.submittedAt) / 1000);
    } else this.#itl.observe((t - seq.lastTokenAt!) / 1000);
    seq.lastTokenAt = t;
    if (last) this.#end(seq, t, seq.spec.finishReason ?? "length");
    try {
      seq.observer.onToken(index, last);
    } catch {
      // A broken observer (closed stream) must not stop the loop for everyone else.
      if (seq.state === "running") this.cancel(seq.id, t);
    }
    return last;
  }

  #end(seq: CoreSeq, t: number, reason: FinishReason): void {
    if (seq.state === "pending") this.#pendingCount--;
    this.#kv.release(seq);
    seq.state = "done";
    this.#live.delete(seq.id);
    this.#success[reason]++;
    if (reason === "abort") this.#counts.cancelled++;
    else {
      this.#counts.finished++;
      this.#e2e.observe((t - seq.submittedAt) / 1000);
    }
    this.#hooks.onRequestDone?.({
      id: seq.id,
      finishReason: reason,
      submittedAt: seq.submittedAt,
      scheduledAt: seq.scheduledAt,
      firstTokenAt: seq.firstTokenAt,
      endedAt: t,
      promptTokens: seq.spec.promptTokens,
      generatedTokens: seq.generated,
      preemptions: seq.preemptions,
      adapter: seq.adapter,
    });
  }

  #touchAdapter(name: string): void {
    this.#resident.delete(name);
    this.#resident.add(name);
  }

  #evictAdapters(): void {
    // The step's own adapters were just touched, so they are the newest and never evicted here.
    for (const name of this.#resident) {
      if (this.#resident.size <= this.params.maxCpuLoras) break;
      this.#resident.delete(name);
    }
  }

  #jitter(): number {
    if (this.#sigma === 0) return 1;
    // Box-Muller from the seeded generator: one standard normal per step.
    const u = 1 - this.#rng();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.#rng());
    return Math.exp(this.#sigma * z - this.#sigma * this.#sigma / 2);
  }
}

function distinctAdapters(seqs: readonly CoreSeq[]): string[] {
  const out = new Set<string>();
  for (const s of seqs) if (s.adapter !== undefined) out.add(s.adapter);
  return [...out];
}

/** One request of a virtual-time run. */
export interface VirtualArrival {
  /** Submit time, ms from the start of the run. */
  atMs: number;
  spec: SeqSpec;
  /** Cancel the request at this time (ms), if it is still live. */
  cancelAtMs?: number;
}

/** What happened to one {@link VirtualArrival}. */
export interface VirtualRequest {
  /** The engine's sequence id. */
  id: number;
  atMs: number;
  spec: SeqSpec;
  /** Model time of every emitted token, ms. */
  tokenTimes: number[];
  /** Ended by cancel (or by the run's limits) before its last token. */
  aborted: boolean;
}

/** The result of {@link simulateEngine}. */
export interface VirtualRun {
  /** Every step, in order (the engine's decisions). */
  steps: StepRecord[];
  /** One per arrival, in the order given. */
  requests: VirtualRequest[];
  /** Model time when the run ended, ms. */
  endMs: number;
  /** Stats and histograms at the end of the run. */
  metrics: EngineMetrics;
  /** Per-request timelines, in the order requests ended. */
  timings: RequestTiming[];
}

/** Limits of {@link simulateEngine}. */
export interface SimulateOptions {
  /** Stop after this many steps (default 1,000,000). */
  maxSteps?: number;
  /** Stop at this model time, ms (default unlimited); live requests are then aborted. */
  untilMs?: number;
}

/**
 * Runs the engine in virtual time: no timers, no waiting, deterministic. Submits each arrival at
 * its time, runs until every request has ended (or a limit), and returns the step log, each
 * request's token times and the metrics. Same params (seed included) and arrivals → same result.
 */
export function simulateEngine(
  arrivals: readonly VirtualArrival[],
  params: EngineParams,
  options: SimulateOptions = {},
): VirtualRun {
  const maxSteps = options.maxSteps ?? 1_000_000;
  const untilMs = options.untilMs ?? Infinity;
  const steps: StepRecord[] = [];
  const timings: RequestTiming[] = [];
  const core = new EngineCore(params, {
    onStep: (s) => steps.push(s),
    onRequestDone: (r) => timings.push(r),
  });
  const requests: VirtualRequest[] = arrivals.map((a) => ({
    id: -1,
    atMs: a.atMs,
    spec: a.spec,
    tokenTimes: [],
    aborted: false,
  }));
  const byTime = arrivals.map((_, i) => i).sort((a, b) => arrivals[a].atMs - arrivals[b].atMs);
  const cancels = byTime.filter((i) => arrivals[i].cancelAtMs !== undefined)
    .sort((a, b) => arrivals[a].cancelAtMs! - arrivals[b].cancelAtMs!);
  let ai = 0;
  let ci = 0;
  let t = 0;
  // Bounded by maxSteps and by the events: every iteration submits, cancels or runs a step.
  for (let guard = 0; guard < 100 * maxSteps + arrivals.length * 2 + 10; guard++) {
    for (; ai < byTime.length && arrivals[byTime[ai]].atMs <= t; ai++) {
      const i = byTime[ai];
      const r = requests[i];
      r.id = core.submit(arrivals[i].spec, {
        onToken: () => r.tokenTimes.push(core.eventTime),
        onAbort: () => (r.aborted = true),
      }, arrivals[i].atMs);
    }
    const next = core.advance(t);
    for (; ci < cancels.length && arrivals[cancels[ci]].cancelAtMs! <= t; ci++) {
      const r = requests[cancels[ci]];
      if (r.id < 0) continue;
      core.cancel(r.id, t);
      if (r.tokenTimes.length < r.spec.outputTokens) r.aborted = true;
    }
    const candidates = [
      next ?? Infinity,
      ai < byTime.length ? arrivals[byTime[ai]].atMs : Infinity,
      ci < cancels.length ? arrivals[cancels[ci]].cancelAtMs! : Infinity,
    ];
    const nextT = Math.min(...candidates);
    if (nextT === Infinity || steps.length >= maxSteps || nextT > untilMs) break;
    t = Math.max(t, nextT);
  }
  core.abortAll("simulation ended", t);
  return { steps, requests, endMs: t, metrics: core.metrics(), timings };
}
