import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileAtomic } from "../../lib/fs/atomic_write.ts";

Deno.test("atomic write replaces the file and leaves no temp file behind", async () => {
  const dir = await Deno.makeTempDir({ prefix: "llmload-atomic-" });
  try {
    const path = join(dir, "summary.json");
    await writeFileAtomic(path, "first\n");
    assert.equal(await Deno.readTextFile(path), "first\n");
    const big = "é".repeat(300_000); // multi-byte, larger than one write
    await writeFileAtomic(path, big);
    assert.equal(await Deno.readTextFile(path), big);
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, ["summary.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed atomic write leaves the old file intact and no temp file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "llmload-atomic-" });
  try {
    // Renaming a file over a non-empty directory fails after the temp file was written.
    const path = join(dir, "report");
    await Deno.mkdir(path);
    await Deno.writeTextFile(join(path, "keep.txt"), "old");
    await assert.rejects(() => writeFileAtomic(path, "new"));
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, ["report"]);
    assert.equal(await Deno.readTextFile(join(path, "keep.txt")), "old");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
