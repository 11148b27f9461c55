import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload } from "../helpers/llmload_cli.ts";

Deno.test("a broken --tokenizer exits 2 naming the file, for run and for sim, before anything starts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "tokenizer.json"), '{"model": ');
    const out = join(dir, "results");
    const run = await llmload(["run", "--target", "sim", "--tokenizer", dir, "--out", out]);
    assert.equal(run.code, 2);
    assert.ok(run.stderr.includes(`${join(dir, "tokenizer.json")}" is not valid JSON`), run.stderr);
    assert.equal([...Deno.readDirSync(dir)].length, 1, "no results directory");
    const sim = await llmload(["sim", "--port", "0", "--tokenizer", join(dir, "missing")]);
    assert.equal(sim.code, 2);
    assert.match(sim.stderr, /--tokenizer ".*missing": no such file or directory/);
    assert.doesNotMatch(sim.stderr, /listening/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
