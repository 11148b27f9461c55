/**
 * A second, cheaper transport: HTTP/1.1 written by hand over `Deno.connect` (`Deno.startTls`
 * for https), with `TCP_NODELAY`. It costs less client CPU per token event than `fetch` + BYOB
 * (about 40 % less at 100 streams in bench/accuracy.ts, and it keeps up at 500 streams where
 * fetch saturates a core), because one socket read picks up every chunk frame that arrived
 * together and `read()` hands all of their payload over at once, where fetch returns one frame
 * per read.
 *
 * Scope: what a streaming OpenAI client needs, no more. Request: request line, `host`,
 * `content-length` and the caller's headers, written in one `write`. Response: status line and
 * headers (a head split anywhere across reads), 1xx heads skipped, then the body framed by
 * `transfer-encoding: chunked` (extensions and trailers ignored), `content-length`, or the
 * connection closing. Chunked payload is compacted in place inside the connection's one
 * receive buffer, so a read allocates nothing but the returned view.
 *
 * Keep-alive: one pool of idle connections per host:port. A connection goes back only after its
 * response ended cleanly with nothing extra buffered and without `connection: close`; anything
 * else (cancel, abort, error, close-delimited body) closes it. A pooled connection that proves
 * dead when reused (write fails, or it closes before a single response byte) is replaced by a
 * fresh one, once; never after a response byte arrived, since the server may have acted on the
 * request.
 */
import type { HeaderLookup, Transport, TransportRequest, TransportResponse } from "./transport.ts";

/** Options for {@link createSocketTransport}. */
export interface SocketTransportOptions {
  /**
   * Largest receive buffer per connection for a body, bytes. A connection starts with
   * {@link SOCKET_INITIAL_READ_BYTES} (or this, when smaller) and doubles its buffer up to this
   * after a read that filled it; a response head may grow it up to 256 KiB.
   */
  readBufferBytes?: number;
  /** Idle connections kept per host:port; more are closed. Default: no limit. */
  maxIdlePerHost?: number;
  /**
   * A connection idle this long is closed rather than reused, ms. Default 4000: under the 5 s
   * keep-alive timeout of uvicorn (vLLM's server), so we rarely reuse one the server is closing.
   */
  idleTimeoutMs?: number;
  /** Extra PEM root certificates for https (a private CA). */
  caCerts?: string[];
}

/** Options of {@link SocketTransport.preconnect}. */
export interface PreconnectOptions {
  /**
   * Connects in flight at once (default {@link PRECONNECT_MAX_OUTSTANDING}): a server's accept
   * backlog (capped by net.core.somaxconn, 128 on older Linux) must never overflow, or SYNs are
   * dropped and the connect waits for a retransmit (1 s and more).
   */
  maxOutstanding?: number;
  /** Limit for each connect, ms (default 10000). */
  timeoutMs?: number;
  /** Stops opening more (Ctrl-C); connections already opened stay pooled. */
  signal?: AbortSignal;
}

/** What {@link SocketTransport.preconnect} did. */
export interface PreconnectResult {
  /** Connections opened and pooled. */
  opened: number;
  /** Connects that failed. */
  failed: number;
  /** The first failure's message, when any failed. */
  firstError?: string;
  /** Wall time of the whole preconnect, ms. */
  ms: number;
}

/** Default connects in flight at once during a preconnect. */
export const PRECONNECT_MAX_OUTSTANDING = 32;

/** A socket transport; `close()` (or `using`) closes its idle connections. */
export interface SocketTransport extends Transport {
  /**
   * Opens `n` keep-alive connections to `url`'s host:port and puts them in the idle pool, so
   * the first `n` requests skip the connect (warm connections before a run's time 0). Never
   * rejects: failures are counted in the result.
   */
  preconnect(url: string, n: number, options?: PreconnectOptions): Promise<PreconnectResult>;
  /** Closes every idle connection; connections in use close when their response ends. */
  close(): void;
  /** Connections opened so far (a keep-alive gauge for tests and benches). */
  readonly connectionsOpened: number;
  [Symbol.dispose](): void;
}

/** Default largest receive buffer per connection, bytes: ~100 vLLM chunk frames. */
export const SOCKET_READ_BUFFER_BYTES = 32 * 1024;
/**
 * Receive buffer a connection starts with, bytes. A paced stream (one token every few ms) never
 * has more than a few frames waiting, and 1000 streams × 32 KiB is 32 MB of RSS; a fast one
 * fills this, and its buffer grows.
 */
