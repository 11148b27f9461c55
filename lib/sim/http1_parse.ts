/**
 * HTTP/1.1 request parsing for the simulator's raw-TCP front (http1_server.ts), as pure
 * functions over the bytes received so far: a request head (request line and header fields) and
 * a chunked request body. Each call either finds a complete element, says more bytes are needed,
 * or names the problem with the status to answer.
 *
 * Lenient where real clients are sloppy (bare LF line ends, empty lines before a request line,
 * absolute-form targets), strict where leniency would be unsafe (a request with both
 * Content-Length and Transfer-Encoding, conflicting Content-Lengths, whitespace before a colon,
 * folded header lines: all 400, as RFC 9112 asks of a server that does not reject them safely).
 */

/** Size limits of one request, bytes. */
export interface Http1Limits {
  /** Request line plus header fields (431 beyond). */
  maxHeadBytes: number;
  /** Decoded body (413 beyond). */
  maxBodyBytes: number;
}

/** Defaults: 64 KiB of head, like most servers; 64 MiB of body, room for long prompts. */
export const DEFAULT_HTTP1_LIMITS: Http1Limits = {
  maxHeadBytes: 64 * 1024,
  maxBodyBytes: 64 * 1024 * 1024,
};

/** A parsed request line and header fields. */
export interface RequestHead {
  method: string;
  /** The request target as sent (origin form `/v1/models?x`, or absolute form). */
  target: string;
  /** The target's path, without query or fragment (absolute form reduced to its path). */
  path: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minorVersion: 0 | 1;
  /** Field values by lower-case name; repeated fields joined with ", " (RFC 9110 5.3). */
  headers: Map<string, string>;
  /** How the body is framed: a byte count (0: no body) or chunked. */
  body: { length: number } | { chunked: true };
  /** The client keeps the connection open after this exchange (version and `connection`). */
  keepAlive: boolean;
  /** `expect: 100-continue`: the client may wait for an interim 100 before sending the body. */
  expectContinue: boolean;
}

/** Why a request cannot be served: the status to answer and a short reason. */
export interface ParseError {
  status: 400 | 413 | 431 | 501 | 505;
  message: string;
}

/** Outcome of {@link parseRequestHead}: the head and how many bytes it took, or more is needed. */
export type HeadResult =
  | { head: RequestHead; consumed: number }
  | { incomplete: true }
  | { error: ParseError };

/** Outcome of {@link parseChunkedBody}. */
export type BodyResult =
  | { body: Uint8Array; consumed: number }
  | { incomplete: true }
  | { error: ParseError };

const LF = 10;
const CR = 13;
const INCOMPLETE = { incomplete: true } as const;
// RFC 9110 token characters (methods, field names).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible ASCII, obs-text, space and tab (no CR, LF or NUL).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const latin1 = new TextDecoder("latin1");

const fail = (status: ParseError["status"], message: string) => ({ error: { status, message } });

/**
 * Parses the request head at the start of `buf` (the unconsumed bytes). Empty lines before the
 * request line are skipped and counted in `consumed`, which includes the blank line that ends
 * the head (the body, if any, starts right after).
 */
export function parseRequestHead(buf: Uint8Array, limits: Http1Limits): HeadResult {
  let start = 0;
  while (start < buf.length && (buf[start] === CR || buf[start] === LF)) start++;
  const end = findHeadEnd(buf, start);
  if (end < 0) {
    return buf.length - start > limits.maxHeadBytes
      ? fail(431, `request head over ${limits.maxHeadBytes} bytes`)
      : INCOMPLETE;
  }
  if (end - start > limits.maxHeadBytes) {
    return fail(431, `request head over ${limits.maxHeadBytes} bytes`);
  }
  const text = latin1.decode(buf.subarray(start, end));
  const lines = text.split("\n").map((l) => l.endsWith("\r") ? l.slice(0, -1) : l);
  const requestLine = lines[0].split(" ");
  if (requestLine.length !== 3) return fail(400, "malformed request line");
  const [method, target, version] = requestLine;
  if (!TOKEN.test(method)) return fail(400, "malformed method");
  const versionMatch = /^HTTP\/(\d)\.(\d)$/.exec(version);
  if (!versionMatch) return fail(400, "malformed HTTP version");
  if (versionMatch[1] !== "1") return fail(505, `HTTP/${versionMatch[1]} is not supported`);
  const minorVersion = versionMatch[2] === "0" ? 0 : 1;
  const path = targetPath(target);
  if (path === undefined) return fail(400, "malformed request target");

  const headers = new Map<string, string>();
  let contentLengths = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line[0] === " " || line[0] === "\t") return fail(400, "folded header line");
    const colon = line.indexOf(":");
    if (colon <= 0) return fail(400, "header line without a name and colon");
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return fail(400, `malformed header name "${name}"`);
    const value = line.slice(colon + 1).trim();
    if (!FIELD_VALUE.test(value)) return fail(400, `control characters in header "${name}"`);
    const key = name.toLowerCase();
    if (key === "content-length") contentLengths++;
    const prior = headers.get(key);
    headers.set(key, prior === undefined ? value : `${prior}, ${value}`);
  }

  const body = bodyFraming(headers, contentLengths, limits);
  if ("error" in body) return body;
  const connection = (headers.get("connection") ?? "").toLowerCase().split(",").map((s) =>
    s.trim()
  );
  const keepAlive = minorVersion === 1
    ? !connection.includes("close")
    : connection.includes("keep-alive");
  const expectContinue = (headers.get("expect") ?? "").toLowerCase() === "100-continue";
  const head: RequestHead = {
    method,
    target,
    path,
    minorVersion,
    headers,
    body,
    keepAlive,
    expectContinue,
  };
  return { head, consumed: end + (buf[end + 1] === CR ? 3 : 2) };
}

