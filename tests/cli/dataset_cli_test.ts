import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload } from "../helpers/llmload_cli.ts";

const FIXTURES = new URL("../../fixtures/datasets/", import.meta.url).pathname;

Deno.test("a malformed dataset exits 2 naming file and lines, before any run directory exists", async () => {
  const out = await Deno.makeTempDir();
  const file = join(FIXTURES, "malformed.jsonl");
  const r = await llmload(["run", "--target", "sim", "--dataset", file, "--out", out]);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`error: dataset "${file}" line 2:`), r.stderr);
  assert.match(r.stderr, /line 3: .*prompt/);
  assert.match(r.stderr, /4 malformed records.*\(--dataset-on-error skip\)/);
  assert.deepEqual([...Deno.readDirSync(out)], []);
});

Deno.test("a missing dataset file exits 2 at flag checking", async () => {
  const out = await Deno.makeTempDir();
  const r = await llmload(["run", "--target", "sim", "--dataset", join(out, "nope.jsonl")]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--dataset must be the path of a dataset file \(no file ".*nope.jsonl"\)/);
});
