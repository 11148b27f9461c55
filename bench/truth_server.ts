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
 * Protocol (child process): argv[0] = JSON `{ttftMs, itlMs}`; prints `{"port":N}` once listening;
 * when stdin closes prints `{"truth":[…]}` and exits.
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
const epoch = () => performance.timeOrigin + performance.now();

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

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let o = 0; o < bytes.length;) o += await conn.write(bytes.subarray(o));
}

async function stream(
  conn: Deno.Conn,
  opts: { requestId: string; maxTokens: number; ttftMs: number; itlMs: number },
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
  for (let k = 0; k < opts.maxTokens; k++) {
    await at(received + opts.ttftMs + k * opts.itlMs);
    const last = k === opts.maxTokens - 1;
    const bytes = k === 0
      ? event(id, { role: "assistant", content: " word" }, null)
      : last
      ? event(id, { content: " word" }, "length")
      : word;
    entry.tokenTimes.push(epoch());
    await writeAll(conn, bytes);
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
  truth.push(entry);
}

/** Serves one connection: requests one after another (keep-alive). */
async function serveConn(
  conn: Deno.Conn,
  cfg: { ttftMs: number; itlMs: number },
  truth: Truth[],
): Promise<void> {
  const buf = new Uint8Array(1 << 16);
  let have = 0;
  const dec = new TextDecoder();
  try {
    for (;;) {
      let headEnd = -1;
      while ((headEnd = findHeadEnd(buf, have)) < 0) {
        const n = await conn.read(buf.subarray(have));
        if (n === null) return;
        have += n;
      }
      const head = dec.decode(buf.subarray(0, headEnd));
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      while (have < headEnd + 4 + length) {
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

function findHeadEnd(buf: Uint8Array, have: number): number {
  for (let i = 0; i + 3 < have; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

/** Starts the truth server as a child process; `stop()` returns what it logged. */
export async function spawnTruthServer(cfg: { ttftMs: number; itlMs: number }) {
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
      await child.stdin.close();
      for (;;) {
        const { value, done } = await out.read();
        if (done) break;
        text += value;
      }
      await child.status;
      return (JSON.parse(text) as { truth: Truth[] }).truth;
    },
  };
}

if (import.meta.main) {
  const cfg = JSON.parse(Deno.args[0] ?? "{}") as { ttftMs: number; itlMs: number };
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
  console.log(JSON.stringify({ truth }));
  Deno.exit(0);
}
