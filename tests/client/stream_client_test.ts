import assert from "node:assert/strict";
import { TargetGone } from "../../lib/client/target_gone.ts";
import { DRAIN_AFTER_DONE_MS, sendRequest } from "../../lib/client/stream_client.ts";
import type { ClientConfig, Endpoint, Job } from "../../lib/client/types.ts";
import type { Transport } from "../../lib/client/transport.ts";
import { createSocketTransport } from "../../lib/client/socket_transport.ts";
import type { ErrorKind, RequestRecord, TokenSource } from "../../lib/metrics/record.ts";
import {
  type Script,
  type ScriptedServer,
  startScriptedServer,
} from "../helpers/scripted_server.ts";

/**
 * Registers the test once per transport: fetch (the default, so `transport` is undefined) and
 * the raw-socket one, with its own keep-alive pool closed after the test.
 */
function clientTest(name: string, fn: (transport: Transport | undefined) => Promise<void>) {
  Deno.test(`${name} [fetch]`, () => fn(undefined));
  Deno.test(`${name} [socket]`, async () => {
    using transport = createSocketTransport();
    await fn(transport);
  });
}

function job(script: Script, opts: { endpoint?: Endpoint; index?: number } = {}): Job {
  return {
    index: opts.index ?? 0,
    phase: "measure",
    scheduledAt: 0,
    spec: {
      endpoint: opts.endpoint ?? "chat",
      model: "test-model",
      prompt: "Hello",
      maxTokens: 32,
      extraBody: { script },
    },
  };
}

function config(server: ScriptedServer, extra: Partial<ClientConfig> = {}): ClientConfig {
  return { baseUrl: server.baseUrl, timeoutMs: 10_000, origin: performance.now(), ...extra };
}

/** A loopback port with nothing listening on it. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * How the server saw the request end, once it has: "done" means the body was read to its end,
 * "cancelled" that the client cancelled it (Deno notices within a few ms, even mid-stall).
 */
async function serverOutcome(server: ScriptedServer, requestId: string): Promise<string> {
  const log = server.byId(requestId);
  assert.ok(log, `server never saw ${requestId}`);
  const deadline = performance.now() + 3000;
  while (log.outcome === "pending" && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return log.outcome;
}

function assertTimesOrdered(r: RequestRecord) {
  const times = [r.sentAt, ...(r.headersAt === undefined ? [] : [r.headersAt]), ...r.tokenTimes];
  for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] <= times[i], `times ${times}`);
  assert.ok(times[times.length - 1] <= r.endAt, `endAt ${r.endAt} before ${times.at(-1)}`);
}

clientTest(
  "a chat stream becomes an ok record with usage counts, ids and ordered times",
  async (transport) => {
    await using server = startScriptedServer();
    const j: Job = {
      ...job({ ttftMs: 20, itlMs: 5, tokens: 6, promptTokens: 17 }),
      index: 7,
      phase: "warmup",
      scheduledAt: -1.5,
      user: 3,
    };
    j.spec.requestedPromptTokens = 16;
    const r = await sendRequest(j, config(server, { transport }));
    assert.equal(r.error, undefined);
    assert.match(r.requestId, /^llmload-[0-9a-f-]{36}$/);
    const log = server.byId(r.requestId);
    assert.ok(log, "the server saw our x-request-id");
    assert.equal(r.responseId, log.responseId);
    assert.deepEqual(
      [r.index, r.phase, r.scheduledAt, r.user, r.model, r.requestedPromptTokens],
      [7, "warmup", -1.5, 3, "test-model", 16],
    );
    assert.equal(r.status, 200);
    assert.equal(r.finishReason, "length");
    assert.equal(r.promptTokens, 17);
    assert.equal(r.outputTokens, 6);
    assert.equal(r.outputTokensSource, "usage");
    // The role-only chunk sent with the headers is not a token: 6 events, the first after TTFT.
    assert.deepEqual(r.tokenCounts, [1, 1, 1, 1, 1, 1]);
    assert.equal(r.tokenTimes.length, 6);
    assert.ok(r.tokenTimes[0] - r.sentAt >= 19.4, `TTFT ${r.tokenTimes[0] - r.sentAt}`);
    assertTimesOrdered(r);
    assert.equal(await serverOutcome(server, r.requestId), "done");
  },
);

