/**
 * Per-event cost of the client's SSE path, without the network: realistic vLLM chat streams are
 * pushed through each decoder the way the client pushes body reads, and events/s are reported
 * for decoding alone and for decoding + `JSON.parse` + `interpretChunk` (the client's `onData`).
 *
 * Decoders compared:
 * - `eventsource-parser`: the previous client decoder (streaming `TextDecoder` + the npm parser);
 * - `ours (lib)`: lib/client/sse.ts (byte framing, one decode per read, string line scan);
 * - `per-line bytes`: a candidate that scans every line end in the bytes and decodes each
 *   `data` value on its own; kept to show why lib decodes once per read instead.
 *
 * Inputs (10 streams of ~200 events each per round; a new decoder and stream state per stream,
 * as the client makes one per request):
 * - `frame`: one event per push, as Deno delivers one HTTP chunk frame per read;
 * - `frame-ko`: the same with Korean content (multi-byte UTF-8);
 * - `split-ko`: every event split over two pushes at a random byte (often inside a character);
 * - `coalesced`: 16 KiB pushes cut anywhere, as a coalescing reader would deliver them.
 *
 * Every decoder's output is checked against the expected events before timing. Rounds are
 * interleaved across decoders (so drift from other load on the box hits all alike), and each
 * figure is the median of the timed rounds after warm-up.
 *
 * Usage: deno run -A bench/sse_parse.ts [--rounds=25]   (about 3 s on a 2-core VM)
 */
import { createParser } from "eventsource-parser";
import { createSseDecoder, type SseDecoder } from "../lib/client/sse.ts";
import { createStreamState, interpretChunk, type StreamState } from "../lib/client/chunk.ts";

const ROUNDS = Number(Deno.args.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 25);
const WARMUP_ROUNDS = 5;
/** Streams per round: short rounds (1–6 ms), many of them, so a hiccup spoils few. */
const STREAMS = 10;
const TOKENS_PER_STREAM = 200;
const COALESCED_READ_BYTES = 16 * 1024;

const enc = new TextEncoder();
const LF = 10;
const CR = 13;

// ---- Decoders -------------------------------------------------------------------------------

type DecoderFactory = (onData: (data: string) => void) => SseDecoder;

/** The previous lib/client/sse.ts, verbatim in behaviour: the comparison baseline. */
function createEventsourceParserDecoder(onData: (data: string) => void): SseDecoder {
  const text = new TextDecoder();
  const parser = createParser({ onEvent: (event) => onData(event.data) });
  const streamOptions: TextDecodeOptions = { stream: true };
  return {
    push(bytes: Uint8Array): void {
      const s = text.decode(bytes, streamOptions);
      if (s.length > 0) parser.feed(s);
    },
    end(): void {
      const s = text.decode();
      if (s.length > 0) parser.feed(s);
      parser.reset();
    },
  };
}

/**
 * Candidate: find every line end by scanning bytes in JS and decode each `data` value on its
 * own (one `TextDecoder` call per event). No BOM handling: the bench streams have none.
 */
function createPerLineDecoder(onData: (data: string) => void): SseDecoder {
  const td = new TextDecoder("utf-8", { ignoreBOM: true });
  let pending = new Uint8Array(256);
  let pendingLength = 0;
  let skipLf = false;
  let data = "";
  let dataLines = 0;

  /** Handles the complete lines in `b[from, to)`; returns where the unterminated rest starts. */
  function lines(b: Uint8Array, from: number, to: number): number {
    let pos = from;
    for (let i = from; i < to; i++) {
      const c = b[i];
      if (c !== LF && c !== CR) continue;
      if (i === pos) {
        if (dataLines > 0) {
          const d = data;
          data = "";
          dataLines = 0;
          onData(d);
        }
      } else if (
        b[pos] === 100 && b[pos + 1] === 97 && b[pos + 2] === 116 && b[pos + 3] === 97
      ) {
        let v: string | undefined;
        if (b[pos + 4] === 58) v = td.decode(b.subarray(b[pos + 5] === 32 ? pos + 6 : pos + 5, i));
        else if (i - pos === 4) v = "";
        if (v !== undefined) {
          data = dataLines === 0 ? v : `${data}\n${v}`;
          dataLines++;
        }
      }
      if (c === CR) {
        if (i + 1 === to) skipLf = true;
        else if (b[i + 1] === LF) i++;
      }
      pos = i + 1;
    }
    return pos;
  }

  function keep(b: Uint8Array, from: number, to: number): void {
    const need = pendingLength + to - from;
    if (need > pending.length) {
      const grown = new Uint8Array(Math.max(need, 2 * pending.length));
      grown.set(pending.subarray(0, pendingLength));
      pending = grown;
    }
    pending.set(b.subarray(from, to), pendingLength);
    pendingLength = need;
  }

  return {
    push(bytes: Uint8Array): void {
      let start = 0;
      if (skipLf && bytes.length > 0) {
        skipLf = false;
        if (bytes[0] === LF) start = 1;
      }
      if (pendingLength === 0) {
        const rest = lines(bytes, start, bytes.length);
        if (rest < bytes.length) keep(bytes, rest, bytes.length);
        return;
      }
      keep(bytes, start, bytes.length);
      const rest = lines(pending, 0, pendingLength);
      pending.copyWithin(0, rest, pendingLength);
      pendingLength -= rest;
    },
    end(): void {
      pendingLength = 0;
      skipLf = false;
      data = "";
      dataLines = 0;
    },
  };
}

