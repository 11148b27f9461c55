import assert from "node:assert/strict";
import {
  DEFAULT_HTTP1_LIMITS,
  type HeadResult,
  parseChunkedBody,
  parseRequestHead,
  type RequestHead,
} from "../../lib/sim/http1_parse.ts";
import { chunkFrame, LAST_CHUNK, responseHead } from "../../lib/sim/http1_encode.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const LIMITS = DEFAULT_HTTP1_LIMITS;

function head(text: string, limits = LIMITS): HeadResult {
  return parseRequestHead(enc.encode(text), limits);
}

function ok(text: string): RequestHead & { consumed: number } {
  const r = head(text);
  assert.ok("head" in r, `not parsed: ${JSON.stringify(r)}`);
  return { ...r.head, consumed: r.consumed };
}

function status(text: string, limits = LIMITS): number | "incomplete" | "ok" {
  const r = head(text, limits);
  return "error" in r ? r.error.status : "incomplete" in r ? "incomplete" : "ok";
}

Deno.test("request head: method, path without query, version, headers by lower-case name", () => {
  const text =
    "POST /v1/completions?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n" +
    "Content-Length: 2\r\nX-Request-Id: r1\r\nAccept: a\r\naccept: b\r\n\r\n{}";
  const h = ok(text);
  assert.equal(h.method, "POST");
  assert.equal(h.target, "/v1/completions?x=1");
  assert.equal(h.path, "/v1/completions");
  assert.equal(h.minorVersion, 1);
  assert.equal(h.headers.get("x-request-id"), "r1");
  assert.equal(h.headers.get("accept"), "a, b");
  assert.deepEqual(h.body, { length: 2 });
  assert.equal(h.keepAlive, true);
  assert.equal(h.expectContinue, false);
  assert.equal(h.consumed, text.length - 2, "the body starts right after the blank line");
});

Deno.test("request head: bare LF line ends, leading empty lines and absolute-form targets", () => {
  const lf = ok("GET /health HTTP/1.1\nhost: a\n\n");
  assert.equal(lf.path, "/health");
  assert.equal(lf.consumed, "GET /health HTTP/1.1\nhost: a\n\n".length);
  const lead = ok("\r\n\r\nGET /version HTTP/1.1\r\n\r\n");
  assert.equal(lead.path, "/version");
  assert.equal(lead.consumed, "\r\n\r\nGET /version HTTP/1.1\r\n\r\n".length);
  assert.equal(ok("GET http://127.0.0.1:8000/v1/models?a HTTP/1.1\r\n\r\n").path, "/v1/models");
  assert.equal(ok("GET http://127.0.0.1:8000 HTTP/1.1\r\n\r\n").path, "/");
});

Deno.test("request head: keep-alive follows the version and the connection header", () => {
  const cases: [string, string, boolean][] = [
    ["1.1", "", true],
    ["1.1", "connection: close\r\n", false],
    ["1.1", "connection: keep-alive, Close\r\n", false],
    ["1.0", "", false],
    ["1.0", "Connection: Keep-Alive\r\n", true],
  ];
  for (const [version, field, keepAlive] of cases) {
    const h = ok(`GET / HTTP/${version}\r\n${field}\r\n`);
    assert.equal(h.keepAlive, keepAlive, `${version} ${field}`);
    assert.equal(h.minorVersion, version === "1.0" ? 0 : 1);
  }
  assert.equal(ok("POST / HTTP/1.1\r\nexpect: 100-Continue\r\n\r\n").expectContinue, true);
});

Deno.test("request head: body framing from content-length or chunked transfer-encoding", () => {
  assert.deepEqual(ok("GET / HTTP/1.1\r\n\r\n").body, { length: 0 });
  assert.deepEqual(ok("POST / HTTP/1.1\r\ncontent-length: 17\r\n\r\n").body, { length: 17 });
  assert.deepEqual(ok("POST / HTTP/1.1\r\ncontent-length: 5, 5\r\n\r\n").body, { length: 5 });
  assert.deepEqual(ok("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n").body, {
    chunked: true,
  });
});

