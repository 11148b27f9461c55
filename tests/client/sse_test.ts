import assert from "node:assert/strict";
import { createParser } from "eventsource-parser";
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

// ---- Hand-written decoder: edge cases and agreement with eventsource-parser ----------------

/**
 * The previous client decoder (streaming TextDecoder + eventsource-parser), as the reference the
 * hand-written one must agree with.
 */
function decodeReference(pieces: Uint8Array[]): string[] {
  const out: string[] = [];
  const text = new TextDecoder();
  const parser = createParser({ onEvent: (event) => out.push(event.data) });
  for (const p of pieces) {
    const s = text.decode(p, { stream: true });
    if (s.length > 0) parser.feed(s);
  }
  const s = text.decode();
  if (s.length > 0) parser.feed(s);
  parser.reset();
  return out;
}

/** Mixed line endings, Korean and emoji, comments, other fields and multi-line data. */
const MIXED_STREAM = enc.encode(
  ': hello\r\ndata: {"c":"안녕"}\n\nevent: x\rdata:하나\rdata: 둘 🌏\r\r' +
    "id: 3\r\ndata\r\ndata:  공백\r\n\r\n: 끝\ndata: [DONE]\n\n",
);
const MIXED_EVENTS = ['{"c":"안녕"}', "하나\n둘 🌏", "\n 공백", "[DONE]"];

Deno.test("sse decoder gives the same events for every pair of split positions as for one push", () => {
  assert.deepEqual(decode([MIXED_STREAM]), MIXED_EVENTS);
  for (let a = 0; a <= MIXED_STREAM.length; a++) {
    for (let b = a; b <= MIXED_STREAM.length; b++) {
      assert.deepEqual(decode(splitAt(MIXED_STREAM, [a, b])), MIXED_EVENTS, `cuts ${a}, ${b}`);
    }
  }
});

Deno.test("sse decoder treats \\r at the end of one read and \\n at the start of the next as one line end", () => {
  // Read as a blank line, the \n would dispatch "a" alone.
  assert.deepEqual(decode([enc.encode("data: a\r"), enc.encode("\ndata: b\r\n\r\n")]), ["a\nb"]);
  // A bare \r at a read's end already ends its line: the event goes out without waiting.
  const out: string[] = [];
  const d = createSseDecoder((data) => out.push(data));
  d.push(enc.encode("data: now\r\r"));
  assert.deepEqual(out, ["now"]);
  d.push(enc.encode("\ndata: next\r\r"));
  assert.deepEqual(out, ["now", "next"]);
});

Deno.test("sse decoder splits CR-only streams at every position", () => {
  const cr = enc.encode(": c\rdata: 가\rdata: 나\r\rdata: [DONE]\r\r");
  for (let cut = 0; cut <= cr.length; cut++) {
    assert.deepEqual(decode(splitAt(cr, [cut])), ["가\n나", "[DONE]"], `cut ${cut}`);
  }
});

Deno.test("sse decoder reads only the data field: empty values, no colon, case and spacing", () => {
  const text = "data\n\n" + "data:\n\n" + "data: \n\n" + "Data: upper\n\n" + "data : spaced\n\n" +
    "datax: other\n\n" + "data:x\ndata\ndata:y\n\n" + "retry: soon\nfoo: bar\nid\n:only\n\n";
  assert.deepEqual(decode([enc.encode(text)]), ["", "", "", "x\n\ny"]);
});

Deno.test("sse decoder end() dispatches nothing: a complete data line without its blank line is dropped", () => {
  for (
    const tail of ["data: x\n", "data: x\r", "data: x\r\n", "data: x", ": c\ndata: x\ndata: y\n"]
  ) {
    const out: string[] = [];
    const d = createSseDecoder((data) => out.push(data));
    d.push(enc.encode(`data: before\n\n${tail}`));
    assert.deepEqual(out, ["before"], tail);
    d.end();
    assert.deepEqual(out, ["before"], `${JSON.stringify(tail)} then end()`);
  }
});

