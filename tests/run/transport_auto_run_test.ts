/**
 * `--transport auto` and `--preconnect` through the real run path: auto resolves against the
 * proxy environment of the process (so those runs are child processes with their own env), and
 * preconnected connections are open before the first request reaches the server.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload } from "../helpers/llmload_cli.ts";
import { readJsonl, runInProcess } from "../helpers/run_in_process.ts";
import { type RawRequest, startRawHttpServer } from "../helpers/raw_http_server.ts";

/** Every proxy variable Deno reads, emptied: an empty value counts as unset (transport_choice). */
const NO_PROXY_ENV = {
  HTTP_PROXY: "",
  http_proxy: "",
  HTTPS_PROXY: "",
  https_proxy: "",
  ALL_PROXY: "",
  all_proxy: "",
  NO_PROXY: "",
  no_proxy: "",
};

/** A short OpenAI chat stream (one token chunk, finish, [DONE]) in chunked framing. */
function sseResponse(): string {
  const frame = (p: string) => `${new TextEncoder().encode(p).length.toString(16)}\r\n${p}\r\n`;
  const chunk = (content: string, finish: string | null) =>
    `data: ${
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta: { content }, finish_reason: finish }],
      })
    }\n\n`;
  return "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n" +
    frame(chunk("a", null)) + frame(chunk("b", "length")) + frame("data: [DONE]\n\n") +
    "0\r\n\r\n";
}

/** A forward proxy for plain http: rewrites `POST http://host/path` to `POST /path` and pipes. */
function startForwardProxy(to: { port: number }) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen: string[] = [];
  const conns: Deno.Conn[] = [];
  const pipe = async (from: Deno.Conn, into: Deno.Conn, rewrite: boolean) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        let bytes = buf.subarray(0, n);
        if (rewrite) {
          const text = new TextDecoder().decode(bytes).replace(
            /(^|\r\n)(GET|POST) http:\/\/[^/ ]+\/([^ ]*)/g,
            (_m, lead, method, path) => {
              seen.push(`${method} /${path}`);
              return `${lead}${method} /${path}`;
            },
          );
          bytes = new TextEncoder().encode(text);
        }
        for (let o = 0; o < bytes.length;) o += await into.write(bytes.subarray(o));
      }
    } catch {
      // Either side went away.
    }
    try {
      into.close();
    } catch {
      // Already closed.
    }
  };
  const loop = (async () => {
    try {
      for await (const client of listener) {
        const upstream = await Deno.connect({ hostname: "127.0.0.1", port: to.port });
        conns.push(client, upstream);
        pipe(client, upstream, true);
        pipe(upstream, client, false);
      }
    } catch {
      // Closed.
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    seen,
    async close() {
      listener.close();
      await loop;
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // Already closed.
        }
      }
    },
  };
}

/**
 * Answers every request: chat streams, a model list, 404 for anything else. Runs until the
 * test ends (a `next()` left waiting on a closed server holds no resource).
 */
