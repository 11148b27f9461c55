import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload, spawnLlmload } from "../helpers/llmload_cli.ts";

/** Whole lines in `path` (0 while it does not exist). */
function lines(path: string): number {
  try {
    return Deno.readTextFileSync(path).split("\n").filter((l) => l !== "").length;
  } catch {
    return 0;
  }
}

Deno.test("llmload report on a run killed with -9 rebuilds summary.json from its records, marked interrupted", async () => {
  const out = await Deno.makeTempDir();
  try {
    const child = spawnLlmload([
      "run",
      "--target",
      "sim",
      "--concurrency",
      "4",
      "--duration",
      "60s",
      "--max-tokens",
      "8",
      "--gpu-sampler",
      "off",
      "--out",
      out,
    ]);
    let dir: string | undefined;
    for (let i = 0; i < 600 && (dir === undefined || lines(join(dir, "requests.jsonl")) < 8); i++) {
      await new Promise((r) => setTimeout(r, 100));
      dir ??= [...Deno.readDirSync(out)].filter((e) =>
        e.isDirectory
      ).map((e) => join(out, e.name))[0];
    }
    assert.ok(dir, "the run started");
    child.kill("SIGKILL");
    await child.status;
    await Promise.all([child.stdout.cancel(), child.stderr.cancel()]);
    assert.throws(() => Deno.statSync(join(dir, "summary.json")), "killed before its summary");
    const sent = lines(join(dir, "requests.jsonl"));

    const r = await llmload(["report", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /had no summary\.json.*rebuilt/);
    const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    assert.equal(summary.interrupted, true);
    assert.equal(summary.requests.total + summary.requests.warmup, sent);
    assert.equal(summary.requests.failed, 0);
    assert.match(
      await Deno.readTextFile(join(dir, "report.md")),
      /interrupted \(the run ended without/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
