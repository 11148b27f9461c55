/**
 * One client connection of the raw HTTP/1.1 front: reads requests one after another
 * (keep-alive; pipelined requests wait their turn in the buffer), hands each to the routes and
 * writes the reply. A streaming reply's events go straight to the socket, one chunk frame per
 * write, with no ReadableStream between the engine and the connection.
 *
 * While a stream is open the connection keeps one read pending, so a client that closes its
 * side (or resets) is noticed at once and the stream's engine work is cancelled; a failed write
 * does the same. (A client half-closing mid-response is taken as gone, as Deno.serve does.)
 */

import { ConnWriter } from "./conn_writer.ts";
import { chunkFrame, CONTINUE_100, LAST_CHUNK, responseHead } from "./http1_encode.ts";
import {
  type Http1Limits,
  parseChunkedBody,
  type ParseError,
  parseRequestHead,
  type RequestHead,
} from "./http1_parse.ts";
import type { SimReply, SimRequest, StreamReply, WholeReply } from "./sim_reply.ts";

/** The routes, as the front calls them. */
export type SimHandler = (req: SimRequest) => Promise<SimReply>;

// Read room asked of the kernel per read; the buffer grows only for a large request.
const MIN_READ_ROOM = 4 * 1024;
// While a response is in progress, read ahead (pipelined requests) at most this much.
const READ_AHEAD_LIMIT = 64 * 1024;
// Closing after a last response: how long to wait for the client to close its side.
const LINGER_MS = 1000;
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();

/** Serves one accepted connection until either side closes it. */
export class Http1Connection {
  /** Resolves (never rejects) once the connection is closed and no socket op is pending. */
  readonly done: Promise<void>;
  #conn: Deno.Conn;
  #handler: SimHandler;
  #limits: Http1Limits;
  #onError: (error: unknown) => void;
  #writer: ConnWriter;
  #buf = new Uint8Array(MIN_READ_ROOM * 2);
  #start = 0;
  #end = 0;
  #eof = false;
  #reading: Promise<boolean> | undefined;
  #busy = false;
  #closing = false;
  #closed = false;
  /** Close gracefully: half-close and drain (a last response, not a reset or shutdown). */
  #linger = false;
  /** Ends the open stream, if any, because the client is gone. */
  #gone: (() => void) | undefined;

  constructor(
    conn: Deno.Conn,
    handler: SimHandler,
    options: { limits: Http1Limits; onError: (error: unknown) => void },
  ) {
    this.#conn = conn;
    this.#handler = handler;
    this.#limits = options.limits;
    this.#onError = options.onError;
    this.#writer = new ConnWriter(conn);
    this.#writer.onFail = () => this.#gone?.();
    this.done = this.#run();
  }