const DECODERS: [string, DecoderFactory][] = [
  ["eventsource-parser", createEventsourceParserDecoder],
  ["ours (lib)", createSseDecoder],
  ["per-line bytes", createPerLineDecoder],
];

// ---- Inputs ---------------------------------------------------------------------------------

/** Small deterministic PRNG (mulberry32) so every run feeds the same bytes. */
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

const EN_WORDS = [" the", " model", " streams", " tokens", " quickly", ",", " and", " then", "."];
const KO_WORDS = [" 안녕하세요", " 세계", " 모델", "이", " 토큰을", " 빠르게", " 보냅니다", "."];

/** The `data` payloads of one vLLM chat stream (role chunk, tokens, finish, usage, [DONE]). */
function streamPayloads(stream: number, words: string[], next: () => number): string[] {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join("");
  const head = `{"id":"chatcmpl-${hex}","object":"chat.completion.chunk","created":${
    1718000000 + stream
  },"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"delta":`;
  const out = [`${head}{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}`];
  for (let t = 0; t < TOKENS_PER_STREAM; t++) {
    const word = JSON.stringify(words[Math.floor(next() * words.length)]);
    out.push(`${head}{"content":${word}},"logprobs":null,"finish_reason":null}]}`);
  }
  out.push(`${head}{},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}`);
  out.push(
    `{"id":"chatcmpl-${hex}","object":"chat.completion.chunk","created":${1718000000 + stream},` +
      `"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[],"usage":{"prompt_tokens":128,` +
      `"total_tokens":${128 + TOKENS_PER_STREAM},"completion_tokens":${TOKENS_PER_STREAM}}}`,
  );
  out.push("[DONE]");
  return out;
}

interface Input {
  name: string;
  /** Per stream: the pushes, in order. */
  streams: Uint8Array[][];
  /** Per stream: the events a correct decoder yields. */
  expected: string[][];
  events: number;
}

type Chopper = (events: Uint8Array[], next: () => number) => Uint8Array[];

const oneEventPerPush: Chopper = (events) => events;
const splitEachEvent: Chopper = (events, next) =>
  events.flatMap((e) => {
    const cut = 1 + Math.floor(next() * (e.length - 1));
    return [e.subarray(0, cut), e.subarray(cut)];
  });
const coalesce: Chopper = (events) => {
  const whole = concat(events);
  const out: Uint8Array[] = [];
  for (let i = 0; i < whole.length; i += COALESCED_READ_BYTES) {
    out.push(whole.subarray(i, i + COALESCED_READ_BYTES));
  }
  return out;
};

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function makeInput(name: string, words: string[], chop: Chopper, seed: number): Input {
  const next = rng(seed);
  const streams: Uint8Array[][] = [];
  const expected: string[][] = [];
  let events = 0;
  for (let s = 0; s < STREAMS; s++) {
    const payloads = streamPayloads(s, words, next);
    // Each push gets its own copy, as a BYOB read hands over bytes no other push shares.
    streams.push(
      chop(payloads.map((p) => enc.encode(`data: ${p}\n\n`)), next).map((b) => b.slice()),
    );
    expected.push(payloads);
    events += payloads.length;
  }
  return { name, streams, expected, events };
}

const INPUTS: Input[] = [
  makeInput("frame", EN_WORDS, oneEventPerPush, 1),
  makeInput("frame-ko", KO_WORDS, oneEventPerPush, 2),
  makeInput("split-ko", KO_WORDS, splitEachEvent, 3),
  makeInput("coalesced", EN_WORDS, coalesce, 4),
];

// ---- Runs -----------------------------------------------------------------------------------

