/**
 * Ordered writes to one TCP connection without awaiting each: a write goes straight to the
 * socket when none is in flight, otherwise it queues, and everything queued while a write was
 * in flight leaves in the next single write. So a stream costs one socket write per token while
 * the client keeps up, and a slow reader gets fewer, larger writes instead of a backlog of ops.
 *
 * Memory is bounded by what the connection's producer writes: a response to one request (a
 * token stream ends after `max_tokens` events), never an unbounded source.
 */

/** Queues writes to `conn`; `onFail` runs once if a write fails (client gone). */
export class ConnWriter {
  #conn: Deno.Conn;
  #queue: Uint8Array[] = [];
  #inFlight = false;
  #failed = false;
  #idle: (() => void)[] = [];
  /** Called once when a write fails (connection reset or closed); later writes are dropped. */
  onFail: (() => void) | undefined;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** True once a write failed. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Sends `bytes` after everything written before. The caller must not change them later. */
  write(bytes: Uint8Array): void {
    if (this.#failed || bytes.length === 0) return;
    if (this.#inFlight) this.#queue.push(bytes);
    else this.#send(bytes);
  }

  /** Resolves when no write is in flight (all sent, or the connection failed). */
  flushed(): Promise<void> {
    if (!this.#inFlight) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  // The bytes of the write in flight; the callbacks are bound once, not made per write.
  #current: Uint8Array | undefined;
  #onWritten = (n: number): void => this.#sent(n);
  #onError = (): void => this.#fail();

  #send(bytes: Uint8Array): void {
    this.#inFlight = true;
    this.#current = bytes;
    let pending: Promise<number>;
    try {
      pending = this.#conn.write(bytes);
    } catch {
      this.#fail();
      return;
    }
    pending.then(this.#onWritten, this.#onError);
  }

  #sent(n: number): void {
    if (this.#failed) return;
    const bytes = this.#current!;
    if (n < bytes.length) return this.#send(bytes.subarray(n));
    this.#current = undefined;
    if (this.#queue.length > 0) {
      const queued = this.#queue;
      this.#queue = [];
      return this.#send(queued.length === 1 ? queued[0] : concat(queued));
    }
    this.#inFlight = false;
    if (this.#idle.length > 0) { for (const resolve of this.#idle.splice(0)) resolve(); }
  }

  #fail(): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#inFlight = false;
    this.#current = undefined;
    this.#queue = [];
    for (const resolve of this.#idle.splice(0)) resolve();
    this.onFail?.();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
