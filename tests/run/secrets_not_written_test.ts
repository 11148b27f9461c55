import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload } from "../helpers/llmload_cli.ts";
import { spawnSim } from "../../lib/sim/sim_process.ts";

/** Every file under `dir`, recursively, as text (`.gz` files decompressed). */
async function* filesText(dir: string): AsyncGenerator<[string, string]> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* filesText(p);
    else if (e.isFile) {
      const bytes = await Deno.readFile(p);
      const plain = p.endsWith(".gz")
        ? new Uint8Array(
          await new Response(
            new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")),
          ).arrayBuffer(),
        )
        : bytes;
      yield [p, new TextDecoder().decode(plain)];
    }
  }
}

/** Asserts no planted secret is in any file under `dir` or in the captured output. */
async function assertNoSecret(dir: string, output: string, secrets: string[]): Promise<number> {
  let files = 0;
  for await (const [path, text] of filesText(dir)) {
    files++;
    for (const s of secrets) assert.ok(!text.includes(s), `${s} written to ${path}`);
  }
  for (const s of secrets) assert.ok(!output.includes(s), `${s} printed:\n${output}`);
  return files;
}

Deno.test("a run against a URL with userinfo and an API key writes and prints neither", async () => {
  const out = await Deno.makeTempDir({ prefix: "llmload-secrets-" });
  const sim = await spawnSim({ profile: "tiny" });
  try {
    const url = sim.baseUrl.replace("http://", "http://alice:s3cr3tpw@");
    const planted = ["s3cr3tpw", "alice:", "sk-plantedFlag0a1b2c", "plantedTagV4l"];
    const r = await llmload([
      "run",
      "--url",
      url,
      "--api-key",
      "sk-plantedFlag0a1b2c",
      "--tag",
      "hf_token=plantedTagV4l",
      "--concurrency=1",
      "--requests=4",
      "--prompt-tokens=32",
      "--max-tokens=8",
      "--gpu-sampler=off",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const dir = /results: (.+)\n/.exec(r.stdout)![1];
    const meta = JSON.parse(await Deno.readTextFile(join(dir, "meta.json")));
    // The run did use the URL: it is recorded, userinfo hidden.
    assert.equal(meta.target.url, sim.baseUrl.replace("http://", "http://***@"));
    const files = await assertNoSecret(out, r.stdout + r.stderr, planted);
    assert.ok(files >= 5, `only ${files} files written`);
  } finally {
    await sim.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("server variants: secrets in --server-cmd, its output and OPENAI_API_KEY are never written or printed", async () => {
  const out = await Deno.makeTempDir({ prefix: "llmload-secrets-variants-" });
  try {
    // A wrapper that echoes its secrets to its own output (as a careless server might), then
    // starts the simulator; with x=2 it exits instead, so a failure's log tail is recorded too.
    const script = 'echo "args: $*"; echo "raw $4"; [ "$5" = 2 ] && exit 3; shift 5; exec "$@"';
    const planted = ["sk-planted2zz99", "plantedTok9q", "sk-plantedEnv9x8y7"];
    const r = await llmload([
      "run",
      "--server-cmd",
      `sh -c '${script}' sh --api-key sk-planted2zz99 --token plantedTok9q {x} ` +
      "{llmload} sim --port {port} --profile tiny",
      "--server-param",
      "x=1,2",
      "--concurrency=1",
      "--requests=4",
      "--prompt-tokens=32",
      "--max-tokens=8",
      "--gpu-sampler=off",
      "--out",
      out,
    ], { env: { OPENAI_API_KEY: "sk-plantedEnv9x8y7" } });
    // A failed variant makes the exit code 1 (the sweep itself completed).
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const dir = /results: (.+)\n/.exec(r.stdout)![1];
    const saved = JSON.parse(await Deno.readTextFile(join(dir, "variants.json")));
    assert.deepEqual(saved.variants.map((v: { status: string }) => v.status), ["ok", "failed"]);
    // The server did get (and echo) its secrets: the log shows where they were, hidden.
    const failed = saved.variants[1];
    assert.ok(failed.failure.log_tail.includes("raw ***"), failed.failure.log_tail.join("\n"));
    assert.ok(saved.server_cmd.includes("--api-key *** --token ***"), saved.server_cmd);
    await assertNoSecret(out, r.stdout + r.stderr, planted);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