function answerAll(server: ReturnType<typeof startRawHttpServer>, onPost: (r: RawRequest) => void) {
  (async () => {
    for (;;) {
      const r = await server.next();
      if (r.head.startsWith("POST /v1/chat/completions")) {
        onPost(r);
        await r.write(sseResponse());
      } else if (r.head.startsWith("GET /v1/models")) {
        const body = JSON.stringify({ object: "list", data: [{ id: "m", object: "model" }] });
        await r.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      } else {
        await r.write("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
      }
    }
  })();
}

const RUN = ["--max-tokens", "2", "--prompt-tokens", "8", "--metrics", "off", "--quiet"];

async function runChild(args: string[], env: Record<string, string>) {
  const out = await Deno.makeTempDir();
  try {
    const r = await llmload(["run", ...args, ...RUN, "--out", out], { env });
    assert.equal(r.code, 0, r.stderr);
    const [dir] = [...Deno.readDirSync(out)].filter((e) => e.isDirectory).map((e) => e.name);
    const runDir = join(out, dir);
    return {
      stderr: r.stderr,
      meta: JSON.parse(await Deno.readTextFile(join(runDir, "meta.json"))),
      records: await readJsonl(join(runDir, "requests.jsonl")),
    };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test("auto picks socket with no proxy in the environment and preconnects 64+ users", async () => {
  const { meta, records, stderr } = await runChild(
    ["--target", "sim", "--concurrency", "64", "--requests", "128"],
    NO_PROXY_ENV,
  );
  assert.equal(meta.transport, "auto");
  assert.equal(meta.transport_resolved, "socket");
  assert.equal(meta.preconnect.requested, "auto");
  assert.equal(meta.preconnect.planned, 64);
  assert.equal(meta.preconnect.opened, 64);
  assert.ok(!stderr.includes("chose fetch"), stderr);
  assert.equal(records.length, 128);
  assert.ok(records.every((r) => r.error === null));
  // Every user found a warm connection; a rare fresh one (server closed it) is allowed.
  const fresh = records.filter((r) => r.connect_ms !== undefined).length;
  assert.ok(fresh <= 8, `${fresh} requests opened their own connection`);
});

Deno.test("auto picks fetch when HTTP_PROXY applies, says so, and the requests go through the proxy", async () => {
  await using server = startRawHttpServer();
  answerAll(server, () => {});
  const proxy = startForwardProxy(server);
  try {
    const { meta, records, stderr } = await runChild(
      ["--url", server.url("/v1"), "--model", "m", "--concurrency", "2", "--requests", "4"],
      { ...NO_PROXY_ENV, HTTP_PROXY: proxy.url },
    );
    assert.equal(meta.transport, "auto");
    assert.equal(meta.transport_resolved, "fetch");
    assert.match(stderr, /transport: auto chose fetch because HTTP_PROXY applies to 127\.0\.0\.1/);
    assert.equal(meta.preconnect.opened, 0);
    assert.equal(records.length, 4);
    assert.ok(records.every((r) => r.error === null), JSON.stringify(records[0].error));
    // The proxy really carried them: the socket transport would have gone around it.
    const chats = proxy.seen.filter((m) => m === "POST /v1/chat/completions");
    assert.equal(chats.length, 4, proxy.seen.join(", "));
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("NO_PROXY naming the target keeps auto on socket, bypassing the proxy", async () => {
  await using server = startRawHttpServer();
  answerAll(server, () => {});
  const proxy = startForwardProxy(server);
  try {
    const { meta, records, stderr } = await runChild(
      ["--url", server.url("/v1"), "--model", "m", "--concurrency", "2", "--requests", "4"],
      { ...NO_PROXY_ENV, HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" },
    );
    assert.equal(meta.transport_resolved, "socket");
    assert.ok(!stderr.includes("chose fetch"), stderr);
    assert.ok(records.every((r) => r.error === null));
    assert.deepEqual(proxy.seen, []);
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("--preconnect N opens N connections before the first request reaches the server", async () => {
  await using server = startRawHttpServer();
  let acceptsAtFirstPost: number | undefined;
  const postConnections = new Set<number>();
  answerAll(server, (r) => {
    acceptsAtFirstPost ??= server.accepts;
    postConnections.add(r.connection);
  });
  try {
    const { meta, records } = await runInProcess([
      "--url",
      server.url("/v1"),
      "--model",
      "m",
      "--transport",
      "socket",
      "--preconnect",
      "20",
      "--concurrency",
      "10",
      "--requests",
      "30",
      ...RUN,
    ]);
    assert.equal(meta.preconnect.opened, 20);
    assert.equal(records.length, 30);
    assert.ok(records.every((r) => r.error === null));
    // 20 preconnected (+ whatever fetch opened for /models and the like) before the first POST.
    assert.ok(acceptsAtFirstPost! >= 20, `${acceptsAtFirstPost} accepted at the first request`);
    // The requests used warm connections only: none accepted after the load began.
    assert.ok(postConnections.size <= 20, `${postConnections.size} connections carried requests`);
    assert.ok([...postConnections].every((c) => c < acceptsAtFirstPost!));
    assert.ok(records.every((r) => r.connect_ms === undefined));
  } finally {
    await server.close();
  }
});

Deno.test("with --workers each worker preconnects its share before time 0", async () => {
  await using server = startRawHttpServer();
  let acceptsAtFirstPost: number | undefined;
  answerAll(server, () => {
    acceptsAtFirstPost ??= server.accepts;
  });
  const { meta, records } = await runInProcess([
    "--url",
    server.url("/v1"),
    "--model",
    "m",
    "--transport",
    "socket",
    "--preconnect",
    "21",
    "--workers",
    "2",
    "--concurrency",
    "10",
    "--requests",
    "20",
    ...RUN,
  ]);
  // 11 + 10: the workers split it as they split the users.
  assert.equal(meta.preconnect.planned, 21);
  assert.equal(meta.preconnect.opened, 21);
  assert.equal(records.length, 20);
  assert.ok(records.every((r) => r.error === null));
  assert.ok(acceptsAtFirstPost! >= 21, `${acceptsAtFirstPost} accepted at the first request`);
  assert.ok(records.every((r) => r.connect_ms === undefined));
});