clientTest(
  "requests carry JSON, SSE accept, identity encoding, a fresh x-request-id and the key",
  async (transport) => {
    await using server = startScriptedServer();
    const withKey = await sendRequest(job({}), config(server, { transport, apiKey: "sk-test" }));
    const without = await sendRequest(job({}), config(server, { transport }));
    assert.notEqual(withKey.requestId, without.requestId);
    const a = server.byId(withKey.requestId)!;
    const b = server.byId(without.requestId)!;
    assert.equal(a.headers.get("content-type"), "application/json");
    assert.equal(a.headers.get("accept"), "text/event-stream");
    assert.equal(a.headers.get("accept-encoding"), "identity");
    assert.equal(a.headers.get("authorization"), "Bearer sk-test");
    assert.equal(b.headers.get("authorization"), null);
    assert.equal(a.path, "/v1/chat/completions");
    assert.equal(a.body?.stream, true);
    assert.deepEqual(a.body?.stream_options, { include_usage: true });
    assert.deepEqual(a.body?.messages, [{ role: "user", content: "Hello" }]);
  },
);

clientTest("a completions stream is posted to /completions and counted", async (transport) => {
  await using server = startScriptedServer();
  const r = await sendRequest(
    job({ tokens: 5 }, { endpoint: "completions" }),
    config(server, { transport, baseUrl: `${server.baseUrl}/` }),
  );
  assert.equal(r.error, undefined);
  const log = server.byId(r.requestId)!;
  assert.equal(log.path, "/v1/completions");
  assert.equal(log.body?.prompt, "Hello");
  assert.equal(r.tokenTimes.length, 5);
  assert.equal(r.outputTokens, 5);
  assert.match(r.responseId ?? "", /^cmpl-/);
});

clientTest(
  "token counts: continuous usage, final usage only, and the counted fallback",
  async (transport) => {
    await using server = startScriptedServer();
    const cases: [Script, number[], number, TokenSource][] = [
      [{ tokens: 10, tokensPerChunk: 4 }, [4, 4, 2], 10, "usage"],
      // Usage only at the end: its total is spread over the chunks, so ITL is per token.
      [{ tokens: 9, tokensPerChunk: 3, continuousUsage: false }, [3, 3, 3], 9, "usage"],
      // No usage: each "tok" event's text is estimated as one token.
      [{ tokens: 5, usageChunk: false }, [1, 1, 1, 1, 1], 5, "estimate"],
      [{ tokens: 3, roleChunk: false }, [1, 1, 1], 3, "usage"],
    ];
    for (const [script, counts, output, source] of cases) {
      const r = await sendRequest(job(script), config(server, { transport }));
      const name = JSON.stringify(script);
      assert.equal(r.error, undefined, name);
      assert.deepEqual(r.tokenCounts, counts, name);
      assert.equal(r.tokenTimes.length, counts.length, name);
      assert.equal(r.outputTokens, output, name);
      assert.equal(r.outputTokensSource, source, name);
    }
  },
);

clientTest(
  "\\r\\n line endings and keep-alive comments do not change what is counted",
  async (transport) => {
    await using server = startScriptedServer();
    const r = await sendRequest(
      job({ tokens: 4, crlf: true, comments: true }),
      config(server, { transport }),
    );
    assert.equal(r.error, undefined);
    assert.deepEqual(r.tokenCounts, [1, 1, 1, 1]);
    assert.equal(r.outputTokens, 4);
  },
);

clientTest("HTTP errors keep the status and the server's own message", async (transport) => {
  await using server = startScriptedServer();
  const cases: [Script, number, string][] = [
    [{ status: 500, errorMessage: "engine crashed" }, 500, "engine crashed"],
    [{ status: 429, errorMessage: "rate limited", errorShape: "openai" }, 429, "rate limited"],
    [{ status: 404, errorMessage: "model nope", errorShape: "detail" }, 404, "model nope"],
    [{ status: 503, errorMessage: "busy, try later", errorShape: "text" }, 503, "busy, try later"],
  ];
  for (const [script, status, message] of cases) {
    const r = await sendRequest(job(script), config(server, { transport }));
    assert.equal(r.error?.kind, "http");
    assert.equal(r.error?.status, status);
    assert.equal(r.status, status);
    assert.equal(r.error?.message, `HTTP ${status}: ${message}`);
    assert.notEqual(r.headersAt, undefined);
    assert.deepEqual(r.tokenTimes, []);
    assert.equal(r.outputTokens, 0);
  }
  const long = await sendRequest(
    job({ status: 500, errorShape: "text", errorMessage: "x".repeat(5000) }),
    config(server, { transport }),
  );
  assert.ok(long.error!.message.length < 400, `message length ${long.error!.message.length}`);
  // The route itself missing is an HTTP error too.
  const missing = await sendRequest(
    job({}),
    config(server, { transport, baseUrl: `${server.baseUrl}/nope` }),
  );
  assert.equal(missing.error?.kind, "http");
  assert.equal(missing.error?.status, 404);
  assert.equal(missing.error?.message, "HTTP 404: Not Found");
});

