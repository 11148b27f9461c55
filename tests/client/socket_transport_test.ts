import assert from "node:assert/strict";
import { createSocketTransport } from "../../lib/client/socket_transport.ts";
import type { TransportRequest, TransportResponse } from "../../lib/client/transport.ts";
import { sendRequest } from "../../lib/client/stream_client.ts";
import type { Job } from "../../lib/client/types.ts";
import { startRawHttpServer } from "../helpers/raw_http_server.ts";

const decoder = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function post(signal = new AbortController().signal, body = '{"x":1}'): TransportRequest {
  return {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": "t-1" },
    body,
    signal,
  };
}

/** Every remaining body byte, and how many reads it took. */
async function readAll(res: TransportResponse): Promise<{ text: string; reads: number }> {
  let text = "";
  let reads = 0;
  for (;;) {
    const bytes = await res.read();
    if (bytes === null) return { text, reads };
    assert.ok(bytes.length > 0, "read() never returns an empty view");
    text += decoder.decode(bytes);
    reads++;
  }
}

const CHUNKED_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" +
  "transfer-encoding: chunked\r\n\r\n";

function frame(payload: string): string {
  return `${new TextEncoder().encode(payload).length.toString(16)}\r\n${payload}\r\n`;
}

Deno.test("socket transport writes host, content-length and the given headers, and reads the status", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const sending = transport.send(server.url("/v1/chat/completions?a=1"), post(undefined, "héllo"));
  const req = await server.next();
  assert.match(req.head, /^POST \/v1\/chat\/completions\?a=1 HTTP\/1\.1\r\n/);
  assert.match(req.head, new RegExp(`\r\nhost: 127\\.0\\.0\\.1:${server.port}\r\n`));
  assert.match(req.head, /\r\ncontent-length: 6\r\n/);
  assert.match(req.head, /\r\nx-request-id: t-1$/m);
  assert.equal(req.body, "héllo");
  await req.write(
    "HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\nX-Thing: a\r\nx-thing: b\r\n\r\nnot here!",
  );
  const res = await sending;
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("X-THING"), "a, b");
  assert.equal(res.headers.get("absent"), null);
  assert.equal(await res.text(), "not here!");
});

Deno.test("socket transport decodes a chunked body split at every byte position over two reads", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  // Two frames (one with a chunk extension), the terminal chunk and a trailer.
  const body = "5;name=val\r\nhello\r\nb\r\n world!!!!!\r\n0\r\nx-trailer: 1\r\n\r\n";
  const payload = "hello world!!!!!";
  // Which body bytes are payload, to know what a read must return after the first part.
  const isPayload = new Array(body.length).fill(false);
  for (const [at, len] of [[12, 5], [22, 11]]) {
    for (let k = at; k < at + len; k++) isPayload[k] = true;
  }
  assert.equal(isPayload.filter(Boolean).length, payload.length);
  for (let p = 0; p <= body.length; p++) {
    const sending = transport.send(server.url(), post());
    const req = await server.next();
    await req.write(CHUNKED_HEAD + body.slice(0, p));
    const res = await sending;
    let first = "";
    for (let k = 0; k < p; k++) if (isPayload[k]) first += body[k];
    let got = "";
    if (first !== "") {
      // The payload of every (partial) frame that arrived comes back before the rest is sent.
      const bytes = await res.read();
      got = decoder.decode(bytes!);
      assert.equal(got, first, `split at ${p}`);
    }
    await req.write(body.slice(p));
    got += (await readAll(res)).text;
    assert.equal(got, payload, `split at ${p}`);
  }
  assert.equal(server.accepts, 1, "every response ended cleanly, so one connection served all");
});

Deno.test("socket transport parses a response head split at every byte position", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const head = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\n";
  for (let p = 1; p < head.length; p++) {
    const sending = transport.send(server.url(), post());
    const req = await server.next();
    await req.write(head.slice(0, p));
    await sleep(1);
    await req.write(head.slice(p) + "hello");
    const res = await sending;
    assert.equal(res.status, 200, `split at ${p}`);
    assert.equal(res.headers.get("content-type"), "text/plain");
    assert.equal((await readAll(res)).text, "hello", `split at ${p}`);
  }
  assert.equal(server.accepts, 1);
});

Deno.test("socket transport returns every chunk frame that arrived together from one read()", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const sending = transport.send(server.url(), post());
  const req = await server.next();
  await req.write(CHUNKED_HEAD);
  const res = await sending;
  const events = Array.from({ length: 20 }, (_, i) => `data: {"token":${i}}\n\n`);
  await req.write(events.map(frame).join(""));
  const bytes = await res.read();
  assert.equal(decoder.decode(bytes!), events.join(""));
  await req.write("0\r\n\r\n");
  assert.equal(await res.read(), null);
});

