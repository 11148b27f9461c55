/**
 * A raw TCP (or TLS) server on 127.0.0.1 for transport tests: it parses requests but writes
 * only what the test tells it to, byte for byte, on the request's own connection, so a test can
 * split frames anywhere, merge them, cut connections and count accepts.
 */

/** One request as the server read it. */
export interface RawRequest {
  /** Accept order of the connection it came on, from 0. */
  connection: number;
  /** Request line and headers, without the blank line. */
  head: string;
  body: string;
  /** Writes bytes (a string is UTF-8 encoded) on the request's connection. */
  write(bytes: Uint8Array | string): Promise<void>;
  /** Closes the request's connection. */
  close(): void;
  /** Resolves with `performance.now()` when the client closed (or reset) the connection. */
  clientClosed: Promise<number>;
}

/** A running raw server. */
export interface RawHttpServer {
  port: number;
  /** `http://127.0.0.1:PORT/path` (`https://localhost:PORT/path` with TLS). */
  url(path?: string): string;
  /** Connections accepted so far. */
  readonly accepts: number;
  /** The next request, in arrival order (waits for it). */
  next(): Promise<RawRequest>;
  /** Closes the listener and every connection; resolves when all their loops ended. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Starts the server on a free port (TLS with the given PEM certificate and key). */
export function startRawHttpServer(
  options: { tls?: { cert: string; key: string } } = {},
): RawHttpServer {
  const listener = options.tls
    ? Deno.listenTls({ hostname: "127.0.0.1", port: 0, ...options.tls })
    : Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const queue: RawRequest[] = [];
  const waiters: ((r: RawRequest) => void)[] = [];
  const conns = new Set<Deno.Conn>();
  const loops: Promise<void>[] = [];
  let accepts = 0;

  const deliver = (r: RawRequest) => {
    const w = waiters.shift();
    if (w) w(r);
    else queue.push(r);
  };

  const serveConn = async (conn: Deno.Conn, index: number) => {
    let closedAt!: (t: number) => void;
    const clientClosed = new Promise<number>((resolve) => closedAt = resolve);
    const write = async (bytes: Uint8Array | string) => {
      const b = typeof bytes === "string" ? encoder.encode(bytes) : bytes;
      for (let o = 0; o < b.length;) o += await conn.write(b.subarray(o));
    };
    const close = () => {
      if (!conns.delete(conn)) return;
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    };
    let pending = new Uint8Array(0);
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        const joined = new Uint8Array(pending.length + n);
        joined.set(pending);
        joined.set(buf.subarray(0, n), pending.length);
        pending = joined;
        for (;;) {
          const text = decoder.decode(pending);
          const headEnd = text.indexOf("\r\n\r\n");
          if (headEnd < 0) break;
          const head = text.slice(0, headEnd);
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          const headBytes = encoder.encode(text.slice(0, headEnd + 4)).length;
          if (pending.length < headBytes + length) break;
          const body = decoder.decode(pending.subarray(headBytes, headBytes + length));
          pending = pending.slice(headBytes + length);
          deliver({ connection: index, head, body, write, close, clientClosed });
        }
      }
    } catch {
      // Reset by the client, or closed by the test: either way the connection is over.
    }
    closedAt(performance.now());
    close();
  };

  const acceptLoop = (async () => {
    try {
      for (;;) {
        const conn = await listener.accept();
        // Small writes must go out at once, not wait for an ACK (Nagle + delayed ACK: ~40 ms).
        if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
        conns.add(conn);
        loops.push(serveConn(conn, accepts++));
      }
    } catch {
      // Listener closed.
    }
  })();

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      listener.close();
      for (const c of [...conns]) {
        conns.delete(c);
        try {
          c.close();
        } catch {
          // Already closed.
        }
      }
      await acceptLoop;
      await Promise.all(loops);
    })();
    return closed;
  };

  const server: RawHttpServer = {
    port,
    url: (path = "/") => `${options.tls ? "https://localhost" : "http://127.0.0.1"}:${port}${path}`,
    get accepts() {
      return accepts;
    },
    next: () => {
      const r = queue.shift();
      return r ? Promise.resolve(r) : new Promise((resolve) => waiters.push(resolve));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return server;
}