/**
 * Parses a chunked body at the start of `buf` (the bytes after the head): chunk frames, the
 * zero-size last chunk and any trailer fields (ignored). Extensions after `;` are ignored.
 */
export function parseChunkedBody(buf: Uint8Array, limits: Http1Limits): BodyResult {
  const parts: Uint8Array[] = [];
  let size = 0;
  let at = 0;
  for (;;) {
    const lineEnd = buf.indexOf(LF, at);
    if (lineEnd < 0) {
      return buf.length - at > 1024 ? fail(400, "chunk size line too long") : INCOMPLETE;
    }
    const line = latin1.decode(buf.subarray(at, lineEnd)).replace(/\r$/, "");
    const hex = line.split(";")[0].trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) return fail(400, "malformed chunk size");
    const n = parseInt(hex, 16);
    at = lineEnd + 1;
    if (n === 0) break;
    size += n;
    if (size > limits.maxBodyBytes) return fail(413, `body over ${limits.maxBodyBytes} bytes`);
    if (buf.length < at + n + 1) return INCOMPLETE;
    parts.push(buf.subarray(at, at + n));
    at += n;
    // The chunk's data ends with CRLF (bare LF tolerated).
    if (buf[at] === CR) {
      if (buf.length < at + 2) return INCOMPLETE;
      at++;
    }
    if (buf[at] !== LF) return fail(400, "chunk data longer than its size");
    at++;
  }
  // Trailer section: field lines up to an empty line.
  for (;;) {
    const lineEnd = buf.indexOf(LF, at);
    if (lineEnd < 0) {
      return buf.length - at > limits.maxHeadBytes ? fail(431, "trailer too long") : INCOMPLETE;
    }
    const empty = lineEnd === at || (lineEnd === at + 1 && buf[at] === CR);
    at = lineEnd + 1;
    if (empty) break;
  }
  const body = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    body.set(p, o);
    o += p.length;
  }
  return { body, consumed: at };
}

/**
 * Index of the LF that ends the head's last field line (the next line is empty), or -1 when the
 * blank line has not arrived yet.
 */
function findHeadEnd(buf: Uint8Array, from: number): number {
  for (let i = buf.indexOf(LF, from); i >= 0; i = buf.indexOf(LF, i + 1)) {
    const next = buf[i + 1];
    if (next === LF || (next === CR && buf[i + 2] === LF)) return i;
    if (next === undefined || (next === CR && i + 2 >= buf.length)) return -1;
  }
  return -1;
}

function targetPath(target: string): string | undefined {
  if (target === "*") return "*";
  let rest = target;
  if (!rest.startsWith("/")) {
    const m = /^https?:\/\/[^/?#]*/i.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(m[0].length) || "/";
    if (!rest.startsWith("/")) rest = "/" + rest;
  }
  const cut = rest.search(/[?#]/);
  return cut < 0 ? rest : rest.slice(0, cut);
}

function bodyFraming(
  headers: Map<string, string>,
  contentLengths: number,
  limits: Http1Limits,
): RequestHead["body"] | { error: ParseError } {
  const te = headers.get("transfer-encoding");
  const cl = headers.get("content-length");
  if (te !== undefined) {
    if (cl !== undefined) return fail(400, "both content-length and transfer-encoding");
    const codings = te.toLowerCase().split(",").map((s) => s.trim());
    if (codings.length !== 1 || codings[0] !== "chunked") {
      return fail(501, `transfer-encoding "${te}" is not supported (only chunked)`);
    }
    return { chunked: true };
  }
  if (cl === undefined) return { length: 0 };
  // Repeated identical values ("5, 5") are allowed by RFC 9110 8.6; different ones are not.
  const values = new Set(cl.split(",").map((s) => s.trim()));
  if (values.size !== 1 || contentLengths < 1) return fail(400, "conflicting content-length");
  const [value] = values;
  if (!/^\d{1,15}$/.test(value)) return fail(400, `malformed content-length "${value}"`);
  const length = Number(value);
  if (length > limits.maxBodyBytes) return fail(413, `body over ${limits.maxBodyBytes} bytes`);
  return { length };
}