Deno.test("socket transport keeps a connection alive across sequential requests (chunked and content-length)", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const responses = [
    CHUNKED_HEAD + frame("one") + "0\r\n\r\n",
    "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\ntwo",
    "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 5\r\n\r\nthree",
  ];
  const seen: string[] = [];
  for (const response of responses) {
    const sending = transport.send(server.url(), post());
    const req = await server.next();
    assert.equal(req.connection, 0);
    await req.write(response);
    seen.push(await (await sending).text());
  }
  assert.deepEqual(seen, ["one", "two", "three"]);
  assert.equal(server.accepts, 1);
  assert.equal(transport.connectionsOpened, 1);
});

Deno.test("socket transport honours connection: close and opens a new connection next time", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  for (let i = 0; i < 2; i++) {
    const sending = transport.send(server.url(), post());
    const req = await server.next();
    assert.equal(req.connection, i);
    await req.write("HTTP/1.1 200 OK\r\nConnection: Close\r\ncontent-length: 2\r\n\r\nok");
    const res = await sending;
    assert.equal(await res.text(), "ok");
    // We close it ourselves, without waiting for the server to.
    const closedAt = await req.clientClosed;
    assert.ok(closedAt > 0);
  }
  assert.equal(server.accepts, 2);
});

Deno.test("socket transport reads a body without length or chunking to the close and does not reuse it", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const sending = transport.send(server.url(), post());
  const req = await server.next();
  await req.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil");
  const res = await sending;
  assert.equal(decoder.decode((await res.read())!), "until");
  await req.write(" the end");
  req.close();
  assert.equal((await readAll(res)).text, " the end");
  const again = transport.send(server.url(), post());
  const req2 = await server.next();
  assert.equal(req2.connection, 1);
  await req2.write("HTTP/1.1 204 No Content\r\n\r\n");
  const res2 = await again;
  assert.equal(res2.hasBody, false);
  assert.equal(await res2.read(), null);
});

Deno.test("socket transport skips 1xx responses before the real one", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const sending = transport.send(server.url(), post());
  const req = await server.next();
  await req.write("HTTP/1.1 100 Continue\r\n\r\n");
  await sleep(2);
  await req.write("HTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\nHTTP/1.1 200 OK\r\n");
  await req.write("content-length: 2\r\n\r\nhi");
  const res = await sending;
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "hi");
});

Deno.test("socket transport: a server closing mid-chunk or before the last chunk fails read()", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  for (const tail of ["10\r\nonly half", frame("whole") /* no terminal chunk */]) {
    const sending = transport.send(server.url(), post());
    const req = await server.next();
    await req.write(CHUNKED_HEAD + frame("first"));
    const res = await sending;
    assert.equal(decoder.decode((await res.read())!), "first");
    await req.write(tail);
    await sleep(2);
    req.close();
    await assert.rejects(readAll(res), /connection closed before the last chunk/);
  }
  // A content-length body cut short, too.
  const sending = transport.send(server.url(), post());
  const req = await server.next();
  await req.write("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc");
  req.close();
  const res = await sending;
  await assert.rejects(readAll(res), /7 body bytes still to come/);
  assert.equal(server.accepts, 3, "a broken connection is never reused");
});

function sseJob(): Job {
  return {
    index: 0,
    phase: "measure",
    scheduledAt: 0,
    spec: { endpoint: "chat", model: "m", prompt: "hi", maxTokens: 8 },
  };
}

const tokenEvent = (i: number) =>
  `data: ${
    JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta: { content: `t${i}` }, finish_reason: null }],
    })
  }\n\n`;

Deno.test("over the socket transport a stream cut mid-chunk is a stream error that keeps its tokens", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const pending = sendRequest(sseJob(), {
    baseUrl: server.url("/v1"),
    timeoutMs: 5000,
    origin: performance.now(),
    transport,
  });
  const req = await server.next();
  assert.match(req.head, /^POST \/v1\/chat\/completions HTTP\/1\.1/);
  // Two token frames in one write, then half of a third, then the connection goes.
  await req.write(CHUNKED_HEAD + frame(tokenEvent(0)) + frame(tokenEvent(1)));
  const third = frame(tokenEvent(2));
  await req.write(third.slice(0, 30));
  await sleep(5);
  req.close();
  const r = await pending;
  assert.equal(r.error?.kind, "stream");
  assert.match(r.error!.message, /connection closed before the last chunk/);
  assert.equal(r.status, 200);
  assert.equal(r.tokenTimes.length, 2);
  assert.equal(r.tokenTimes[0], r.tokenTimes[1], "frames read together share one stamp");
});

