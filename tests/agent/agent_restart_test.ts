import assert from "node:assert/strict";
import { join } from "node:path";

const TOKEN = "restart-test-token";
const SECRET = "sk-restart-SECRET";
const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const QUICK = ["--target", "sim", "--gpu-sampler", "off", "--metrics", "off"];

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function spawnAgent(dataDir: string, port: number): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "agent", "--listen", `127.0.0.1:${port}`, "--data-dir", dataDir],
    env: { LLMLOAD_AGENT_TOKEN: TOKEN },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function call(port: number, method: string, path: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const status = (port: number, id: string, want: string[]) =>
  until(`${id} ${want}`, async () => {
    const t = (await call(port, "GET", `/tests/${id}`)).json();
    return want.includes(t.status) ? t : undefined;
  });

Deno.test("agent restart: a SIGKILLed agent's running test is interrupted with its partial requests, queued ones resume or fail for lost secrets", async () => {
  const dir = await Deno.makeTempDir();
  const port = freePort();
  let child = spawnAgent(dir, port);
  try {
    await until(
      "health",
      async () => (await call(port, "GET", "/health")).status === 200 || undefined,
    );
    const register = async (args: string[]) =>
      (await call(port, "POST", "/tests", { args: [...QUICK, ...args] })).json().id as string;
    const long = await register(["--rate", "4", "--duration", "20s"]);
    const secret = await register(["--requests", "2", "--api-key", SECRET]);
    const plain = await register(["--requests", "2"]);
    for (const id of [long, secret, plain]) {
      assert.equal((await call(port, "POST", `/tests/${id}/start`)).status, 202);
    }
    await status(port, long, ["running"]);
    // Wait until some requests have finished and the run directory is on record.
    await until("partial results", async () => {
      const r = await call(port, "GET", `/tests/${long}/requests.jsonl`);
      return r.status === 200 && r.text.trim().split("\n").length >= 2 || undefined;
    });
    child.kill("SIGKILL");
    await child.status;

    child = spawnAgent(dir, port);
    await until(
      "health",
      async () => (await call(port, "GET", "/health")).status === 200 || undefined,
    );
    const tests = (await call(port, "GET", "/tests")).json().tests;
    assert.deepEqual(tests.map((t: { id: string }) => t.id).sort(), [long, secret, plain].sort());
    const interrupted = (await call(port, "GET", `/tests/${long}`)).json();
    assert.equal(interrupted.status, "interrupted");
    const partial = await call(port, "GET", `/tests/${long}/requests.jsonl`);
    assert.equal(partial.status, 200);
    assert.ok(partial.text.trim().split("\n").length >= 2);
    const lost = (await call(port, "GET", `/tests/${secret}`)).json();
    assert.equal(lost.status, "failed");
    assert.match(lost.error, /secrets were held in memory only/);
    assert.equal((await status(port, plain, ["done", "failed"])).status, "done");

    for await (const f of walk(dir)) {
      assert.ok(!(await Deno.readTextFile(f)).includes(SECRET), f);
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
});

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else yield p;
  }
}
