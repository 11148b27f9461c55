/**
 * A deliberately cheap streaming server for the accuracy bench: raw TCP, hand-written HTTP/1.1
 * with chunked encoding, one global timer for all streams, and a log of what it truly did (when
 * each request arrived, when each token's bytes were handed to the socket). The simulator costs
 * ~12 µs of server CPU per token in Deno's HTTP layer; this one a fraction of that, so on a
 * 2-core box the server's own lag pollutes the client's error figures as little as possible.
 *
 * Not a general server: it answers GET /v1/models and streaming POST /v1/chat/completions
 * (exactly `max_tokens` tokens, TTFT and ITL from argv), keep-alive, nothing else.
 *
 * Protocol (child process): argv[0] = JSON `{ttftMs, itlMs, batch?}`; prints `{"port":N}` once
 * listening; when stdin closes prints `{"truth":[…], "lag":{…}}` and exits. `lag` is the server's
 * own lateness (ms after each token's due time that it was written: p50/p99/max), so a bench can
 * tell the client's error from a server that could not keep its schedule. `batch` (zero-delay
 * ingest only): hand this many token events to the socket per write (each still its own chunk
 * frame and SSE event), so the server's per-write cost does not cap what the client is offered.
 */
import { DueQueue } from "../lib/sim/due_queue.ts";
import { WakeTimer } from "../lib/sim/wake_timer.ts";

/** What the server did for one request; times are `timeOrigin + now()` ms (cross-process). */
export interface Truth {
  requestId: string;
  receivedAt: number;
  tokenTimes: number[];
}

const enc = new TextEncoder();
/** Every token's lateness against its due time, ms (the server's own health). */
const lags: number[] = [];

/** Settings of one truth server. */
export interface TruthServerConfig {
  ttftMs: number;
  itlMs: number;
  /** Token events per socket write when they are due at once (default 1). */
  batch?: number;
  /** Keep no log (long zero-delay runs: the log would outgrow the server, not the client). */
  noTruth?: boolean;
}
const TIME_ORIGIN = performance.timeOrigin;
const epoch = () => TIME_ORIGIN + performance.now();

interface Waiter {
  due: number;
  wake: () => void;
}
const agenda = new DueQueue<Waiter>();
const timer = new WakeTimer(() => {
  const now = performance.now();
  while (agenda.size && agenda.peek()!.due <= now) agenda.pop()!.wake();
  if (agenda.size) timer.wakeAt(agenda.peek()!.due);
});

/** Resolves at `due` (performance.now() clock), via the one shared timer. */
function at(due: number): Promise<void> | undefined {
  if (due <= performance.now()) return undefined;
  return new Promise((wake) => {
    agenda.push({ due, wake });
    timer.wakeAt(due);
  });
}

function chunked(payload: string): Uint8Array {
  const body = enc.encode(payload);
  const head = enc.encode(body.length.toString(16) + "\r\n");
  const out = new Uint8Array(head.length + body.length + 2);
  out.set(head, 0);
  out.set(body, head.length);
  out.set([13, 10], head.length + body.length);
  return out;
}

function event(id: string, delta: Record<string, unknown>, finish: string | null): Uint8Array {
  return chunked(
    `data: ${
      JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created: 1,
        model: "truth",
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      })
    }\n\n`,
  );
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let o = 0; o < bytes.length;) o += await conn.write(bytes.subarray(o));
}

async function stream(
  conn: Deno.Conn,
  opts: { requestId: string; maxTokens: number } & TruthServerConfig,
  truth: Truth[],
): Promise<void> {
  const received = performance.now();
  const entry: Truth = { requestId: opts.requestId, receivedAt: epoch(), tokenTimes: [] };
  await writeAll(
    conn,
    enc.encode(
      "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
    ),
  );
  const id = `chatcmpl-${opts.requestId}`;
  const word = event(id, { content: " word" }, null);
  const batch = Math.max(1, opts.batch ?? 1);
  const pending: Uint8Array[] = [];
  for (let k = 0; k < opts.maxTokens; k++) {
    const due = received + opts.ttftMs + k * opts.itlMs;
    await at(due);
    const last = k === opts.maxTokens - 1;
    const bytes = k === 0
      ? event(id, { role: "assistant", content: " word" }, null)
      : last
      ? event(id, { content: " word" }, "length")
      : word;
    const t = performance.now();
    if (!opts.noTruth) {
      lags.push(t - due);
      entry.tokenTimes.push(TIME_ORIGIN + t);
    }
    if (batch === 1) {
      await writeAll(conn, bytes);
      continue;
    }
    pending.push(bytes);
    if (pending.length >= batch || last || opts.itlMs > 0) {
      await writeAll(conn, concat(pending));
      pending.length = 0;
    }
  }
  const usage = {
    id,
    object: "chat.completion.chunk",
    created: 1,
    model: "truth",
    choices: [],
    usage: {
      prompt_tokens: 1,
      completion_tokens: opts.maxTokens,
      total_tokens: opts.maxTokens + 1,
    },
  };
  await writeAll(conn, chunked(`data: ${JSON.stringify(usage)}\n\n`));
  await writeAll(conn, chunked("data: [DONE]\n\n"));
  await writeAll(conn, enc.encode("0\r\n\r\n"));
  if (!opts.noTruth) truth.push(entry);
}