export const SOCKET_INITIAL_READ_BYTES = 4 * 1024;
const MAX_HEAD_BYTES = 256 * 1024;
/** Default {@link SocketTransportOptions.idleTimeoutMs}. */
export const DEFAULT_IDLE_TIMEOUT_MS = 4000;

/** Creates a transport with its own keep-alive pool. */
export function createSocketTransport(options: SocketTransportOptions = {}): SocketTransport {
  return new SocketTransportImpl(options);
}

const LF = 10;
const CR = 13;
const encoder = new TextEncoder();
const utf8 = new TextDecoder();
const latin1 = new TextDecoder("latin1");

/** Where a URL's requests go, parsed once per distinct URL. */
interface Target {
  key: string;
  tls: boolean;
  hostname: string;
  port: number;
  /** The `host` header value. */
  host: string;
  /** Path and query for the request line. */
  path: string;
}

/** One TCP (or TLS) connection and its receive buffer. */
class Connection {
  readonly conn: Deno.Conn;
  readonly key: string;
  buf: Uint8Array;
  /** Unconsumed received bytes are `buf[start, end)`. */
  start = 0;
  end = 0;
  /** Bytes received during the current exchange. */
  received = 0;
  /** The last body read filled the buffer: double it (up to `maxBytes`) before the next. */
  grow = false;
  readonly maxBytes: number;
  idleSince = 0;
  closed = false;

  constructor(conn: Deno.Conn, key: string, maxBytes: number) {
    this.conn = conn;
    this.key = key;
    this.maxBytes = maxBytes;
    this.buf = new Uint8Array(Math.min(maxBytes, SOCKET_INITIAL_READ_BYTES));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by Deno (reset): nothing to release.
    }
  }

  /** Reads more bytes after `end`; false when the peer closed the connection. */
  async fill(): Promise<boolean> {
    if (this.start === this.end) this.start = this.end = 0;
    if (this.end === this.buf.length) {
      if (this.start > 0) {
        this.buf.copyWithin(0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      } else {
        if (this.buf.length >= MAX_HEAD_BYTES) {
          throw new Error(`response head larger than ${MAX_HEAD_BYTES} bytes`);
        }
        const grown = new Uint8Array(Math.min(MAX_HEAD_BYTES, this.buf.length * 2));
        grown.set(this.buf.subarray(0, this.end));
        this.buf = grown;
      }
    }
    const n = await this.conn.read(
      this.end === 0 ? this.buf : this.buf.subarray(this.end),
    );
    if (n === null) return false;
    this.end += n;
    this.received += n;
    return true;
  }
}

class SocketTransportImpl implements SocketTransport {
  readonly bufferBytes: number;
  readonly maxIdle: number;
  readonly idleTimeoutMs: number;
  readonly caCerts: string[] | undefined;
  readonly idle = new Map<string, Connection[]>();
  readonly targets = new Map<string, Target>();
  connectionsOpened = 0;
  closed = false;

  constructor(options: SocketTransportOptions) {
    this.bufferBytes = options.readBufferBytes ?? SOCKET_READ_BUFFER_BYTES;
    this.maxIdle = options.maxIdlePerHost ?? Infinity;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.caCerts = options.caCerts;
  }

  async send(url: string, request: TransportRequest): Promise<TransportResponse> {
    const signal = request.signal;
    if (signal.aborted) throw abortError(signal);
    const target = this.target(url);
    const payload = encodeRequest(target, request);
    let conn = this.takeIdle(target.key);
    if (conn !== undefined) {
      try {
        return await exchange(this, conn, payload, signal, undefined);
      } catch (e) {
        // A dead idle connection fails before any response byte: try once more, on a new one.
        if (signal.aborted || conn.received > 0) throw e;
      }
    }
    const t0 = performance.now();
    conn = await this.connect(target, signal);
    return exchange(this, conn, payload, signal, performance.now() - t0);
  }