clientTest("connection refused is a connect error with no headers", async (transport) => {
  const port = closedPort();
  const r = await sendRequest(job({}), {
    transport,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    timeoutMs: 5000,
    origin: performance.now(),
  });
  assert.equal(r.error?.kind, "connect");
  assert.ok(r.error!.message.length > 0);
  assert.equal(r.headersAt, undefined);
  assert.equal(r.status, undefined);
  assert.equal(r.error?.status, undefined);
  assert.ok(r.endAt >= r.sentAt);
});

clientTest(
  "a connection cut mid-stream is a stream error that keeps the tokens received",
  async (transport) => {
    await using server = startScriptedServer();
    const r = await sendRequest(
      job({ tokens: 10, itlMs: 5, cutAfterChunks: 3 }),
      config(server, { transport }),
    );
    assert.equal(r.error?.kind, "stream");
    assert.equal(r.error?.status, 200);
    assert.equal(r.tokenTimes.length, 3);
    assert.equal(r.outputTokens, 3);
    assert.equal(r.outputTokensSource, "estimate");
    assert.equal(server.byId(r.requestId)?.outcome, "cut");
    assertTimesOrdered(r);
  },
);

clientTest("a stall before the first token past ttftTimeoutMs is a timeout", async (transport) => {
  await using server = startScriptedServer();
  const r = await sendRequest(
    job({ stallAfterChunks: 0, stallMs: 10_000 }),
    config(server, { transport, ttftTimeoutMs: 200 }),
  );
  assert.equal(r.error?.kind, "timeout");
  assert.match(r.error!.message, /ttftTimeoutMs=200/);
  assert.equal(r.error?.status, 200);
  assert.deepEqual(r.tokenTimes, []);
  const took = r.endAt - r.sentAt;
  assert.ok(took >= 199 && took < 2000, `ended after ${took} ms`);
  assert.equal(await serverOutcome(server, r.requestId), "cancelled");
});

clientTest(
  "a stall mid-stream past timeoutMs is a timeout that keeps the tokens so far",
  async (transport) => {
    await using server = startScriptedServer();
    const r = await sendRequest(
      job({ tokens: 6, stallAfterChunks: 2, stallMs: 10_000 }),
      config(server, { transport, timeoutMs: 300, ttftTimeoutMs: 5000 }),
    );
    assert.equal(r.error?.kind, "timeout");
    assert.match(r.error!.message, /timeoutMs=300/);
    assert.equal(r.tokenTimes.length, 2);
    const took = r.endAt - r.sentAt;
    assert.ok(took >= 299 && took < 2000, `ended after ${took} ms`);
    assert.equal(await serverOutcome(server, r.requestId), "cancelled");
  },
);

clientTest(
  "headers later than connectTimeoutMs are a timeout without headersAt",
  async (transport) => {
    await using server = startScriptedServer();
    const r = await sendRequest(
      job({ headersDelayMs: 10_000 }),
      config(server, { transport, connectTimeoutMs: 150 }),
    );
    assert.equal(r.error?.kind, "timeout");
    assert.match(r.error!.message, /connectTimeoutMs=150/);
    assert.equal(r.headersAt, undefined);
    assert.equal(r.status, undefined);
  },
);