Deno.test("request head: an unfinished head is incomplete, never an error", () => {
  const full = "POST /v1/completions HTTP/1.1\r\nhost: a\r\ncontent-length: 2\r\n\r\n";
  for (let cut = 0; cut < full.length; cut++) {
    assert.equal(status(full.slice(0, cut)), "incomplete", JSON.stringify(full.slice(0, cut)));
  }
  assert.equal(status(full), "ok");
});

Deno.test("request head: garbage and unsafe framing are refused with the right status", () => {
  const cases: [string, number][] = [
    ["hello\r\n\r\n", 400],
    ["GET /\r\n\r\n", 400],
    ["GET / HTTP/1.1 extra\r\n\r\n", 400],
    ["G(T / HTTP/1.1\r\n\r\n", 400],
    ["GET / HTTX/1.1\r\n\r\n", 400],
    ["GET / HTTP/2.0\r\n\r\n", 505],
    ["GET nowhere HTTP/1.1\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nbad name: x\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nname : x\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\na: b\r\n folded\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\na: b\x00c\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\ncontent-length: -3\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\ncontent-length: 0x10\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\ntransfer-encoding: gzip, chunked\r\n\r\n", 501],
    ["POST / HTTP/1.1\r\ncontent-length: 999999999999\r\n\r\n", 413],
  ];
  for (const [text, want] of cases) assert.equal(status(text), want, JSON.stringify(text));
});

Deno.test("request head: a head over the size limit is a 431, complete or not", () => {
  const limits = { maxHeadBytes: 100, maxBodyBytes: 1000 };
  const big = `GET / HTTP/1.1\r\nx: ${"a".repeat(200)}`;
  assert.equal(status(big, limits), 431, "unfinished and already too long");
  assert.equal(status(big + "\r\n\r\n", limits), 431);
  assert.equal(status(`GET / HTTP/1.1\r\nx: ${"a".repeat(50)}\r\n\r\n`, limits), "ok");
});

Deno.test("chunked body: frames, extensions, trailers; incomplete until the last chunk's end", () => {
  const wire = "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\ntrailer: x\r\n\r\nNEXT";
  const r = parseChunkedBody(enc.encode(wire), LIMITS);
  assert.ok("body" in r, JSON.stringify(r));
  assert.equal(dec.decode(r.body), "hello, world");
  assert.equal(wire.slice(r.consumed), "NEXT");
  const done = wire.length - 4;
  for (let cut = 0; cut < done; cut++) {
    const partial = parseChunkedBody(enc.encode(wire.slice(0, cut)), LIMITS);
    assert.ok("incomplete" in partial, `cut at ${cut}: ${JSON.stringify(partial)}`);
  }
  const bareLf = parseChunkedBody(enc.encode("3\nabc\n0\n\n"), LIMITS);
  assert.ok("body" in bareLf && dec.decode(bareLf.body) === "abc");
});

Deno.test("chunked body: bad sizes, overlong data and bodies over the limit are refused", () => {
  const cases: [string, number][] = [
    ["zz\r\nabc\r\n0\r\n\r\n", 400],
    ["3\r\nabcdef\r\n0\r\n\r\n", 400],
    ["123456789\r\n", 400],
    ["10\r\n", 413],
  ];
  for (const [wire, want] of cases) {
    const r = parseChunkedBody(enc.encode(wire), { maxHeadBytes: 1000, maxBodyBytes: 8 });
    assert.ok("error" in r, `${JSON.stringify(wire)}: ${JSON.stringify(r)}`);
    assert.equal(r.error.status, want, JSON.stringify(wire));
  }
});

Deno.test("response head and chunk frames are well-formed HTTP/1.1", () => {
  const h = dec.decode(
    responseHead(200, { "content-type": "text/event-stream" }, {
      framing: { chunked: true },
      close: false,
    }),
  );
  assert.equal(
    h,
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
  );
  const fixed = dec.decode(responseHead(404, {}, { framing: { length: 12 }, close: true }));
  assert.equal(fixed, "HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\nconnection: close\r\n\r\n");
  const data = enc.encode("x".repeat(300));
  assert.equal(dec.decode(chunkFrame(data)), `12c\r\n${"x".repeat(300)}\r\n`);
  assert.equal(dec.decode(LAST_CHUNK), "0\r\n\r\n");
});