/** Serves one connection: requests one after another (keep-alive). */
async function serveConn(
  conn: Deno.Conn,
  cfg: TruthServerConfig,
  truth: Truth[],
): Promise<void> {
  let buf = new Uint8Array(1 << 16);
  let have = 0;
  const dec = new TextDecoder();
  try {
    for (;;) {
      let headEnd = -1;
      while ((headEnd = findHeadEnd(buf, have)) < 0) {
        if (have === buf.length) buf = grow(buf, have);
        const n = await conn.read(buf.subarray(have));
        if (n === null) return;
        have += n;
      }
      const head = dec.decode(buf.subarray(0, headEnd));
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      while (have < headEnd + 4 + length) {
        if (have === buf.length) buf = grow(buf, have);
        const n = await conn.read(buf.subarray(have));
        if (n === null) return;
        have += n;
      }
      const body = dec.decode(buf.subarray(headEnd + 4, headEnd + 4 + length));
      buf.copyWithin(0, headEnd + 4 + length, have);
      have -= headEnd + 4 + length;
      const requestId = /x-request-id:\s*(\S+)/i.exec(head)?.[1] ?? crypto.randomUUID();
      if (head.startsWith("GET /v1/models")) {
        const json = JSON.stringify({ object: "list", data: [{ id: "truth", object: "model" }] });
        await writeAll(
          conn,
          enc.encode(
            `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${json.length}\r\n\r\n${json}`,
          ),
        );
        continue;
      }
      const maxTokens = Number(JSON.parse(body).max_tokens ?? 16);
      await stream(conn, { requestId, maxTokens, ...cfg }, truth);
    }
  } catch {
    // Client went away: its truth entry is simply incomplete.
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

/** A buffer twice as big holding the first `have` bytes (a 100k-token prompt is ~600 KB). */
function grow(buf: Uint8Array, have: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(buf.length * 2);
  out.set(buf.subarray(0, have));
  return out;
}

function findHeadEnd(buf: Uint8Array, have: number): number {
  for (let i = 0; i + 3 < have; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

/** The server's lateness against its own schedule, ms. */
export interface ServerLag {
  p50: number;
  p99: number;
  max: number;
  tokens: number;
}

/**
 * Starts the truth server as a child process; `stop()` returns what it logged, `stopWithLag()`
 * that and the server's own lateness.
 */
export async function spawnTruthServer(cfg: TruthServerConfig) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", import.meta.filename!, JSON.stringify(cfg)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const out = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await out.read();
    if (done) throw new Error("truth server exited before listening");
    text += value;
  }
  const port = JSON.parse(text.slice(0, text.indexOf("\n"))).port as number;
  text = text.slice(text.indexOf("\n") + 1);
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    pid: child.pid,
    async stop(): Promise<Truth[]> {
      return (await this.stopWithLag()).truth;
    },
    async stopWithLag(): Promise<{ truth: Truth[]; lag: ServerLag }> {
      await child.stdin.close();
      for (;;) {
        const { value, done } = await out.read();
        if (done) break;
        text += value;
      }
      await child.status;
      return JSON.parse(text) as { truth: Truth[]; lag: ServerLag };
    },
  };
}

if (import.meta.main) {
  const cfg = JSON.parse(Deno.args[0] ?? "{}") as TruthServerConfig;
  const truth: Truth[] = [];
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log(JSON.stringify({ port: (listener.addr as Deno.NetAddr).port }));
  (async () => {
    for await (const conn of listener) {
      conn.setNoDelay(true);
      serveConn(conn, cfg, truth);
    }
  })().catch(() => {});
  for await (const _ of Deno.stdin.readable) { /* the parent closes stdin to stop us */ }
  listener.close();
  timer.close();
  const sorted = Float64Array.from(lags).sort();
  const q = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
  const lag = { p50: q(0.5), p99: q(0.99), max: q(1), tokens: sorted.length };
  console.log(JSON.stringify({ truth, lag }));
  Deno.exit(0);
}
