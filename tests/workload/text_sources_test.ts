import assert from "node:assert/strict";
import { join } from "node:path";
import { KOREAN_WORDS, loadTextSource, wordStream } from "../../lib/workload/text_sources.ts";

Deno.test("a user text file gives its words in order, cycled", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "t.txt");
    await Deno.writeTextFile(path, "alpha  beta\n gamma\t");
    const src = await loadTextSource(path);
    assert.deepEqual(src.words, ["alpha", "beta", "gamma"]);
    assert.deepEqual(wordStream(src, 1).take(5), ["alpha", "beta", "gamma", "alpha", "beta"]);
    assert.deepEqual(wordStream(src, 1, { offset: 2 }).take(2), ["gamma", "alpha"]);
    await Deno.writeTextFile(path, "  \n");
    await assert.rejects(() => loadTextSource(path), /holds no words/);
    await assert.rejects(() => loadTextSource(join(dir, "missing.txt")), /Cannot read/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("word streams are prefix-stable and seeded; the Korean corpus is Hangul", async () => {
  const ko = await loadTextSource("korean");
  assert.ok(KOREAN_WORDS.length >= 100 && KOREAN_WORDS.every((w) => /^[\uac00-\ud7a3]+$/.test(w)));
  const s = wordStream(ko, 9);
  const first = s.take(10);
  assert.deepEqual(s.take(30).slice(0, 10), first);
  assert.deepEqual(wordStream(ko, 9).take(10), first);
  assert.notDeepEqual(wordStream(ko, 10).take(10), first);
});
