/**
 * The one seam between the streaming client and the wire: send a request, get a status, headers
 * and the body as raw byte slices. Two implementations: `fetchTransport` (Deno's `fetch`, the
 * client's default) and `createSocketTransport` (hand-written HTTP/1.1 over `Deno.connect`,
 * cheaper per token event because one socket read can carry several chunk frames; what
 * `llmload run` uses by default, see transport_choice.ts).
 *
 * Errors follow one convention so the client maps them to the same kinds whatever the transport:
 * `send` rejects when no response head arrived (refused, reset, malformed head: kind `connect`),
 * `read` rejects when the body broke off before its end (kind `stream`), and aborting the signal
 * makes a pending `send` or `read` reject promptly.
 */

/** What to send. The transport adds framing headers (`host`, `content-length`) itself. */
export interface TransportRequest {
  method: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Request body (UTF-8 encoded on the wire). */
  body: string;
  /** Aborting it ends the exchange: a pending `send` or `read` rejects, the connection closes. */
  signal: AbortSignal;
}

/** Case-insensitive response header lookup (`Headers` satisfies it). */
export interface HeaderLookup {
  /** The header's value (repeated headers joined with `, `), or null when absent. */
  get(name: string): string | null;
}

/** A response whose head has arrived; its body is read with `read`, `text` or dropped with `cancel`. */
export interface TransportResponse {
  status: number;
  headers: HeaderLookup;
  /** False when the response has no body at all (204, 304); `read` then returns null at once. */
  hasBody: boolean;
  /**
   * Time `send` spent opening a new connection (TCP connect, plus the TLS handshake for https)
   * for this request, ms; undefined when it reused a pooled connection, or when the transport
   * cannot tell (fetch).
   */
  connectMs?: number;
  /**
   * The next body bytes, transfer coding removed; null at the clean end of the body. Rejects
   * when the body broke off (connection closed or reset before its end, bad framing) or the
   * signal was aborted; after `cancel` it returns null. The view may point into a buffer that
   * is reused: it is valid only until the next `read`, `text` or `cancel` call. Never empty.
   */
  read(): Promise<Uint8Array | null>;
  /** Drops the rest of the body (closing its connection if needed); never rejects. */
  cancel(): Promise<void>;
  /** The whole (remaining) body decoded as UTF-8. */
  text(): Promise<string>;
}

/** Sends one HTTP request and resolves once the response head has arrived. */
export interface Transport {
  send(url: string, request: TransportRequest): Promise<TransportResponse>;
}
