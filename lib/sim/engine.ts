/**
 * The simulator's engine: decides WHEN each token of each sequence is emitted. It knows nothing
 * of HTTP or JSON; the server hands it a sequence (prompt and output lengths) and an observer,
 * and the engine calls the observer once per token at the token's time.
 *
 * Timing model (this minimal engine; a continuous-batching step loop can replace it behind the
 * same {@link Engine} interface): every sequence runs independently, with
 *   first token at  submit + ttftMs + ttftPerPromptTokenMs * promptTokens
 *   next token at   previous target + itlMs
 * Targets are absolute, so the timer's small lateness never accumulates; but when a token is
 * so late (GC pause, overloaded loop) that the next one would already be due, the next target
 * is re-based on the actual emission time, as after a real server's slow step, so one stream
 * never gets two tokens in a burst.
 *
 * All sequences share ONE agenda ({@link DueQueue}) and ONE timer ({@link WakeTimer}): each
 * wake-up emits every token that is due, so 1000 streams cost one timer, not 1000.
 */

import { DueQueue } from "./due_queue.ts";
import { WakeTimer } from "./wake_timer.ts";

/** Latency parameters of the simple timing model, in ms. */
export interface EngineTiming {
  /** Time to first token for an empty prompt, ms. */
  ttftMs: number;
  /** Extra time to first token per prompt token, ms (prefill cost). */
  ttftPerPromptTokenMs: number;
  /** Gap between successive tokens of one sequence, ms. */
  itlMs: number;
}

/** One sequence to generate. */
export interface SeqSpec {
  /** Prompt length in tokens (drives the prefill part of TTFT). */
  promptTokens: number;
  /** Output tokens to emit (>= 1). */
  outputTokens: number;
}

/** Receives a sequence's events; called from the engine's timer, so it must not block. */
export interface SeqObserver {
  /** Token `index` (0-based) is due now; `last` on the final token. */
  onToken(index: number, last: boolean): void;
  /** The engine stopped the sequence before its last token (shutdown); not called on cancel. */
  onAbort(reason: string): void;
}

/** A submitted sequence. */
export interface SeqHandle {
  /** Stops the sequence (client gone); no observer calls follow. Idempotent. */
  cancel(): void;
}

/** Counters for tests and, later, `/metrics`. */
export interface EngineStats {
  /** Sequences submitted and not yet finished, cancelled or aborted. */
  running: number;
  submitted: number;
  finished: number;
  cancelled: number;
  /** Tokens emitted across all sequences. */
  tokens: number;
}

/** What the HTTP layer needs from any engine (this one or a future batching one). */
export interface Engine {
  /** Starts a sequence; the observer gets its tokens. Throws after {@link close}. */
  submit(spec: SeqSpec, observer: SeqObserver): SeqHandle;
  stats(): EngineStats;
  /** Aborts every running sequence (observers get `onAbort`) and stops the timer. */
  close(reason?: string): void;
}

/** Tuning of the timer loop. */
export interface EngineOptions {
  /**
   * Tokens due within this many ms are emitted in the current wake-up rather than waiting for
   * another timer (which cannot fire sooner than ~2 ms): bounds both earliness and lateness to
   * about 1 ms. Default 1.
   */
  earlyMs?: number;
}

interface Seq {
  due: number;
  spec: SeqSpec;
  observer: SeqObserver;
  next: number;
  live: boolean;
}

// A wake-up keeps emitting while tokens are due, but yields to I/O after this long.
const MAX_BUSY_MS = 4;

/** Creates the minimal engine: independent sequences, one shared timer loop. */
export function createEngine(timing: EngineTiming, options: EngineOptions = {}): Engine {
  const earlyMs = options.earlyMs ?? 1;
  const queue = new DueQueue<Seq>();
  const live = new Set<Seq>();
  const counts = { submitted: 0, finished: 0, cancelled: 0, tokens: 0 };
  let closed = false;

  const timer = new WakeTimer(run);

  function run(): void {
    const started = performance.now();
    let now = started;
    // Bounded by the number of queued tokens and by MAX_BUSY_MS per wake-up.
    while (queue.size > 0) {
      const top = queue.peek()!;
      if (top.due > now + earlyMs) break;
      queue.pop();
      if (top.live) emit(top, now);
      now = performance.now();
      if (now - started > MAX_BUSY_MS) break;
    }
    const top = queue.peek();
    if (top) timer.wakeAt(top.due);
  }

  function emit(seq: Seq, now: number): void {
    const index = seq.next++;
    const last = seq.next >= seq.spec.outputTokens;
    counts.tokens++;
    if (last) finish(seq, "finished");
    else {
      const next = seq.due + timing.itlMs;
      seq.due = next <= now + earlyMs ? now + timing.itlMs : next;
      queue.push(seq);
    }
    try {
      seq.observer.onToken(index, last);
    } catch {
      // A broken observer (closed stream) must not stop the loop for everyone else.
      if (seq.live) finish(seq, "cancelled");
    }
  }

  function finish(seq: Seq, how: "finished" | "cancelled"): void {
    if (!seq.live) return;
    seq.live = false;
    live.delete(seq);
    counts[how]++;
  }

  return {
    submit(spec, observer) {
      if (closed) throw new Error("engine is closed");
      const ttft = timing.ttftMs + timing.ttftPerPromptTokenMs * spec.promptTokens;
      const seq: Seq = { due: performance.now() + ttft, spec, observer, next: 0, live: true };
      counts.submitted++;
      live.add(seq);
      queue.push(seq);
      timer.wakeAt(seq.due);
      return { cancel: () => finish(seq, "cancelled") };
    },
    stats() {
      return { running: live.size, ...counts };
    },
    close(reason = "engine closed") {
      if (closed) return;
      closed = true;
      timer.close();
      queue.clear();
      const aborted = [...live];
      live.clear();
      for (const seq of aborted) {
        seq.live = false;
        counts.cancelled++;
        try {
          seq.observer.onAbort(reason);
        } catch {
          // Shutting down: nothing useful to do with an observer's failure.
        }
      }
    },
  };
}