  /** Server shutdown: closes now when between requests, else after the current response. */
  closeWhenIdle(): void {
    this.#closing = true;
    if (!this.#busy) this.#close();
  }

  /** Closes the connection now, cutting any response in progress. */
  close(): void {
    this.#closing = true;
    this.#close();
  }

  async #run(): Promise<void> {
    try {
      while (!this.#closing) {
        const head = await this.#readHead();
        if (head === undefined) break;
        this.#busy = true;
        if ("status" in head) {
          await this.#refuse(head);
          break;
        }
        const body = await this.#readBody(head);
        if (body === undefined) break;
        if (body instanceof Uint8Array) {
          const reply = await this.#handle(head, body);
          const keepAlive = head.keepAlive && !this.#closing && !this.#eof;
          if (!(await this.#respond(head, reply, keepAlive))) break;
        } else {
          await this.#refuse(body);
          break;
        }
        this.#busy = false;
      }
      await this.#writer.flushed();
    } catch (e) {
      this.#onError(e);
    } finally {
      if (this.#linger && !this.#eof && !this.#closing && !this.#closed) {
        await this.#lingerThenClose();
      }
      this.#close();
      // Let the socket ops the close interrupted settle, so nothing is left pending.
      await this.#reading;
      await this.#writer.flushed();
    }
  }

  /**
   * Closing a socket with unread input makes the kernel send a reset, which can destroy the
   * response still in flight to the client (a refused request whose body was not read, requests
   * pipelined after `connection: close`). So: end our side, discard what the client still
   * sends until it closes, at most {@link LINGER_MS}. (On loopback the response is delivered
   * before the reset and survives it; this is for clients across a network, `--host 0.0.0.0`.)
   */
  async #lingerThenClose(): Promise<void> {
    try {
      await this.#conn.closeWrite();
    } catch {
      return;
    }
    const timer = setTimeout(() => this.#close(), LINGER_MS);
    try {
      for (let drained = 0; drained < this.#limits.maxBodyBytes;) {
        this.#start = this.#end; // discard
        if (!(await this.#fill())) break;
        drained += this.#end - this.#start;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer's reset
    }
    this.#gone?.();
  }

  /** Reads more bytes into the buffer; false at end of input. One read in flight at most. */
  #fill(want = 0): Promise<boolean> {
    if (this.#reading) return this.#reading;
    if (this.#eof || this.#closed) return Promise.resolve(false);
    this.#makeRoom(want);
    this.#reading = this.#conn.read(this.#buf.subarray(this.#end)).then(
      (n) => {
        this.#reading = undefined;
        if (n === null) {
          this.#eof = true;
          return false;
        }
        this.#end += n;
        return true;
      },
      () => {
        // Reset by the peer, or interrupted by our own close: either way, no more input.
        this.#reading = undefined;
        this.#eof = true;
        return false;
      },
    );
    return this.#reading;
  }

  /** Compacts or grows the buffer (only while no read is in flight) to hold `want` bytes. */
  #makeRoom(want: number): void {
    const unread = this.#end - this.#start;
    const required = Math.max(want, unread + MIN_READ_ROOM);
    if (this.#buf.length - this.#start >= required) return;
    if (this.#buf.length >= required) {
      this.#buf.copyWithin(0, this.#start, this.#end);
    } else {
      const grown = new Uint8Array(Math.max(required, this.#buf.length * 2));
      grown.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = grown;
    }
    this.#start = 0;
    this.#end = unread;
  }

  async #readHead(): Promise<RequestHead | ParseError | undefined> {
    for (;;) {
      if (this.#end > this.#start) {
        const r = parseRequestHead(this.#buf.subarray(this.#start, this.#end), this.#limits);
        if ("head" in r) {
          this.#start += r.consumed;
          return r.head;
        }
        if ("error" in r) return r.error;
      }
      if (this.#closing || !(await this.#fill())) return undefined;
    }
  }

  /** The body (copied out of the buffer), a framing problem, or undefined if input ended. */
  async #readBody(head: RequestHead): Promise<Uint8Array | ParseError | undefined> {
    const framing = head.body;
    const unread = () => this.#end - this.#start;
    if ("length" in framing) {
      const n = framing.length;
      if (n === 0) return EMPTY;
      if (head.expectContinue && unread() < n) this.#writer.write(CONTINUE_100);
      while (unread() < n) {
        if (!(await this.#fill(n))) return undefined;
      }
      const body = this.#buf.slice(this.#start, this.#start + n);
      this.#start += n;
      return body;
    }
    if (head.expectContinue && unread() === 0) this.#writer.write(CONTINUE_100);
    for (;;) {
      const r = parseChunkedBody(this.#buf.subarray(this.#start, this.#end), this.#limits);
      if ("body" in r) {
        this.#start += r.consumed;
        return r.body;
      }
      if ("error" in r) return r.error;
      if (!(await this.#fill(unread() * 2))) return undefined;
    }
  }

  async #handle(head: RequestHead, body: Uint8Array): Promise<SimReply> {
    const req: SimRequest = {
      method: head.method,
      path: head.path,
      header: (name) => head.headers.get(name.toLowerCase()) ?? null,
      json: () => parseJson(body),
    };
    try {
      return await this.#handler(req);
    } catch (e) {
      this.#onError(e);
      return text(500, "Internal Server Error");
    }
  }

  /** Answers a request that cannot be parsed or served, then the connection closes. */
  async #refuse(problem: ParseError): Promise<void> {
    const reply = text(problem.status, `Invalid HTTP request: ${problem.message}\n`);
    this.#linger = true;
    this.#writeWhole("POST", reply, true);
    await this.#writer.flushed();
  }

  /** Writes the reply; true when the connection may carry another request. */
  async #respond(head: RequestHead, reply: SimReply, keepAlive: boolean): Promise<boolean> {
    if ("stream" in reply) return await this.#respondStream(head, reply, keepAlive);
    if (reply.cutAt !== undefined) {
      // Reset fault: the full length is announced, part is sent, then the connection drops,
      // so the client's body read fails.
      this.#writeWhole(head.method, reply, false);
      await this.#writer.flushed();
      return false;
    }
    this.#writeWhole(head.method, reply, !keepAlive);
    this.#linger = !keepAlive;
    // Waiting here keeps a client that pipelines without reading from piling up replies.
    await this.#writer.flushed();
    return keepAlive && !this.#writer.failed;
  }

  #writeWhole(method: string, reply: WholeReply, close: boolean): void {
    const body = reply.body ?? EMPTY;
    const framing = { length: body.length };
    this.#writer.write(responseHead(reply.status, reply.headers, { framing, close }));
    if (method === "HEAD") return;
    this.#writer.write(reply.cutAt === undefined ? body : body.subarray(0, reply.cutAt));
  }

  async #respondStream(
    head: RequestHead,
    reply: StreamReply,
    keepAlive: boolean,
  ): Promise<boolean> {
    // HTTP/1.0 has no chunked coding: the body then ends with the connection.
    const chunked = head.minorVersion === 1;
    const framing = chunked ? { chunked: true as const } : { untilClose: true as const };
    const w = this.#writer;
    w.write(responseHead(reply.status, reply.headers, { framing, close: !keepAlive || !chunked }));
    const { promise: ended, resolve } = Promise.withResolvers<"end" | "cut">();
    let open = true;
    reply.stream.attach({
      write(bytes) {
        if (open && bytes.length > 0) w.write(chunked ? chunkFrame(bytes) : bytes);
      },
      end() {
        if (!open) return;
        open = false;
        if (chunked) w.write(LAST_CHUNK);
        resolve("end");
      },
      reset() {
        if (!open) return;
        open = false;
        resolve("cut");
      },
    });
    this.#gone = () => {
      if (!open) return;
      open = false;
      reply.stream.cancel();
      resolve("cut");
    };
    if (w.failed) this.#gone();
    else void this.#watch(() => open);
    const how = await ended;
    this.#gone = undefined;
    this.#linger = how === "end";
    await w.flushed();
    return how === "end" && keepAlive && chunked && !w.failed;
  }

  /** Keeps a read pending while `active()`, so a client that leaves is noticed at once. */
  async #watch(active: () => boolean): Promise<void> {
    while (active() && this.#end - this.#start < READ_AHEAD_LIMIT) {
      if (!(await this.#fill())) {
        if (active()) this.#gone?.();
        return;
      }
    }
  }
}

/** Like Request.json(): a parse error becomes a rejection. */
function parseJson(body: Uint8Array): Promise<unknown> {
  try {
    return Promise.resolve(JSON.parse(utf8.decode(body)));
  } catch (e) {
    return Promise.reject(e);
  }
}

function text(status: number, body: string): WholeReply {
  return {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: new TextEncoder().encode(body),
  };
}