  async preconnect(
    url: string,
    n: number,
    options: PreconnectOptions = {},
  ): Promise<PreconnectResult> {
    const t0 = performance.now();
    const target = this.target(url);
    const limit = Math.max(1, options.maxOutstanding ?? PRECONNECT_MAX_OUTSTANDING);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const result: PreconnectResult = { opened: 0, failed: 0, ms: 0 };
    let next = 0;
    // `limit` lanes, each opening connections one after another: never more than `limit`
    // connects outstanding, and no burst of SYNs for the server's accept queue.
    const lane = async () => {
      while (next < n && !options.signal?.aborted && !this.closed) {
        next++;
        const signal = options.signal
          ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)])
          : AbortSignal.timeout(timeoutMs);
        try {
          const conn = await this.connect(target, signal);
          result.opened++;
          this.release(conn);
        } catch (e) {
          result.failed++;
          result.firstError ??= errorMessage(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, n) }, lane));
    result.ms = performance.now() - t0;
    return result;
  }

  target(url: string): Target {
    let t = this.targets.get(url);
    if (t !== undefined) return t;
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new TypeError(`unsupported URL scheme "${u.protocol}" in ${url}`);
    }
    const tls = u.protocol === "https:";
    const port = u.port === "" ? (tls ? 443 : 80) : Number(u.port);
    const hostname = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
    t = {
      key: `${u.protocol}//${u.host}`,
      tls,
      hostname,
      port,
      host: u.host,
      path: u.pathname + u.search,
    };
    // Bounded: a run uses a handful of URLs; never let a stray caller grow it without end.
    if (this.targets.size < 64) this.targets.set(url, t);
    return t;
  }

  takeIdle(key: string): Connection | undefined {
    const list = this.idle.get(key);
    if (list === undefined) return undefined;
    const now = performance.now();
    for (;;) {
      const conn = list.pop();
      if (conn === undefined) return undefined;
      if (now - conn.idleSince < this.idleTimeoutMs) return conn;
      conn.close();
    }
  }

  async connect(target: Target, signal: AbortSignal): Promise<Connection> {
    // A connect-only controller: the connection must outlive this request's signal when pooled.
    const connectAbort = new AbortController();
    const onAbort = () => connectAbort.abort();
    signal.addEventListener("abort", onAbort);
    let conn: Deno.Conn;
    try {
      const tcp = await Deno.connect({
        hostname: target.hostname,
        port: target.port,
        signal: connectAbort.signal,
      });
      tcp.setNoDelay(true);
      conn = tcp;
      if (target.tls) {
        try {
          conn = await Deno.startTls(tcp, {
            hostname: target.hostname,
            caCerts: this.caCerts,
            alpnProtocols: ["http/1.1"],
          });
        } catch (e) {
          tcp.close();
          throw e;
        }
      }
    } catch (e) {
      if (signal.aborted) throw abortError(signal);
      throw new Error(`cannot connect to ${target.key}: ${errorMessage(e)}`);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    this.connectionsOpened++;
    const c = new Connection(conn, target.key, this.bufferBytes);
    if (signal.aborted) {
      c.close();
      throw abortError(signal);
    }
    return c;
  }

  /** Takes back a connection whose response ended cleanly. */
  release(conn: Connection): void {
    if (this.closed || conn.closed) {
      conn.close();
      return;
    }
    let list = this.idle.get(conn.key);
    if (list === undefined) this.idle.set(conn.key, list = []);
    if (list.length >= this.maxIdle) {
      conn.close();
      return;
    }
    conn.start = conn.end = 0;
    conn.idleSince = performance.now();
    list.push(conn);
  }

  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) for (const conn of list) conn.close();
    this.idle.clear();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function encodeRequest(target: Target, request: TransportRequest): Uint8Array {
  const body = encoder.encode(request.body);
  let head = `${request.method} ${target.path} HTTP/1.1\r\nhost: ${target.host}\r\n` +
    `content-length: ${body.length}\r\n`;
  for (const name in request.headers) {
    const value = request.headers[name];
    const lower = name.toLowerCase();
    if (lower === "host" || lower === "content-length") continue;
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(value)) {
      throw new TypeError(`invalid request header ${JSON.stringify(name)}`);
    }
    head += `${name}: ${value}\r\n`;
  }
  head += "\r\n";
  const headBytes = encoder.encode(head);
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes, 0);
  out.set(body, headBytes.length);
  return out;
}

/**
 * Writes the request on `conn` and reads the response head. Owns `conn` until it resolves; on
 * failure the connection is closed.
 */
