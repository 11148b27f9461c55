/**
 * A discrete-event {@link Clock} for tests: a 60 s schedule runs in milliseconds.
 *
 * Sleepers wait in a priority queue (by target time, then by arrival). Whenever sleepers exist,
 * the clock takes one `setImmediate` hop — by then every pending microtask has run, so nothing
 * else is runnable — then jumps `now` to the earliest sleeper and wakes that one alone. Code under
 * test that awaits only the clock (and promises) therefore sees a consistent, deterministic
 * timeline. Simulate a request's duration with `clock.sleepUntil(clock.now() + d)`.
 */

import type { Clock } from "../../lib/load/types.ts";

/** Options for {@link FakeClock}. */
export interface FakeClockOptions {
  /** Starting time in ms; default 0. */
  startMs?: number;
  /**
   * Sleeps aimed beyond this (ms) reject instead of waiting, so a runaway loop fails the test
   * rather than hanging it; default 1 hour of fake time.
   */
  limitMs?: number;
  /** Wake-ups allowed before further sleeps reject; default 1,000,000. */
  maxWakeups?: number;
}

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
  cancelled: boolean;
}

/** Discrete-event fake clock; see the module comment. */
export class FakeClock implements Clock {
  #now: number;
  #limitMs: number;
  #maxWakeups: number;
  #heap: Sleeper[] = [];
  #live = 0;
  #seq = 0;
  #hop: ReturnType<typeof setImmediate> | undefined;
  /** Sleepers woken so far. */
  wakeups = 0;

  constructor(options: FakeClockOptions = {}) {
    this.#now = options.startMs ?? 0;
    this.#limitMs = options.limitMs ?? 3_600_000;
    this.#maxWakeups = options.maxWakeups ?? 1_000_000;
  }

  /** Current fake time, ms. */
  now(): number {
    return this.#now;
  }

  /** Sleepers still waiting. */
  get pending(): number {
    return this.#live;
  }

  /** Resolves when fake time reaches `targetMs`; at once if it has, or if `signal` aborts. */
  sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || targetMs <= this.#now) return Promise.resolve();
    if (targetMs > this.#limitMs) {
      return Promise.reject(new Error(`FakeClock: sleep to ${targetMs} ms is past the limit`));
    }
    if (this.wakeups >= this.#maxWakeups) {
      return Promise.reject(new Error(`FakeClock: more than ${this.#maxWakeups} wake-ups`));
    }
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = { at: targetMs, seq: this.#seq++, resolve, cancelled: false };
      if (signal) {
        const onAbort = (): void => {
          if (sleeper.cancelled) return;
          sleeper.cancelled = true;
          this.#live--;
          resolve();
          this.#idleCheck();
        };
        signal.addEventListener("abort", onAbort, { once: true });
        sleeper.resolve = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
      }
      this.#push(sleeper);
      this.#live++;
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#hop === undefined && this.#live > 0) {
      this.#hop = setImmediate(() => this.#advance());
    }
  }

  #idleCheck(): void {
    if (this.#live === 0 && this.#hop !== undefined) {
      clearImmediate(this.#hop);
      this.#hop = undefined;
    }
  }

  #advance(): void {
    this.#hop = undefined;
    let sleeper = this.#pop();
    while (sleeper?.cancelled) sleeper = this.#pop();
    if (!sleeper) return;
    this.#live--;
    this.wakeups++;
    this.#now = Math.max(this.#now, sleeper.at);
    sleeper.cancelled = true;
    sleeper.resolve();
    this.#schedule();
  }

  #less(a: Sleeper, b: Sleeper): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(item: Sleeper): void {
    const heap = this.#heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  #pop(): Sleeper | undefined {
    const heap = this.#heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && this.#less(heap[l], heap[m])) m = l;
        if (r < heap.length && this.#less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}
