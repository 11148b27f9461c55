/**
 * HTTP/1.1 response bytes for the simulator's raw-TCP front (http1_server.ts), as pure
 * functions: the status line and header block, and chunk frames. Streaming responses use
 * `transfer-encoding: chunked` with one frame per write, so each token event leaves in its own
 * frame exactly as vLLM's server (uvicorn) sends it.
 */

import { allocBytes } from "./byte_slab.ts";

/** How a response body is delimited on the wire. */
export type BodyFraming =
  /** A fixed-length body (0 for none). */
  | { length: number }
  /** Chunk frames ending with {@link LAST_CHUNK}. */
  | { chunked: true }
  /** The body ends when the connection closes (HTTP/1.0 streaming). */
  | { untilClose: true };

const REASONS: Record<number, string> = {
  100: "Continue",
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Content Too Large",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

const enc = new TextEncoder();

/** The interim response to `expect: 100-continue`. */
export const CONTINUE_100: Uint8Array = enc.encode("HTTP/1.1 100 Continue\r\n\r\n");

/** The zero-size chunk that ends a chunked body (no trailers). */
export const LAST_CHUNK: Uint8Array = enc.encode("0\r\n\r\n");

/**
 * Status line and header block of a response. `headers` must not carry framing or connection
 * fields (this function writes them from `framing` and `close`); names are sent as given.
 */
export function responseHead(
  status: number,
  headers: Record<string, string>,
  options: { framing: BodyFraming; close: boolean },
): Uint8Array {
  let text = `HTTP/1.1 ${status} ${REASONS[status] ?? "Unknown"}\r\n`;
  for (const name in headers) text += `${name}: ${headers[name]}\r\n`;
  const f = options.framing;
  if ("length" in f) text += `content-length: ${f.length}\r\n`;
  else if ("chunked" in f) text += "transfer-encoding: chunked\r\n";
  if (options.close) text += "connection: close\r\n";
  return enc.encode(text + "\r\n");
}

/** One chunk frame carrying `data` (non-empty: a zero-size frame would end the body). */
export function chunkFrame(data: Uint8Array): Uint8Array {
  const size = data.length.toString(16);
  const out = allocBytes(size.length + data.length + 4);
  for (let i = 0; i < size.length; i++) out[i] = size.charCodeAt(i);
  out[size.length] = 13;
  out[size.length + 1] = 10;
  out.set(data, size.length + 2);
  out[out.length - 2] = 13;
  out[out.length - 1] = 10;
  return out;
}