async function exchange(
  transport: SocketTransportImpl,
  conn: Connection,
  payload: Uint8Array,
  signal: AbortSignal,
  connectMs: number | undefined,
): Promise<SocketResponse> {
  conn.received = 0;
  conn.start = conn.end = 0;
  const onAbort = () => conn.close();
  signal.addEventListener("abort", onAbort);
  try {
    for (let off = 0; off < payload.length;) off += await conn.conn.write(payload.subarray(off));
    for (;;) {
      const head = await readHead(conn);
      // 1xx (100 Continue, 103 Early Hints) precede the real response; 101 would switch away.
      if (head.status >= 100 && head.status < 200 && head.status !== 101) continue;
      if (head.status === 101) throw new Error("unexpected 101 Switching Protocols");
      signal.removeEventListener("abort", onAbort);
      const response = new SocketResponse(transport, conn, head, signal);
      if (connectMs !== undefined) response.connectMs = connectMs;
      return response;
    }
  } catch (e) {
    signal.removeEventListener("abort", onAbort);
    conn.close();
    if (signal.aborted) throw abortError(signal);
    throw e;
  }
}

interface Head {
  status: number;
  headers: HeaderMap;
  /** HTTP/1.1 (or later minor version) rather than 1.0. */
  http11: boolean;
}

/** Lower-cased header names; repeated headers joined with `, `. */
class HeaderMap implements HeaderLookup {
  readonly map = new Map<string, string>();

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  add(name: string, value: string): void {
    const old = this.map.get(name);
    this.map.set(name, old === undefined ? value : `${old}, ${value}`);
  }
}

/** Reads one response head (status line and headers) from `conn`, consuming it. */
async function readHead(conn: Connection): Promise<Head> {
  let scan = conn.start;
  for (;;) {
    const end = findHeadEnd(conn.buf, scan, conn.start, conn.end);
    if (end >= 0) {
      const text = latin1.decode(conn.buf.subarray(conn.start, end));
      conn.start = end;
      return parseHead(text);
    }
    // Rescan the last 3 bytes: the blank line may straddle this read and the next.
    const scanned = conn.end - conn.start;
    if (!(await conn.fill())) {
      throw new Error(
        conn.received === 0
          ? "connection closed before any response byte"
          : "connection closed inside the response head",
      );
    }
    scan = conn.start + Math.max(0, scanned - 3);
  }
}