Deno.test("socket transport: aborting the signal closes the connection and fails a pending read promptly", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const controller = new AbortController();
  const sending = transport.send(server.url(), post(controller.signal));
  const req = await server.next();
  await req.write(CHUNKED_HEAD + frame("a"));
  const res = await sending;
  assert.equal(decoder.decode((await res.read())!), "a");
  const reading = res.read();
  await sleep(20);
  const t0 = performance.now();
  controller.abort();
  await assert.rejects(reading);
  const rejectedAfter = performance.now() - t0;
  const serverSawCloseAfter = (await req.clientClosed) - t0;
  assert.ok(rejectedAfter < 100, `read rejected ${rejectedAfter} ms after the abort`);
  assert.ok(serverSawCloseAfter < 200, `server saw the close after ${serverSawCloseAfter} ms`);
  // Aborting while waiting for the head fails the send the same way.
  const c2 = new AbortController();
  const sending2 = transport.send(server.url(), post(c2.signal));
  const req2 = await server.next();
  c2.abort();
  await assert.rejects(sending2);
  await req2.clientClosed;
  assert.equal(server.accepts, 2);
});

Deno.test("socket transport retries once on a fresh connection when a pooled one turns out closed", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const first = transport.send(server.url(), post());
  const req1 = await server.next();
  await req1.write("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n1");
  assert.equal(await (await first).text(), "1");
  // The server drops the idle connection (a keep-alive timeout); our pool cannot know yet.
  req1.close();
  await sleep(10);
  const second = transport.send(server.url(), post());
  const req2 = await server.next();
  assert.equal(req2.connection, 1, "the request went again, on a new connection");
  await req2.write("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n2");
  assert.equal(await (await second).text(), "2");
  assert.equal(transport.connectionsOpened, 2);
});

Deno.test("socket transport does not retry once a byte of the response has arrived", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport();
  const first = transport.send(server.url(), post());
  const req1 = await server.next();
  await req1.write("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n1");
  assert.equal(await (await first).text(), "1");
  const second = transport.send(server.url(), post());
  const req2 = await server.next();
  assert.equal(req2.connection, 0, "reused");
  await req2.write("HTTP/1.1 2");
  req2.close();
  await assert.rejects(second, /inside the response head/);
  await sleep(10);
  assert.equal(server.accepts, 1);
});

Deno.test("socket transport does not reuse a connection idle longer than idleTimeoutMs", async () => {
  await using server = startRawHttpServer();
  using transport = createSocketTransport({ idleTimeoutMs: 5 });
  const reqs = [];
  for (let i = 0; i < 2; i++) {
    const sending = transport.send(server.url(), post());
    const req = await server.next();
    reqs.push(req);
    assert.equal(req.connection, i);
    await req.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    assert.equal(await (await sending).text(), "ok");
    if (i === 0) await sleep(20);
  }
  // The stale one was closed by us, not left open beside the new one.
  assert.ok((await reqs[0].clientClosed) > 0);
});

Deno.test("socket transport: connection refused rejects send with a message naming the target", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  using transport = createSocketTransport();
  await assert.rejects(
    transport.send(`http://127.0.0.1:${port}/v1`, post()),
    new RegExp(`cannot connect to http://127\\.0\\.0\\.1:${port}`),
  );
});

/** A throwaway CA and a localhost certificate it signed, or undefined without openssl. */
async function makeCerts(): Promise<{ ca: string; cert: string; key: string } | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "llmload-tls-" });
  const run = async (args: string[]) => {
    const out = await new Deno.Command("openssl", {
      args,
      cwd: dir,
      stderr: "null",
      stdout: "null",
    })
      .output();
    if (!out.success) throw new Error(`openssl ${args[0]} failed`);
  };
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await run([
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "1",
      "-subj",
      "/CN=llmload test CA",
    ]);
    await run(["req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost"]);
    await Deno.writeTextFile(
      `${dir}/ext.cnf`,
      "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n",
    );
    await run([
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "leaf.pem",
      "-days",
      "1",
      "-extfile",
      "ext.cnf",
    ]);
    const read = (f: string) => Deno.readTextFile(`${dir}/${f}`);
    return { ca: await read("ca.pem"), cert: await read("leaf.pem"), key: await read("leaf.key") };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("socket transport speaks https through TLS, with keep-alive", async (t) => {
  const certs = await makeCerts();
  if (certs === undefined) {
    await t.step({ name: "needs openssl to make certificates", ignore: true, fn: () => {} });
    return;
  }
  await using server = startRawHttpServer({ tls: { cert: certs.cert, key: certs.key } });
  using transport = createSocketTransport({ caCerts: [certs.ca] });
  for (const word of ["secure", "again"]) {
    const sending = transport.send(server.url("/v1"), post());
    const req = await server.next();
    assert.match(req.head, new RegExp(`\r\nhost: localhost:${server.port}\r\n`));
    await req.write(CHUNKED_HEAD + frame(word) + "0\r\n\r\n");
    assert.equal(await (await sending).text(), word);
  }
  assert.equal(server.accepts, 1);
});
