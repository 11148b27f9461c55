import assert from "node:assert/strict";
import { createSimApp, type SimHandle, type SimOptions, startSim } from "../../lib/sim/mod.ts";
import { serveHttp1 } from "../../lib/sim/http1_server.ts";

// The raw HTTP/1.1 front, spoken to over plain sockets so every byte on the wire shows.

const enc = new TextEncoder();
const dec = new TextDecoder();

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends `wire` on a fresh connection and reads until the server closes it. */
async function exchange(port: number, wire: string | Uint8Array): Promise<Uint8Array> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(typeof wire === "string" ? enc.encode(wire) : wire);
    return await readToEnd(conn);
  } finally {
    conn.close();
  }
}

async function readToEnd(conn: Deno.Conn): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  // Bounded: every exchange here ends with the server closing the connection.
  for (let reads = 0; reads < 100_000; reads++) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) break;
    parts.push(buf.slice(0, n));
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Splits the bytes of consecutive responses (content-length, chunked, or read-to-end bodies);
 * `bodiless` marks responses to HEAD requests. Throws on anything malformed.
 */
function parseResponses(bytes: Uint8Array, bodiless: boolean[] = []): RawResponse[] {
  const text = new TextDecoder("latin1").decode(bytes);
  const out: RawResponse[] = [];
  let at = 0;
  while (at < text.length) {
    const headEnd = text.indexOf("\r\n\r\n", at);
    assert.ok(headEnd > 0, `no head end after ${JSON.stringify(text.slice(at, at + 80))}`);
    const [statusLine, ...lines] = text.slice(at, headEnd).split("\r\n");
    const m = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
    assert.ok(m, `bad status line ${JSON.stringify(statusLine)}`);
    const headers = new Map<string, string>();
    for (const line of lines) {
      const c = line.indexOf(":");
      headers.set(line.slice(0, c).toLowerCase(), line.slice(c + 1).trim());
    }
    at = headEnd + 4;
    let body = "";
    const status = Number(m[1]);
    if (status === 100) {
      out.push({ status, headers, body });
      continue;
    }
    if (bodiless[out.filter((r) => r.status !== 100).length]) {
      // HEAD: headers only
    } else if (headers.get("transfer-encoding") === "chunked") {
      for (;;) {
        const lineEnd = text.indexOf("\r\n", at);
        const size = parseInt(text.slice(at, lineEnd), 16);
        assert.ok(Number.isFinite(size), "bad chunk size");
        at = lineEnd + 2;
        if (size === 0) {
          assert.equal(text.slice(at, at + 2), "\r\n");
          at += 2;
          break;
        }
        body += text.slice(at, at + size);
        assert.equal(text.slice(at + size, at + size + 2), "\r\n", "chunk not closed by CRLF");
        at += size + 2;
      }
    } else if (headers.has("content-length")) {
      const n = Number(headers.get("content-length"));
      body = text.slice(at, at + n);
      assert.equal(body.length, n, "body shorter than content-length");
      at += n;
    } else {
      body = text.slice(at);
      at = text.length;
    }
    out.push({ status, headers, body: new TextDecoder().decode(enc.encode(body)) });
  }
  return out;
}