/** Index just past the blank line ending a head in `buf[start, end)`, scanning from `from`; -1. */
function findHeadEnd(buf: Uint8Array, from: number, start: number, end: number): number {
  for (let i = Math.max(from, start); i < end; i++) {
    if (buf[i] !== LF) continue;
    // A blank line is LF LF or LF CR LF (servers should send CRLF; bare LF is tolerated).
    if (i + 1 < end && buf[i + 1] === LF) return i + 2;
    if (i + 2 < end && buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

function parseHead(text: string): Head {
  const lines = text.split("\n");
  const statusLine = lines[0].endsWith("\r") ? lines[0].slice(0, -1) : lines[0];
  const m = /^HTTP\/1\.(\d) (\d{3})(?: |$)/.exec(statusLine);
  if (m === null) {
    throw new Error(`malformed status line ${JSON.stringify(statusLine.slice(0, 100))}`);
  }
  const headers = new HeaderMap();
  let last = "";
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "") continue;
    const c0 = line.charCodeAt(0);
    if ((c0 === 32 || c0 === 9) && last !== "") {
      // Obsolete line folding: a continuation of the previous header's value.
      const prev = headers.map.get(last)!;
      headers.map.set(last, `${prev} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`malformed header line ${JSON.stringify(line.slice(0, 100))}`);
    last = line.slice(0, colon).trim().toLowerCase();
    headers.add(last, line.slice(colon + 1).trim());
  }
  return { status: Number(m[2]), headers, http11: m[1] !== "0" };
}

function hasToken(value: string | null, token: string): boolean {
  if (value === null) return false;
  return value.toLowerCase().split(",").some((t) => t.trim() === token);
}

/** How the body's end is found: no body, content-length, chunked, or the connection's close. */
type Framing = 0 | 1 | 2 | 3;
const NO_BODY = 0;
const BY_LENGTH = 1;
const CHUNKED = 2;
const TO_CLOSE = 3;

// Chunked-decoder states (plain numbers: the decoder loop runs per framing byte).
const C_SIZE = 0;
const C_SIZE_EXT = 1;
const C_DATA = 2;
const C_DATA_CR = 3;
const C_DATA_LF = 4;
const C_TRAILER_START = 5;
const C_TRAILER_LINE = 6;
const C_TRAILER_LF = 7;
const C_DONE = 8;

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  const l = b | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Most hex digits in a chunk size: 2^48 bytes is more than any body we will ever read. */
const MAX_SIZE_DIGITS = 12;

/** One response: the body decoder over its connection's buffer. */
class SocketResponse implements TransportResponse {
  readonly transport: SocketTransportImpl;
  readonly conn: Connection;
  readonly signal: AbortSignal;
  readonly status: number;
  readonly headers: HeaderMap;
  readonly hasBody: boolean;
  connectMs: number | undefined;
  readonly framing: Framing;
  readonly keepAlive: boolean;
  /** Content-length bytes left, or bytes left in the current chunk. */
  remaining = 0;
  state: number = C_SIZE;
  sizeDigits = 0;
  /** The body has been fully received (for chunked: through the trailers). */
  complete = false;
  /** The response is over: connection released or closed. */
  finished = false;
  cancelled = false;

  constructor(transport: SocketTransportImpl, conn: Connection, head: Head, signal: AbortSignal) {
    this.transport = transport;
    this.conn = conn;
    this.signal = signal;
    this.status = head.status;
    this.headers = head.headers;
    const h = head.headers;
    const te = h.get("transfer-encoding");
    const cl = h.get("content-length");
    let framing: Framing;
    if (head.status === 204 || head.status === 304) {
      framing = NO_BODY;
    } else if (te !== null) {
      // Chunked must be the last coding; any other coding runs to the connection's close.
      framing = /(?:^|,)\s*chunked\s*$/i.test(te) ? CHUNKED : TO_CLOSE;
    } else if (cl !== null) {
      const values = new Set(cl.split(",").map((v) => v.trim()));
      const only = values.size === 1 ? [...values][0] : "";
      if (!/^\d{1,15}$/.test(only)) {
        conn.close();
        throw new Error(`invalid content-length ${JSON.stringify(cl)}`);
      }
      framing = BY_LENGTH;
      this.remaining = Number(only);
    } else {
      framing = TO_CLOSE;
    }
    this.framing = framing;
    this.hasBody = framing !== NO_BODY;
    const conn_ = h.get("connection");
    this.keepAlive = framing !== TO_CLOSE &&
      (head.http11 ? !hasToken(conn_, "close") : hasToken(conn_, "keep-alive"));
    if (framing === NO_BODY || (framing === BY_LENGTH && this.remaining === 0)) {
      this.complete = true;
    }
    if (!this.complete) signal.addEventListener("abort", this.onAbort);
  }

  onAbort = (): void => {
    this.conn.close();
  };

  async read(): Promise<Uint8Array | null> {
    if (this.finished) return null;
    const conn = this.conn;
    for (;;) {
      if (conn.start < conn.end && !this.complete) {
        const out = this.framing === CHUNKED ? this.takeChunked() : this.takePlain();
        if (out !== null) return out;
      }
      if (this.complete) {
        this.finish(conn.start === conn.end);
        return null;
      }
      // Decoding always consumes every buffered byte, so each read refills the whole buffer
      // (and a buffer that proved too small can be swapped for a bigger one).
      conn.start = conn.end = 0;
      if (conn.grow) {
        conn.grow = false;
        conn.buf = new Uint8Array(Math.min(conn.maxBytes, conn.buf.length * 2));
      }
      let n: number | null;
      try {
        n = await conn.conn.read(conn.buf);
      } catch (e) {
        if (this.cancelled) return null;
        this.finish(false);
        if (this.signal.aborted) throw abortError(this.signal);
        throw new Error(`connection failed mid-body: ${errorMessage(e)}`);
      }
      if (n === null) {
        if (this.cancelled) return null;
        if (this.framing === TO_CLOSE) {
          this.complete = true;
          this.finish(false);
          return null;
        }
        this.finish(false);
        throw new Error(
          this.framing === CHUNKED
            ? "connection closed before the last chunk"
            : `connection closed with ${this.remaining} body bytes still to come`,
        );
      }
      conn.end = n;
      if (n === conn.buf.length && n < conn.maxBytes) conn.grow = true;
    }
  }

  /** Content-length or close-delimited: the buffered bytes, up to the body's end. */
  takePlain(): Uint8Array {
    const conn = this.conn;
    let n = conn.end - conn.start;
    if (this.framing === BY_LENGTH) {
      if (n > this.remaining) n = this.remaining;
      this.remaining -= n;
      if (this.remaining === 0) this.complete = true;
    }
    const out = conn.buf.subarray(conn.start, conn.start + n);
    conn.start += n;
    return out;
  }

  /**
   * Decodes every buffered byte of chunked framing, moving the payload of all the frames down
   * into one contiguous run at the start of the unread region; returns it (null if empty).
   */
  takeChunked(): Uint8Array | null {
    const conn = this.conn;
    const buf = conn.buf;
    const end = conn.end;
    const out = conn.start;
    let i = out;
    let w = out;
    let state = this.state;
    let remaining = this.remaining;
    let digits = this.sizeDigits;
    try {
      while (i < end && state !== C_DONE) {
        if (state === C_DATA) {
          const k = Math.min(remaining, end - i);
          if (w !== i) buf.copyWithin(w, i, i + k);
          w += k;
          i += k;
          remaining -= k;
          if (remaining === 0) state = C_DATA_CR;
          continue;
        }
        const b = buf[i++];
        switch (state) {
          case C_SIZE: {
            const h = hexValue(b);
            if (h >= 0) {
              if (++digits > MAX_SIZE_DIGITS) throw new Error("chunk size too large");
              remaining = remaining * 16 + h;
            } else if (digits === 0) {
              throw new Error(`bad chunk size byte 0x${b.toString(16)}`);
            } else if (b === LF) {
              state = remaining === 0 ? C_TRAILER_START : C_DATA;
            } else if (b === CR || b === 59 || b === 32 || b === 9) {
              state = C_SIZE_EXT; // CR, `;` extension, or whitespace before one
            } else {
              throw new Error(`bad chunk size byte 0x${b.toString(16)}`);
            }
            break;
          }
          case C_SIZE_EXT:
            if (b === LF) state = remaining === 0 ? C_TRAILER_START : C_DATA;
            break;
          case C_DATA_CR:
            if (b === CR) {
              state = C_DATA_LF;
            } else if (b === LF) {
              state = C_SIZE;
              digits = 0;
            } else {
              throw new Error("chunk data not followed by CRLF");
            }
            break;
          case C_DATA_LF:
            if (b !== LF) throw new Error("chunk data not followed by CRLF");
            state = C_SIZE;
            digits = 0;
            break;
          case C_TRAILER_START:
            state = b === LF ? C_DONE : b === CR ? C_TRAILER_LF : C_TRAILER_LINE;
            break;
          case C_TRAILER_LINE:
            if (b === LF) state = C_TRAILER_START;
            break;
          case C_TRAILER_LF:
            if (b !== LF) throw new Error("bad line ending after the last chunk");
            state = C_DONE;
            break;
        }
      }
    } catch (e) {
      this.finish(false);
      throw e;
    }
    this.state = state;
    this.remaining = remaining;
    this.sizeDigits = digits;
    conn.start = i;
    if (state === C_DONE) this.complete = true;
    return w > out ? buf.subarray(out, w) : null;
  }

  /** Ends the response: back to the pool if it ended cleanly and may be reused, else closed. */
  finish(clean: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.signal.removeEventListener("abort", this.onAbort);
    if (clean && this.complete && this.keepAlive && !this.signal.aborted) {
      this.transport.release(this.conn);
    } else {
      this.conn.close();
    }
  }

  cancel(): Promise<void> {
    if (!this.finished) {
      if (this.complete) {
        this.finish(this.conn.start === this.conn.end);
      } else {
        this.cancelled = true;
        this.finish(false);
      }
    }
    return Promise.resolve();
  }

  async text(): Promise<string> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const bytes = await this.read();
      if (bytes === null) break;
      parts.push(bytes.slice());
      total += bytes.length;
    }
    const all = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    return utf8.decode(all);
  }
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The request was aborted", "AbortError");
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
