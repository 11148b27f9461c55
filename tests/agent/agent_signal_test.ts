import assert from "node:assert/strict";
import { join } from "node:path";
import { AGENT_TOKEN, agentClient, waitForStatus } from "../helpers/agent_client.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const QUICK = ["--target", "sim", "--gpu-sampler", "off", "--metrics", "off"];

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** `llmload agent` as its own process; its stderr is collected into `stderr()`. */
function spawnAgent(dataDir: string, port: number, extra: string[] = []) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "agent",
      "--listen",
      `127.0.0.1:${port}`,
      "--data-dir",
      dataDir,
      ...extra,
    ],
    env: { LLMLOAD_AGENT_TOKEN: AGENT_TOKEN },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const drained = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (text += chunk) }),
  );
  return { child, stderr: async () => (await drained, text) };
}

async function until(what: string, f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await f().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("agent process: SIGTERM ends running tests as interrupted with their partial results, queued ones wait for the next agent; --runners 2 warns", async () => {
  const dir = await Deno.makeTempDir();
  const port = freePort();
  const call = agentClient(`http://127.0.0.1:${port}`);
  let agent = spawnAgent(dir, port, ["--runners", "2"]);
  try {
    await until("health", async () => (await call("GET", "/health")).status === 200);
    const register = async (body: unknown) => (await call("POST", "/tests", body)).json().id;
    // Bounded: 20 s, and 4 points of 5 s.
    const single = await register({ args: [...QUICK, "--rate", "8", "--duration", "20s"] });
    const sweep = await register({
      scenario: "concurrency",
      args: [...QUICK, "--duration", "5s", "--max-tokens", "8", "--sim-itl", "5ms"],
    });
    const queued = await register({ args: [...QUICK, "--requests", "2"] });
    for (const id of [single, sweep, queued]) {
      assert.equal((await call("POST", `/tests/${id}/start`)).status, 202);
    }
    for (const id of [single, sweep]) {
      await until(`${id}: partial results`, async () => {
        const r = await call("GET", `/tests/${id}/requests.jsonl`);
        return r.status === 200 && r.text.trim().split("\n").length >= 2;
      });
    }
    agent.child.kill("SIGTERM");
    assert.equal((await agent.child.status).code, 0);
    const stderr = await agent.stderr();
    assert.match(stderr, /warning: --runners 2: .*disturb each other's numbers/);
    assert.match(stderr, /SIGTERM received/);
    const stored = async (id: string) =>
      JSON.parse(await Deno.readTextFile(join(dir, "tests", `${id}.json`)));
    assert.equal((await stored(single)).status, "interrupted");
    assert.equal((await stored(sweep)).status, "interrupted");
    assert.equal((await stored(queued)).status, "queued");

    // The next agent agrees: the interrupted tests keep their results, the queued one runs.
    agent = spawnAgent(dir, port);
    await until("health", async () => (await call("GET", "/health")).status === 200);
    const one = (await call("GET", `/tests/${single}`)).json();
    assert.equal(one.status, "interrupted");
    assert.match(one.error, /agent was stopped/);
    const report = (await call("GET", `/tests/${single}/report?format=json`)).json();
    assert.ok(report.request_num >= 2 && report.request_num < 160, String(report.request_num));
    assert.equal(report.summary.requests.total, report.request_num);
    assert.equal((await call("GET", `/tests/${sweep}`)).json().status, "interrupted");
    const sweepReport = (await call("GET", `/tests/${sweep}/report?format=json`)).json();
    assert.equal(sweepReport.sweep.interrupted, true);
    assert.deepEqual(sweepReport.points.map((p: { point: number }) => p.point), [1]);
    assert.equal((await waitForStatus(call, queued, ["done", "failed"])).status, "done");
  } finally {
    try {
      agent.child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await agent.child.status;
    await agent.stderr();
  }
});