clientTest(
  "a data line that is not JSON is a parse error that stops the stream",
  async (transport) => {
    await using server = startScriptedServer();
    const r = await sendRequest(
      job({ tokens: 8, itlMs: 20, invalidJsonAfterChunks: 2 }),
      config(server, { transport }),
    );
    assert.equal(r.error?.kind, "parse");
    assert.match(r.error!.message, /not valid JSON: \{"id":"chatcmpl-scripted-1","choices":\[\{/);
    assert.equal(r.tokenTimes.length, 2);
    // We stop reading at once and cancel the body, rather than let the server stream on.
    assert.ok(r.endAt - r.sentAt < 100, `ended after ${r.endAt - r.sentAt} ms`);
    assert.equal(await serverOutcome(server, r.requestId), "cancelled");
  },
);

clientTest(
  "an error event inside the stream is a stream error quoting the server",
  async (transport) => {
    await using server = startScriptedServer();
    const r = await sendRequest(
      job({ tokens: 8, errorEventAfterChunks: 1 }),
      config(server, { transport }),
    );
    assert.equal(r.error?.kind, "stream");
    assert.match(r.error!.message, /scripted engine error/);
    assert.equal(r.tokenTimes.length, 1);
  },
);

clientTest(
  "a missing [DONE] is fine after a finish_reason and a stream error without one",
  async (transport) => {
    await using server = startScriptedServer();
    const ok = await sendRequest(job({ tokens: 3, omitDone: true }), config(server, { transport }));
    assert.equal(ok.error, undefined);
    assert.equal(ok.finishReason, "length");
    assert.equal(ok.outputTokens, 3);
    const bad = await sendRequest(
      job({ tokens: 3, omitDone: true, omitFinishReason: true }),
      config(server, { transport }),
    );
    assert.equal(bad.error?.kind, "stream");
    assert.match(bad.error!.message, /without \[DONE\] or a finish_reason/);
    assert.equal(bad.tokenTimes.length, 3);
  },
);

clientTest(
  "aborting the run's signal cancels a request mid-stream and keeps its tokens",
  async (transport) => {
    await using server = startScriptedServer();
    const controller = new AbortController();
    const pending = sendRequest(
      job({ tokens: 100, itlMs: 10 }),
      config(server, { transport, signal: controller.signal }),
    );
    const timer = setTimeout(() => controller.abort(), 120);
    const r = await pending;
    clearTimeout(timer);
    assert.equal(r.error?.kind, "cancelled");
    assert.ok(r.tokenTimes.length >= 3 && r.tokenTimes.length < 100, `${r.tokenTimes.length}`);
    assert.equal(r.error?.status, 200);
    assert.equal(await serverOutcome(server, r.requestId), "cancelled");
  },
);

clientTest(
  "a run stopped because its server died records the cut requests as stream failures",
  async (transport) => {
    await using server = startScriptedServer();
    const controller = new AbortController();
    const pending = sendRequest(
      job({ tokens: 100, itlMs: 10 }),
      config(server, { transport, signal: controller.signal }),
    );
    const timer = setTimeout(
      () => controller.abort(new TargetGone("the server process exited")),
      120,
    );
    const r = await pending;
    clearTimeout(timer);
    assert.equal(r.error?.kind, "stream");
    assert.match(r.error!.message, /server process exited/);
  },
);

clientTest("a request whose signal is already aborted is never sent", async (transport) => {
  await using server = startScriptedServer();
  const r = await sendRequest(job({}), config(server, { transport, signal: AbortSignal.abort() }));
  assert.equal(r.error?.kind, "cancelled");
  assert.equal(server.requests.length, 0);
  assert.equal(r.sentAt, r.endAt);
});

clientTest(
  "a body held open after [DONE] is dropped after the drain limit; the record is ok",
  async (transport) => {
    await using server = startScriptedServer();
    const t0 = performance.now();
    const r = await sendRequest(
      job({ tokens: 2, holdOpenMs: 20_000 }),
      config(server, { transport }),
    );
    const waited = performance.now() - t0;
    assert.equal(r.error, undefined);
    assert.ok(r.endAt - r.sentAt < 500, "endAt is stamped at [DONE]");
    assert.ok(
      waited >= DRAIN_AFTER_DONE_MS - 1 && waited < DRAIN_AFTER_DONE_MS + 2000,
      `${waited}`,
    );
  },
);

clientTest(
  "a concurrent batch of mixed failures all resolve with the right kinds; the run goes on",
  async (transport) => {
    await using server = startScriptedServer();
    const refused = { baseUrl: `http://127.0.0.1:${closedPort()}/v1` };
    const controller = new AbortController();
    const kinds: [Script, ErrorKind | undefined, Partial<ClientConfig>][] = [
      [{ tokens: 5, itlMs: 2 }, undefined, {}],
      [{ status: 500 }, "http", {}],
      [{ status: 429, errorShape: "openai" }, "http", {}],
      [{ tokens: 6, itlMs: 2, cutAfterChunks: 2 }, "stream", {}],
      [{ tokens: 6, invalidJsonAfterChunks: 1 }, "parse", {}],
      [{ stallAfterChunks: 0, stallMs: 10_000 }, "timeout", { ttftTimeoutMs: 250 }],
      [{}, "connect", refused],
      [{ tokens: 3, omitDone: true, omitFinishReason: true }, "stream", {}],
      [{ tokens: 1000, itlMs: 5 }, "cancelled", { signal: controller.signal }],
    ];
    const jobs = Array.from({ length: 45 }, (_, i) => i);
    const timer = setTimeout(() => controller.abort(), 150);
    const settled = await Promise.allSettled(jobs.map((i) => {
      const [script, , extra] = kinds[i % kinds.length];
      return sendRequest(job(script, { index: i }), config(server, { transport, ...extra }));
    }));
    clearTimeout(timer);
    const records = settled.map((s) => {
      assert.equal(s.status, "fulfilled", "sendRequest never rejects");
      return (s as PromiseFulfilledResult<RequestRecord>).value;
    });
    for (const r of records) {
      assert.equal(r.error?.kind, kinds[r.index % kinds.length][1], `job ${r.index}`);
    }
    assert.equal(new Set(records.map((r) => r.requestId)).size, records.length);
    // And the next request on the same server still works.
    const after = await sendRequest(job({ tokens: 2 }), config(server, { transport }));
    assert.equal(after.error, undefined);
  },
);