async function withSim(options: SimOptions, fn: (sim: SimHandle) => Promise<void>) {
  const sim = await startSim(options);
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

const FAST: SimOptions = { ttftMs: 1, ttftPerPromptTokenMs: 0, itlMs: 1 };

function post(path: string, body: unknown, extra = ""): string {
  const json = JSON.stringify(body);
  return `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
    `content-length: ${enc.encode(json).length}\r\n${extra}\r\n${json}`;
}

Deno.test("raw front: pipelined requests on one connection are answered in order", async () => {
  await withSim(FAST, async (sim) => {
    const wire = "GET /health HTTP/1.1\r\nhost: x\r\n\r\n" +
      post("/v1/completions", { prompt: "a", max_tokens: 3, ignore_eos: true, stream: true }) +
      post("/v1/completions", { prompt: "b", max_tokens: 2, ignore_eos: true }) +
      "GET /version HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    const rs = parseResponses(await exchange(sim.port, wire));
    assert.deepEqual(rs.map((r) => r.status), [200, 200, 200, 200]);
    assert.equal(rs[0].body, "");
    assert.equal(rs[0].headers.get("content-length"), "0");
    assert.equal(rs[1].headers.get("transfer-encoding"), "chunked");
    assert.match(rs[1].headers.get("content-type")!, /^text\/event-stream/);
    const events = rs[1].body.split("\n\n").filter((e) => e);
    assert.equal(events.length, 3 + 1);
    assert.equal(events.at(-1), "data: [DONE]");
    assert.equal(JSON.parse(rs[2].body).usage.completion_tokens, 2);
    assert.equal(typeof JSON.parse(rs[3].body).version, "string");
    assert.equal(rs[3].headers.get("connection"), "close");
  });
});

Deno.test("raw front: each token event leaves in its own chunk frame", async () => {
  await withSim(FAST, async (sim) => {
    const body = { prompt: "a", max_tokens: 5, ignore_eos: true, stream: true };
    const wire = post("/v1/completions", body, "connection: close\r\n");
    const text = dec.decode(await exchange(sim.port, wire));
    const frames = [...text.matchAll(/([0-9a-f]+)\r\n(data: [^\r]*)\r\n/g)];
    assert.ok(frames.length >= 4, text);
    for (const f of frames.slice(0, 4)) {
      assert.equal(parseInt(f[1], 16), enc.encode(f[2]).length);
      assert.equal(f[2].split("\n\n").filter((e) => e).length, 1, "one event per frame");
    }
  });
});

Deno.test("raw front: HEAD answers the GET's headers without a body, and keeps the connection", async () => {
  await withSim(FAST, async (sim) => {
    const wire = "HEAD /v1/models HTTP/1.1\r\nhost: x\r\n\r\n" +
      "GET /v1/models HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    const rs = parseResponses(await exchange(sim.port, wire), [true, false]);
    assert.equal(rs.length, 2);
    assert.equal(rs[0].body, "");
    assert.equal(rs[0].headers.get("content-length"), String(enc.encode(rs[1].body).length));
    assert.equal(JSON.parse(rs[1].body).object, "list");
  });
});

Deno.test("raw front: garbage and oversized heads get a 4xx and the connection closes", async () => {
  await withSim(FAST, async (sim) => {
    const cases: [string, number][] = [
      ["this is not http\r\n\r\n", 400],
      ["GET / HTTP/1.1\r\nbroken header\r\n\r\n", 400],
      [`GET / HTTP/1.1\r\nx: ${"a".repeat(70 * 1024)}\r\n\r\n`, 431],
      ["POST /v1/completions HTTP/1.1\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\n", 400],
    ];
    for (const [wire, status] of cases) {
      // Anything after the bad request is never served.
      const rs = parseResponses(await exchange(sim.port, wire + "GET /health HTTP/1.1\r\n\r\n"));
      assert.equal(rs.length, 1, wire.slice(0, 40));
      assert.equal(rs[0].status, status, wire.slice(0, 40));
      assert.equal(rs[0].headers.get("connection"), "close");
    }
  });
});

Deno.test("raw front: chunked request bodies and expect: 100-continue are understood", async () => {
  await withSim(FAST, async (sim) => {
    const json = JSON.stringify({ prompt: "one two three" });
    const chunked = `POST /tokenize HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n` +
      `connection: close\r\n\r\n5\r\n${json.slice(0, 5)}\r\n${(json.length - 5).toString(16)}\r\n${
        json.slice(5)
      }\r\n0\r\n\r\n`;
    const [r] = parseResponses(await exchange(sim.port, chunked));
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).count, 3);

    // The client waits for the interim 100 before it sends the body.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: sim.port });
    try {
      await conn.write(enc.encode(
        `POST /tokenize HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: ${json.length}` +
          `\r\nconnection: close\r\n\r\n`,
      ));
      const buf = new Uint8Array(1024);
      const n = await conn.read(buf);
      assert.equal(dec.decode(buf.subarray(0, n!)), "HTTP/1.1 100 Continue\r\n\r\n");
      await conn.write(enc.encode(json));
      const rs = parseResponses(await readToEnd(conn));
      assert.equal(rs[0].status, 200);
      assert.equal(JSON.parse(rs[0].body).count, 3);
    } finally {
      conn.close();
    }
  });
});

Deno.test("raw front: an HTTP/1.0 stream ends with the connection instead of chunks", async () => {
  await withSim(FAST, async (sim) => {
    const json = JSON.stringify({ prompt: "a", max_tokens: 3, ignore_eos: true, stream: true });
    const wire = `POST /v1/completions HTTP/1.0\r\ncontent-length: ${json.length}\r\n\r\n${json}`;
    const [r] = parseResponses(await exchange(sim.port, wire));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("transfer-encoding"), undefined);
    assert.ok(r.body.endsWith("data: [DONE]\n\n"), r.body);
  });
});

Deno.test("raw front: request size limits answer 413 and 431", async () => {
  const app = createSimApp(FAST);
  const server = serveHttp1(app.serve, {
    hostname: "127.0.0.1",
    port: 0,
    limits: { maxHeadBytes: 256, maxBodyBytes: 64 },
  });
  try {
    const big = post("/tokenize", { prompt: "x ".repeat(100) });
    assert.equal(parseResponses(await exchange(server.addr.port, big))[0].status, 413);
    const chunked = "POST /tokenize HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n" +
      `50\r\n${"x".repeat(80)}\r\n0\r\n\r\n`;
    assert.equal(parseResponses(await exchange(server.addr.port, chunked))[0].status, 413);
    const longHead = `GET /health HTTP/1.1\r\nx: ${"a".repeat(300)}\r\n\r\n`;
    assert.equal(parseResponses(await exchange(server.addr.port, longHead))[0].status, 431);
  } finally {
    app.close();
    await server.shutdown();
  }
});

Deno.test("raw front: a handler that throws is a 500 and the server keeps serving", async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const server = serveHttp1(() => {
    if (++calls === 1) return Promise.reject(new Error("boom"));
    return Promise.resolve({ status: 200, headers: {}, body: enc.encode("fine") });
  }, { hostname: "127.0.0.1", port: 0, onError: (e) => errors.push(e) });
  try {
    const wire = "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nconnection: close\r\n\r\n";
    const rs = parseResponses(await exchange(server.addr.port, wire));
    assert.deepEqual(rs.map((r) => [r.status, r.body]), [[500, "Internal Server Error"], [
      200,
      "fine",
    ]]);
    assert.equal(errors.length, 1);
  } finally {
    await server.shutdown();
  }
});

Deno.test("raw front: a client closing its socket mid-stream cancels the generation at once", async () => {
  await withSim({ ttftMs: 1, itlMs: 20 }, async (sim) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: sim.port });
    await conn.write(enc.encode(
      post("/v1/completions", { prompt: "a", max_tokens: 5000, ignore_eos: true, stream: true }),
    ));
    const buf = new Uint8Array(65536);
    let seen = "";
    while (!seen.includes('"text"')) seen += dec.decode(buf.subarray(0, (await conn.read(buf))!));
    assert.equal(sim.stats().running, 1);
    conn.close();
    // The pending read sees the close: no token write is needed to notice it.
    for (let i = 0; i < 200 && sim.stats().running > 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(sim.stats().running, 0);
    assert.equal(sim.stats().cancelled, 1);
  });
});

Deno.test("raw front: close() ends idle keep-alive connections and open streams", async () => {
  const sim = await startSim(FAST);
  const idle = await Deno.connect({ hostname: "127.0.0.1", port: sim.port });
  await idle.write(enc.encode("GET /health HTTP/1.1\r\nhost: x\r\n\r\n"));
  const buf = new Uint8Array(4096);
  assert.match(dec.decode(buf.subarray(0, (await idle.read(buf))!)), /^HTTP\/1\.1 200/);
  const streaming = await Deno.connect({ hostname: "127.0.0.1", port: sim.port });
  await streaming.write(enc.encode(
    post("/v1/completions", { prompt: "a", max_tokens: 20000, ignore_eos: true, stream: true }),
  ));
  let first = "";
  while (!first.includes('"text"')) {
    first += dec.decode(buf.subarray(0, (await streaming.read(buf))!));
  }
  assert.match(first, /^HTTP\/1\.1 200 /);
  await sim.close();
  // Both connections end: the idle one at once, the stream after a clean last chunk.
  assert.equal(await idle.read(buf).catch(() => null), null);
  const rest = dec.decode(await readToEnd(streaming));
  assert.ok(
    rest.endsWith("0\r\n\r\n"),
    `the stream ends with the last chunk: ${JSON.stringify(rest.slice(-300))}`,
  );
  assert.ok(!rest.includes("[DONE]"));
  idle.close();
  streaming.close();
});

Deno.test("raw front: curl streams and posts against it", async () => {
  await withSim(FAST, async (sim) => {
    const curl = async (...args: string[]) => {
      const out = await new Deno.Command("curl", { args: ["-sS", "--max-time", "10", ...args] })
        .output();
      assert.equal(out.code, 0, dec.decode(out.stderr));
      return dec.decode(out.stdout);
    };
    const streamed = await curl(
      "-N",
      `${sim.baseUrl}/chat/completions`,
      "-H",
      "content-type: application/json",
      "-d",
      JSON.stringify({
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 4,
        ignore_eos: true,
        stream: true,
      }),
    );
    const events = streamed.split("\n\n").filter((e) => e);
    assert.equal(events.length, 1 + 4 + 1); // role chunk, tokens, [DONE]
    assert.equal(events.at(-1), "data: [DONE]");
    const models = JSON.parse(await curl(`${sim.baseUrl}/models`));
    assert.equal(models.object, "list");
    const head = await curl("-I", `${sim.baseUrl}/models`);
    assert.match(head, /^HTTP\/1\.1 200 OK/);
    assert.match(head, /content-length: \d+/i);
  });
});
