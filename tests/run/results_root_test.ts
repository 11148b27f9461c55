import assert from "node:assert/strict";
import { join } from "node:path";
import { prepareResultsRoot } from "../../lib/results/results_root.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { llmload } from "../helpers/llmload_cli.ts";

async function usageMessage(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UsageError, `a UsageError, got ${e}`);
    return e.problems.join("\n");
  }
  throw new Error("no error");
}

Deno.test("--out: a file on the path, an uncreatable place or a run directory is a usage error naming it", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const file = join(tmp, "a-file");
    await Deno.writeTextFile(file, "x");
    assert.match(
      await usageMessage(prepareResultsRoot(join(file, "sub"))),
      /a-file\/sub".*is a file/,
    );
    assert.match(await usageMessage(prepareResultsRoot(file)), /is a file, not a directory/);
    // Under `deno task test` (explicit permissions, as the binary has) Deno refuses /proc itself.
    assert.match(
      await usageMessage(prepareResultsRoot("/proc/llmload-x")),
      /cannot be created|system directory/,
    );
    const run = join(tmp, "results", "20261206-120000-abcd");
    await Deno.mkdir(run, { recursive: true });
    await Deno.writeTextFile(join(run, "meta.json"), "{}");
    const msg = await usageMessage(prepareResultsRoot(run));
    assert.match(msg, /results directory itself \(it has meta\.json\).*--out ".*\/results"/);
    assert.equal(await prepareResultsRoot(join(tmp, "new", "root")), true, "created");
    assert.equal(await prepareResultsRoot(join(tmp, "new", "root")), false, "already there");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("llmload run --out under a file exits 2 with one line and no stack trace", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const file = join(tmp, "f");
    await Deno.writeTextFile(file, "x");
    const r = await llmload([
      "run",
      "--target",
      "sim",
      "--requests",
      "1",
      "--out",
      join(file, "o"),
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error: --out ".*f\/o": this path or a part of it is a file/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
