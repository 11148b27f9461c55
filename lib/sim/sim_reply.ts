/**
 * The simulator's routes speak in these transport-neutral types, so one set of routes serves
 * every HTTP front: the raw-TCP server (http1_server.ts) reads a {@link SimRequest} straight off
 * the socket and writes a {@link SimReply}'s token events straight to it, while
 * {@link fromRequest} and {@link toResponse} adapt them to the Fetch API for `Deno.serve` and
 * for tests that call the handler directly.
 */

import { SimulatedReset } from "./faults.ts";

/** A request as the routes see it. */
export interface SimRequest {
  /** Upper-case method as sent (`GET`, `POST`, ...). */
  method: string;
  /** The target's path, without query (e.g. `/v1/models`). */
  path: string;
  /** A header's value (name in any case), or null when absent. */
  header(name: string): string | null;
  /** The body parsed as JSON; rejects with the parser's error on bad JSON. */
  json(): Promise<unknown>;
}

/** Where a streaming body's bytes go: a socket writer or a ReadableStream's controller. */
export interface BodySink {
  /** Sends `bytes` (one or more SSE events) as one piece (one chunk frame on the wire). */
  write(bytes: Uint8Array): void;
  /** Ends the body cleanly (HTTP's end-of-body marker). */
  end(): void;
  /** Drops the connection after what was written, without the end-of-body marker. */
  reset(): void;
}

/** A streaming body: it writes into a sink once the transport attaches one. */
export interface StreamBody {
  /** Gives the body its sink; bytes produced before this are delivered first. Once only. */
  attach(sink: BodySink): void;
  /** The client went away (the transport saw the connection close or a write fail). */
  cancel(): void;
}

/** A reply whose body is known whole (or absent). */
export interface WholeReply {
  status: number;
  /** Lower-case names; never framing or connection fields (the front writes those). */
  headers: Record<string, string>;
  /** The whole body, or null for none. */
  body: Uint8Array<ArrayBuffer> | null;
  /** Reset fault: send only this many body bytes, then drop the connection. */
  cutAt?: number;
}

/** A reply whose body streams (SSE): the front attaches a sink and sends what it writes. */
export interface StreamReply {
  status: number;
  /** Lower-case names; never framing or connection fields. */
  headers: Record<string, string>;
  stream: StreamBody;
}

/** A route's answer. */
export type SimReply = WholeReply | StreamReply;

/** Adapts a Fetch API request (Deno.serve, tests) to the routes. */
export function fromRequest(req: Request): SimRequest {
  return {
    method: req.method,
    path: new URL(req.url).pathname,
    header: (name) => req.headers.get(name),
    json: () => req.json(),
  };
}

/**
 * Adapts a reply to a Fetch API response. A cut body or a reset stream errors the body stream
 * with {@link SimulatedReset}, which makes Deno.serve drop the connection.
 */
export function toResponse(reply: SimReply): Response {
  const init = { status: reply.status, headers: reply.headers };
  if ("stream" in reply) return new Response(readableBody(reply.stream), init);
  if (reply.body === null) return new Response(null, init);
  if (reply.cutAt === undefined) return new Response(reply.body, init);
  const head = reply.body.subarray(0, reply.cutAt);
  return new Response(
    new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(head);
      },
      pull(c) {
        // Only called once the queue is empty, i.e. after the server took the partial body.
        c.error(new SimulatedReset());
      },
    }),
    init,
  );
}

// The reset is raised from pull(), i.e. only once the server has taken every queued chunk, so
// the client receives exactly the events written before it (controller.error() would discard
// chunks still queued).
function readableBody(stream: StreamBody): ReadableStream<Uint8Array> {
  let cutPending = false;
  return new ReadableStream<Uint8Array>({
    start(c) {
      stream.attach({
        write: (bytes) => c.enqueue(bytes),
        end: () => c.close(),
        reset: () => {
          cutPending = true;
        },
      });
    },
    pull(c) {
      if (cutPending) {
        cutPending = false;
        c.error(new SimulatedReset());
      }
    },
    cancel() {
      stream.cancel();
    },
  });
}

const JSON_HEADERS = { "content-type": "application/json" };
const enc = new TextEncoder();

/** A whole JSON reply; `headers` are added to (and may override) the content type. */
export function jsonReply(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): WholeReply {
  return {
    status,
    headers: { ...JSON_HEADERS, ...headers },
    body: enc.encode(JSON.stringify(body)),
  };
}
