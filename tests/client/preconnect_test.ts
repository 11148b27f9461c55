import assert from "node:assert/strict";
import { createSocketTransport } from "../../lib/client/socket_transport.ts";
import { sendRequest } from "../../lib/client/stream_client.ts";
import type { ClientConfig, Job } from "../../lib/client/types.ts";
import { startScriptedServer } from "../helpers/scripted_server.ts";

function job(index: number): Job {
  return {
    index,
    phase: "measure",
    scheduledAt: 0,
    spec: { endpoint: "chat", model: "m", prompt: "Hi", maxTokens: 4, extraBody: { script: {} } },
  };
}

/** A plain listener on 127.0.0.1 that only counts the connections it accepted. */
function countingListener() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const done = (async () => {
    try {
      for await (const c of listener) conns.push(c);
    } catch {
      // Closed.
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/v1`,
    get accepted() {
      return conns.length;
    },
    async close() {
      listener.close();
      await done;
      for (const c of conns) c.close();
    },
  };
}

Deno.test("preconnect opens N connections before any request, spread over a few lanes", async () => {
  const server = countingListener();
  try {
    using transport = createSocketTransport();
    const result = await transport.preconnect(server.url, 50, { maxOutstanding: 8 });
    assert.equal(result.opened, 50);
    assert.equal(result.failed, 0);
    assert.equal(transport.connectionsOpened, 50);
    // The server has accepted them all once preconnect resolves (give its loop a moment).
    for (let i = 0; i < 100 && server.accepted < 50; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(server.accepted, 50);
  } finally {
    await server.close();
  }
});

Deno.test("preconnect counts refused connects and never rejects", async () => {
  const server = countingListener();
  const url = server.url;
  await server.close();
  using transport = createSocketTransport();
  const result = await transport.preconnect(url, 3);
  assert.deepEqual([result.opened, result.failed], [0, 3]);
  assert.match(result.firstError!, /cannot connect to http:\/\/127\.0\.0\.1:\d+/);
});

Deno.test("preconnected connections serve the first requests: no new accepts, no connect_ms", async () => {
  await using server = startScriptedServer();
  using transport = createSocketTransport();
  const result = await transport.preconnect(server.baseUrl, 4);
  assert.equal(result.opened, 4);
  const config: ClientConfig = {
    baseUrl: server.baseUrl,
    timeoutMs: 10_000,
    origin: performance.now(),
    transport,
  };
  const records = await Promise.all([0, 1, 2, 3].map((i) => sendRequest(job(i), config)));
  for (const r of records) {
    assert.equal(r.error, undefined);
    assert.equal(r.connectMs, undefined, "a pooled connection was reused");
  }
  assert.equal(transport.connectionsOpened, 4);
});

Deno.test("connect_ms is set for a request that opened its connection, absent once reused", async () => {
  await using server = startScriptedServer();
  using transport = createSocketTransport();
  const config: ClientConfig = {
    baseUrl: server.baseUrl,
    timeoutMs: 10_000,
    origin: performance.now(),
    transport,
  };
  const first = await sendRequest(job(0), config);
  assert.equal(first.error, undefined);
  assert.equal(typeof first.connectMs, "number");
  assert.ok(first.connectMs! >= 0);
  // The connect happened inside the request: between sentAt and headersAt (wide margin).
  assert.ok(first.connectMs! <= first.headersAt! - first.sentAt + 0.001);
  const second = await sendRequest(job(1), config);
  assert.equal(second.error, undefined);
  assert.equal(second.connectMs, undefined);
  assert.equal(transport.connectionsOpened, 1);
});

Deno.test("with fetch connect_ms is absent: the transport cannot tell", async () => {
  await using server = startScriptedServer();
  const r = await sendRequest(job(0), {
    baseUrl: server.baseUrl,
    timeoutMs: 10_000,
    origin: performance.now(),
  });
  assert.equal(r.error, undefined);
  assert.equal(r.connectMs, undefined);
});