Deno.test("sse decoder starts afresh after end(): no leftover line, data or pending \\r survives", () => {
  const out: string[] = [];
  const d = createSseDecoder((data) => out.push(data));
  d.push(enc.encode("data: lost\ndata: par"));
  d.end();
  d.push(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("data: second\n\n")]));
  d.push(enc.encode("data: cr\r"));
  d.end();
  d.push(enc.encode("\n\ndata: third\n\n"));
  d.end();
  assert.deepEqual(out, ["second", "third"]);
});

Deno.test("sse decoder strips a BOM only at the stream start, and keeps a partial one as input", () => {
  const bom = [0xef, 0xbb, 0xbf];
  const later = new Uint8Array([
    ...enc.encode("data: x\n\n"),
    ...bom,
    ...enc.encode("data: y\n\n"),
  ]);
  // Mid-stream, U+FEFF is part of the field name, so the line is an unknown field.
  assert.deepEqual(decode([later]), ["x"]);
  assert.deepEqual(decode(splitAt(later, [9, 10, 11])), ["x"]);
  // A U+FEFF inside a value is data, even at the start of a read.
  const value = new Uint8Array([...enc.encode("data: "), ...bom, ...enc.encode("v\n\n")]);
  assert.deepEqual(decode(splitAt(value, [6])), ["\uFEFFv"]);
  // Two bytes of a BOM then something else: the bytes are input (U+FFFD, an unknown field).
  const partial = new Uint8Array([0xef, 0xbb, ...enc.encode("\ndata: z\n\n")]);
  for (let cut = 0; cut <= partial.length; cut++) {
    assert.deepEqual(decode(splitAt(partial, [cut])), ["z"], `cut ${cut}`);
  }
  assert.deepEqual(decode([new Uint8Array(0), new Uint8Array([0xef]), new Uint8Array(0)]), []);
});

Deno.test("sse decoder rebuilds a 200 KiB event fed in 1000-byte reads and keeps working after it", () => {
  const big = "가".repeat(70_000); // 210,000 bytes of 3-byte characters
  const bytes = enc.encode(`data: ${big}\n\ndata: small\n\n`);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 1000) pieces.push(bytes.subarray(i, i + 1000));
  assert.deepEqual(decode(pieces), [big, "small"]);
});

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random SSE stream: fields, comments, blank lines, every line ending, non-ASCII text. */
function randomStream(next: () => number): Uint8Array {
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)];
  const texts = ["", " ", "a", '{"k":1}', "안녕", "🌏", "\uFEFF", "é", ":", "data: x", "  lead"];
  const value = () => Array.from({ length: Math.floor(next() * 4) }, () => pick(texts)).join("");
  const lines: (() => string)[] = [
    () => `data:${value()}`,
    () => `data: ${value()}`,
    () => "data",
    () => "",
    () => "",
    () => `:${value()}`,
    () => `event: ${value()}`,
    () => `id: ${value()}`,
    () => "retry: 10",
    () => `other:${value()}`,
  ];
  let s = "";
  const count = 1 + Math.floor(next() * 12);
  for (let i = 0; i < count; i++) s += pick(lines)() + pick(["\n", "\r\n", "\r"]);
  const bytes = enc.encode(s);
  // Now and then a stray invalid byte: both decoders must turn it into the same U+FFFD.
  if (next() < 0.2) {
    const at = Math.floor(next() * (bytes.length + 1));
    return new Uint8Array([
      ...bytes.subarray(0, at),
      pick([0x80, 0xff, 0xe3]),
      ...bytes.subarray(at),
    ]);
  }
  return bytes;
}

Deno.test("sse decoder agrees with eventsource-parser on 2000 random streams split at random", () => {
  const next = rng(20240611);
  for (let i = 0; i < 2000; i++) {
    const bytes = randomStream(next);
    const cuts = Array.from(
      { length: Math.floor(next() * 6) },
      () => Math.floor(next() * (bytes.length + 1)),
    ).sort((a, b) => a - b);
    const pieces = splitAt(bytes, cuts);
    // The reference is fed whole: Deno's streaming TextDecoder drops a U+FEFF whose bytes open a
    // read mid-stream, so the old pipeline was itself split-dependent there.
    const want = decodeReference([bytes]);
    const label = `stream ${i} ${JSON.stringify(new TextDecoder().decode(bytes))}, cuts ${cuts}`;
    assert.deepEqual(decode(pieces), want, label);
  }
});
