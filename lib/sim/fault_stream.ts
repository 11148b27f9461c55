/**
 * Response bodies with faults applied: the streaming body that carries a generation's SSE events
 * (with the stream faults of {@link StreamFaults}), and a non-streaming body cut by a reset.
 *
 * A reset errors the body's ReadableStream, which makes Deno drop the connection without HTTP's
 * end-of-body marker. The error is raised from `pull()`, i.e. only once the server has taken
 * every queued chunk, so the client receives exactly the events up to the reset point
 * (`controller.error()` would otherwise discard chunks still queued).
 */

import {
  type FaultTimers,
  INVALID_JSON_EVENT,
  MALFORMED_SSE_LINE,
  SimulatedReset,
  type StreamFaults,
} from "./faults.ts";

/** What a token stream tells its owner. Called synchronously unless noted. */
export interface TokenStreamHooks {
  /** Token `index`'s event is about to be enqueued (after any stall it waited out). */
  sent(index: number): void;
  /** The last bytes were enqueued and the body closed: a normal end. */
  done(): void;
  /** A reset fault cut the body (called from a microtask, never inside `token()`). */
  cut(): void;
  /** The client cancelled the body. */
  cancelled(): void;
}

/** The body of one streaming generation. */
export interface TokenStream {
  body: ReadableStream<Uint8Array>;
  /**
   * Writes token `index`'s event bytes; on the last token, `epilogue` holds what follows it
   * (usage chunk, `[DONE]`) and the body closes after it. Ignored once the body has ended.
   */
  token(index: number, bytes: Uint8Array, epilogue?: Uint8Array): void;
  /** Ends the body now without anything more (engine shutdown): a clean, truncated end. */
  abort(): void;
}

const enc = new TextEncoder();
const MALFORMED_BYTES = enc.encode(MALFORMED_SSE_LINE + "\n\n");
const INVALID_BYTES = enc.encode(INVALID_JSON_EVENT + "\n\n");

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

interface Held {
  /** Token index, or -1 for the epilogue. */
  index: number;
  bytes: Uint8Array;
}

/**
 * Creates a streaming body. Without `faults` each event is enqueued as it comes (the fast
 * path); with them, events pass through a small queue so a stall can hold them back. Stall
 * timers live in `timers`, so closing the simulator ends stalled bodies too.
 */
export function createTokenStream(
  faults: StreamFaults | undefined,
  hooks: TokenStreamHooks,
  timers: FaultTimers,
): TokenStream {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  let cutPending = false;
  let stalled = false;
  let cancelStall = () => {};
  const held: Held[] = [];

  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c; // start() runs synchronously inside the constructor
    },
    pull(c) {
      if (cutPending) {
        cutPending = false;
        c.error(new SimulatedReset());
      }
    },
    cancel() {
      if (ended) return;
      ended = true;
      cancelStall();
      held.length = 0;
      hooks.cancelled();
    },
  });

  function abort(): void {
    if (ended) return;
    ended = true;
    cancelStall();
    held.length = 0;
    controller.close();
  }

  function finish(epilogue: Uint8Array): void {
    controller.enqueue(epilogue);
    controller.close();
    ended = true;
    hooks.done();
  }

  // Bounded by the held queue, which only the engine's token calls grow.
  function pump(f: StreamFaults): void {
    while (!stalled && !ended && held.length > 0) {
      const item = held.shift()!;
      if (item.index < 0) {
        finish(item.bytes);
        return;
      }
      let bytes = item.bytes;
      if (f.malformedAfter === item.index) bytes = concat(bytes, MALFORMED_BYTES);
      if (f.invalidJsonAfter === item.index) bytes = concat(bytes, INVALID_BYTES);
      hooks.sent(item.index);
      controller.enqueue(bytes);
      if (f.resetAfter === item.index) {
        ended = true;
        held.length = 0;
        cutPending = true;
        queueMicrotask(hooks.cut);
        return;
      }
      if (f.stallAfter === item.index) {
        stalled = true;
        cancelStall = timers.after(f.stallMs, () => {
          stalled = false;
          cancelStall = () => {};
          pump(f);
        }, abort);
      }
    }
  }

  return {
    body,
    token(index, bytes, epilogue) {
      if (ended) return;
      if (!faults) {
        hooks.sent(index);
        if (epilogue) {
          finish(concat(bytes, epilogue));
        } else controller.enqueue(bytes);
        return;
      }
      held.push({ index, bytes });
      if (epilogue) held.push({ index: -1, bytes: epilogue });
      pump(faults);
    },
    abort,
  };
}

/**
 * A non-streaming body cut by a reset: the first half of `bytes`, then a connection error
 * (the `reset` fault of FaultOptions).
 */
export function truncatedBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes.subarray(0, Math.max(1, bytes.length >> 1)));
    },
    pull(c) {
      // Only called once the queue is empty, i.e. after the server took the half body.
      c.error(new SimulatedReset());
    },
  });
}
