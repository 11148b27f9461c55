/**
 * The body of a streaming generation: the SSE events of its tokens with the stream faults of
 * {@link StreamFaults} applied, written into whichever {@link BodySink} the HTTP front attaches
 * (a socket writer, or a ReadableStream for Deno.serve; see sim_reply.ts).
 *
 * A reset calls the sink's `reset()`: the transport drops the connection after the bytes
 * already written, without HTTP's end-of-body marker.
 */

import {
  type FaultTimers,
  INVALID_JSON_EVENT,
  MALFORMED_SSE_LINE,
  type StreamFaults,
} from "./faults.ts";
import type { BodySink, StreamBody } from "./sim_reply.ts";

/** What a token stream tells its owner. Called synchronously unless noted. */
export interface TokenStreamHooks {
  /** Token `index`'s event is about to be written (after any stall it waited out). */
  sent(index: number): void;
  /** The last bytes were written and the body ended: a normal end. */
  done(): void;
  /** A reset fault cut the body (called from a microtask, never inside `token()`). */
  cut(): void;
  /** The client went away. */
  cancelled(): void;
}

/** The body of one streaming generation. */
export interface TokenStream {
  /** What the HTTP front attaches its sink to. */
  body: StreamBody;
  /**
   * Writes token `index`'s event bytes; on the last token, `epilogue` holds what follows it
   * (usage chunk, `[DONE]`) and the body ends after it. Ignored once the body has ended.
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
 * Creates a streaming body. Without `faults` each event is written as it comes (the fast
 * path); with them, events pass through a small queue so a stall can hold them back. Stall
 * timers live in `timers`, so closing the simulator ends stalled bodies too. Until the front
 * attaches its sink (the engine may produce the first token before that), output is kept.
 */
export function createTokenStream(
  faults: StreamFaults | undefined,
  hooks: TokenStreamHooks,
  timers: FaultTimers,
): TokenStream {
  let sink: BodySink | undefined;
  const early: ((s: BodySink) => void)[] = [];
  let ended = false;
  let stalled = false;
  let cancelStall = () => {};
  const held: Held[] = [];

  const write = (bytes: Uint8Array) => sink ? sink.write(bytes) : early.push((s) => s.write(bytes));
  const endBody = () => sink ? sink.end() : early.push((s) => s.end());
  const resetBody = () => sink ? sink.reset() : early.push((s) => s.reset());

  const body: StreamBody = {
    attach(s) {
      sink = s;
      for (const op of early.splice(0)) op(s);
    },
    cancel() {
      if (ended) return;
      ended = true;
      cancelStall();
      held.length = 0;
      hooks.cancelled();
    },
  };

  function abort(): void {
    if (ended) return;
    ended = true;
    cancelStall();
    held.length = 0;
    endBody();
  }

  function finish(epilogue: Uint8Array): void {
    write(epilogue);
    endBody();
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
      write(bytes);
      if (f.resetAfter === item.index) {
        ended = true;
        held.length = 0;
        resetBody();
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
        } else write(bytes);
        return;
      }
      held.push({ index, bytes });
      if (epilogue) held.push({ index: -1, bytes: epilogue });
      pump(faults);
    },
    abort,
  };
}
