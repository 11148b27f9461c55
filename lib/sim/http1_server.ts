/**
 * The simulator's raw HTTP/1.1 front: a `Deno.listen` TCP listener whose connections
 * (http1_connection.ts) parse requests by hand and write replies straight to the socket.
 *
 * Why not Deno.serve: at 1000 streams × 100 tokens/s its per-chunk cost (ReadableStream enqueue
 * plus hyper's chunk write) made the simulator the bottleneck of the very load tests it exists
 * for. Writing each token's chunk frame straight to the socket saves ~20 % of the server's CPU
 * per token (bench/sim_capacity.ts); what remains is mostly the socket write itself
 * (bench/socket_write_floor.ts). Only HTTP/1.x is spoken (no h2c), which is what OpenAI clients
 * use over plain http.
 */

import { DEFAULT_HTTP1_LIMITS, type Http1Limits } from "./http1_parse.ts";
import { Http1Connection, type SimHandler } from "./http1_connection.ts";

/** Options of {@link serveHttp1}. */
export interface Http1ServerOptions {
  /** Interface to bind, e.g. `127.0.0.1`. */
  hostname: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Request size limits; default {@link DEFAULT_HTTP1_LIMITS}. */
  limits?: Partial<Http1Limits>;
  /** Told about a handler that threw (its client got a 500); default `console.error`. */
  onError?: (error: unknown) => void;
}

/** A listening raw HTTP/1.1 server. */
export interface Http1Server {
  /** Where it listens (the actual port when 0 was asked). */
  addr: Deno.NetAddr;
  /**
   * Stops accepting, closes idle connections, lets responses in progress finish for up to
   * `graceMs` (default 2000) and then cuts them; resolves when every connection is closed.
   */
  shutdown(options?: { graceMs?: number }): Promise<void>;
}

/** Listens on `hostname:port` and serves each request with `handler`. */
export function serveHttp1(handler: SimHandler, options: Http1ServerOptions): Http1Server {
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const limits = { ...DEFAULT_HTTP1_LIMITS, ...options.limits };
  const onError = options.onError ?? ((e: unknown) => console.error(e));
  const live = new Set<Http1Connection>();
  let closing = false;

  const accepting = (async () => {
    while (!closing) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (closing || e instanceof Deno.errors.BadResource) return;
        // Out of file descriptors and the like: report, breathe, keep serving.
        onError(e);
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      try {
        conn.setNoDelay(true); // one token per segment, now: never wait to coalesce (Nagle)
      } catch {
        // the client already left; the connection will notice
      }
      const c = new Http1Connection(conn, handler, { limits, onError });
      live.add(c);
      void c.done.then(() => live.delete(c));
      if (closing) c.closeWhenIdle();
    }
  })();

  let shutting: Promise<void> | undefined;
  return {
    addr: listener.addr as Deno.NetAddr,
    shutdown(opts = {}) {
      shutting ??= (async () => {
        closing = true;
        listener.close();
        await accepting;
        const all = Promise.all([...live].map((c) => c.done));
        for (const c of live) c.closeWhenIdle();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<void>((r) => timer = setTimeout(r, opts.graceMs ?? 2000));
        await Promise.race([all, grace]);
        clearTimeout(timer);
        for (const c of live) c.close();
        await all;
      })();
      return shutting;
    },
  };
}