let sink = 0;
let state: StreamState = createStreamState();
const decodeOnly = (data: string): void => {
  sink += data.length;
};
/** What the client's onData does per event, minus the timestamp bookkeeping. */
const decodeAndParse = (data: string): void => {
  if (data === "[DONE]") return;
  sink += interpretChunk(JSON.parse(data), state);
};

/** One pass over every stream of `input`; returns events/s. */
function runOnce(factory: DecoderFactory, input: Input, onData: (data: string) => void): number {
  const t0 = performance.now();
  for (const pushes of input.streams) {
    state = createStreamState();
    const decoder = factory(onData);
    for (let i = 0; i < pushes.length; i++) decoder.push(pushes[i]);
    decoder.end();
  }
  return input.events / ((performance.now() - t0) / 1000);
}

function verify(name: string, factory: DecoderFactory, input: Input): void {
  for (let s = 0; s < input.streams.length; s++) {
    const got: string[] = [];
    const d = factory((data) => got.push(data));
    for (const p of input.streams[s]) d.push(p);
    d.end();
    if (JSON.stringify(got) !== JSON.stringify(input.expected[s])) {
      throw new Error(`${name} decodes input ${input.name} (stream ${s}) wrongly`);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const input of INPUTS) {
  for (const [name, factory] of DECODERS) verify(name, factory, input);
}

const MODES: [string, (data: string) => void][] = [
  ["decode", decodeOnly],
  ["decode+parse", decodeAndParse],
];
const results = new Map<string, number[]>();
const key = (i: string, d: string, m: string) => `${i}|${d}|${m}`;
const started = performance.now();
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
  for (const input of INPUTS) {
    for (const [mode, onData] of MODES) {
      for (const [name, factory] of DECODERS) {
        const eps = runOnce(factory, input, onData);
        if (round < WARMUP_ROUNDS) continue;
        const k = key(input.name, name, mode);
        results.set(k, [...(results.get(k) ?? []), eps]);
      }
    }
  }
}

/** Events/s of `perEvent` over every payload of `input`, stream by stream (median of rounds). */
function payloadEventsPerSecond<T>(payloads: T[][], perEvent: (p: T) => void): number {
  const events = payloads.reduce((n, p) => n + p.length, 0);
  const rounds: number[] = [];
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const t0 = performance.now();
    for (let s = 0; s < payloads.length; s++) {
      state = createStreamState();
      const stream = payloads[s];
      for (let i = 0; i < stream.length; i++) perEvent(stream[i]);
    }
    if (round >= WARMUP_ROUNDS) rounds.push(events / ((performance.now() - t0) / 1000));
  }
  return median(rounds);
}

const fmt = (eps: number) => `${Math.round(eps / 1000)}k`;
const us = (eps: number) => (1e6 / eps).toFixed(2);

console.log(
  `SSE decode cost: ${STREAMS} streams x ${
    TOKENS_PER_STREAM + 4
  } events per round, median of ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up, Deno ${Deno.version.deno}\n`,
);
console.log(
  "| input | decoder | decode: events/s | µs/event | decode+parse: events/s | µs/event | " +
    "vs eventsource-parser (decode / +parse) |",
);
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
for (const input of INPUTS) {
  const base = MODES.map(([m]) => median(results.get(key(input.name, DECODERS[0][0], m))!));
  for (const [name] of DECODERS) {
    const [d, p] = MODES.map(([m]) => median(results.get(key(input.name, name, m))!));
    const vs = `${(d / base[0]).toFixed(2)}x / ${(p / base[1]).toFixed(2)}x`;
    console.log(
      `| ${input.name} | ${name} | ${fmt(d)} | ${us(d)} | ${fmt(p)} | ${us(p)} | ${vs} |`,
    );
  }
}
// The floor under any decoder: the same work on payloads that are already decoded strings.
const payloads = INPUTS[0].expected.map((stream) => stream.filter((p) => p !== "[DONE]"));
const parsed = payloads.map((stream) => stream.map((p) => JSON.parse(p)));
const floors: [string, number][] = [
  ["JSON.parse + interpretChunk", payloadEventsPerSecond(payloads, decodeAndParse)],
  [
    "JSON.parse",
    payloadEventsPerSecond(payloads, (p) => {
      sink += JSON.parse(p) === null ? 0 : 1;
    }),
  ],
  [
    "interpretChunk (pre-parsed)",
    payloadEventsPerSecond(parsed, (c) => {
      sink += interpretChunk(c, state);
    }),
  ],
];
console.log("\nNo decoding (frame payloads already strings):");
for (const [name, eps] of floors) {
  console.log(`- ${name}: ${fmt(eps)} events/s, ${us(eps)} µs/event`);
}
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s; checksum ${sink % 997})`);
