import assert from "node:assert/strict";
import { join } from "node:path";
import { spawnLlmload } from "../helpers/llmload_cli.ts";
import { quietOnClosedPipe } from "../../lib/cli/cli_io.ts";

Deno.test("a writer whose pipe closed goes quiet; other write errors still throw", () => {
  let calls = 0;
  const closed = quietOnClosedPipe({
    writeSync: () => {
      calls++;
      throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
    },
  });
  closed("a\n");
  closed("b\n");
  assert.equal(calls, 1, "after the first broken write nothing more is tried");
  const full = quietOnClosedPipe({
    writeSync: () => {
      throw new Deno.errors.PermissionDenied("nope");
    },
  });
  assert.throws(() => full("x"), Deno.errors.PermissionDenied);
  const chunks: number[] = [];
  const partial = quietOnClosedPipe({
    writeSync: (p) => {
      chunks.push(p.length);
      return Math.min(p.length, 2);
    },
  });
  partial("hello");
  assert.deepEqual(chunks, [5, 3, 1], "short writes are retried until all bytes are out");
});

Deno.test("llmload run | head -1: the closed stdout neither crashes the run nor changes its exit code", async () => {
  const out = await Deno.makeTempDir();
  try {
    const child = spawnLlmload([
      "run",
      "--target",
      "sim",
      "--concurrency",
      "2",
      "--requests",
      "6",
      "--gpu-sampler",
      "off",
      "--out",
      out,
    ]);
    // Read the first line, then close our end as `head -1` does.
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    assert.ok(value && value.length > 0);
    await reader.cancel();
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    assert.equal(status.code, 0, stderr);
    assert.doesNotMatch(stderr, /BrokenPipe|Broken pipe|at async/);
    const runs = [...Deno.readDirSync(out)].filter((e) => e.isDirectory);
    assert.equal(runs.length, 1);
    const verdict = JSON.parse(await Deno.readTextFile(join(out, runs[0].name, "verdict.json")));
    assert.equal(verdict.exit_code, 0);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
