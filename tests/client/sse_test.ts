import assert from "node:assert/strict";
import { createSseDecoder } from "../../lib/client/sse.ts";

const enc = new TextEncoder();

/** Feeds `pieces` through one decoder and returns every event's data, in order. */
function decode(pieces: Uint8Array[], end = true): string[] {
  const out: string[] = [];
  const d = createSseDecoder((data) => out.push(data));
  for (const p of pieces) d.push(p);
  if (end) d.end();
  return out;
}

/** Splits `bytes` at the given offsets. */
function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

const KOREAN_EVENTS = [
  '{"choices":[{"delta":{"content":"안녕하세요"}}]}',
  '{"choices":[{"delta":{"content":"세계 🌏"}}]}',
  "[DONE]",
];
const KOREAN_STREAM = enc.encode(KOREAN_EVENTS.map((e) => `data: ${e}\n\n`).join(""));

Deno.test("sse decoder yields every event whole when the stream is split at any single byte", () => {
  for (let cut = 0; cut <= KOREAN_STREAM.length; cut++) {
    assert.deepEqual(decode(splitAt(KOREAN_STREAM, [cut])), KOREAN_EVENTS, `cut at ${cut}`);
  }
});

Deno.test("sse decoder rebuilds multi-byte characters fed one byte per read", () => {
  const pieces = Array.from(KOREAN_STREAM, (_, i) => KOREAN_STREAM.subarray(i, i + 1));
  assert.deepEqual(decode(pieces), KOREAN_EVENTS);
});

Deno.test("sse decoder is not confused by a reused read buffer (BYOB)", () => {
  // The client reads into one buffer; each push must be consumed before the buffer is reused.
  const out: string[] = [];
  const d = createSseDecoder((data) => out.push(data));
  const buffer = new Uint8Array(7);
  for (let i = 0; i < KOREAN_STREAM.length; i += buffer.length) {
    const n = Math.min(buffer.length, KOREAN_STREAM.length - i);
    buffer.set(KOREAN_STREAM.subarray(i, i + n));
    d.push(buffer.subarray(0, n));
    buffer.fill(0);
  }
  d.end();
  assert.deepEqual(out, KOREAN_EVENTS);
});

Deno.test("sse decoder accepts \\r\\n and \\r line endings, including a \\r\\n split across reads", () => {
  const crlf = enc.encode('data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\ndata: [DONE]\r\n\r\n');
  assert.deepEqual(decode([crlf]), ['{"a":1}', '{"b":2}', "[DONE]"]);
  for (let cut = 0; cut <= crlf.length; cut++) {
    assert.deepEqual(decode(splitAt(crlf, [cut])), ['{"a":1}', '{"b":2}', "[DONE]"], `cut ${cut}`);
  }
  assert.deepEqual(decode([enc.encode("data: x\r\rdata: y\r\r")]), ["x", "y"]);
});

Deno.test("sse decoder ignores comments, keep-alives, event/id/retry fields and blank events", () => {
  const text = ": keep-alive\n\n: ping\n\nevent: message\nid: 7\nretry: 100\ndata: one\n\n" +
    "\n\n\nid: 8\n\ndata:two\n\n";
  assert.deepEqual(decode([enc.encode(text)]), ["one", "two"]);
});

Deno.test("sse decoder joins multi-line data with \\n and strips one leading space only", () => {
  const text = "data: first\ndata:  second\n\n";
  assert.deepEqual(decode([enc.encode(text)]), ["first\n second"]);
});

Deno.test("sse decoder drops an event whose blank line never arrived (missing [DONE] tail)", () => {
  const text = 'data: {"a":1}\n\ndata: {"b":';
  assert.deepEqual(decode([enc.encode(text)]), ['{"a":1}']);
  // Without end(), nothing more is emitted either.
  assert.deepEqual(decode([enc.encode(text)], false), ['{"a":1}']);
});

Deno.test("sse decoder strips a leading byte-order mark", () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("data: x\n\n")]);
  assert.deepEqual(decode(splitAt(bytes, [1, 2])), ["x"]);
});
