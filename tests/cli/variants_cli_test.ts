import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload } from "../helpers/llmload_cli.ts";
import { variantsRequest } from "../../lib/cli/variant_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import chunkedPrefillAb from "../../scenarios/chunked_prefill_ab.ts";
import { processAlive, waitFor } from "../helpers/process_alive.ts";
import { deadPid, killIfAlive, recordSweep, startOrphan } from "../helpers/recorded_orphan.ts";

Deno.test("llmload run chunked-prefill-ab: ON/OFF comparison table, chunked prefill keeps ITL down", async () => {
  const out = await Deno.makeTempDir({ prefix: "llmload-cpab-" });
  try {
    // One of the three lengths and fewer requests: the same servers and load, shorter.
    const r = await llmload([
      "run",
      "chunked-prefill-ab",
      "--prompt-tokens",
      "6000",
      "--requests",
      "4",
      "--gpu-sampler",
      "off",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /llmload chunked-prefill-ab · server variants/);
    assert.match(
      r.stdout,
      /ITL p99, ms \(lower is better\)\ninput tokens +chunked=on +chunked=off +chunked=off vs chunked=on\n-+\n6000 /,
    );
    const dir = /results: (.+)\n/.exec(r.stdout)![1];
    const saved = JSON.parse(await Deno.readTextFile(join(dir, "variants.json")));
    assert.deepEqual(saved.variants.map((v: { label: string }) => v.label), [
      "chunked=on",
      "chunked=off",
    ]);
    const [on, off] = saved.variants.map((
      v: { points: { summary: { itl_ms: { p99: number } } }[] },
    ) => v.points[0].summary);
    // Off, each 6000-token prefill is one step that stalls every running decode; on, a 512-token
    // budget splits it, and decodes keep flowing between the chunks.
    assert.ok(
      off.itl_ms.p99 > 3 * on.itl_ms.p99,
      `ITL p99 on ${on.itl_ms.p99}, off ${off.itl_ms.p99}`,
    );
    // ... at the price of a longer time to first token for the long prompt itself.
    assert.ok(
      on.ttft_ms.p50 > off.ttft_ms.p50,
      `TTFT p50 on ${on.ttft_ms.p50}, off ${off.ttft_ms.p50}`,
    );
    const md = await Deno.readTextFile(join(dir, "comparison.md"));
    assert.match(
      md,
      /\| input tokens \| +chunked=on \| +chunked=off \| chunked=off vs chunked=on \|/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bad --server-param and --link: exit 2, every problem listed, nothing started", async () => {
  const out = await Deno.makeTempDir({ prefix: "llmload-varerr-" });
  try {
    const r = await llmload([
      "run",
      "--server-cmd",
      "vllm serve {model} --port {port} --x {chunked}",
      "--server-param",
      "chunked",
      "--server-param",
      "mnbt=1,2",
      "--link",
      "mnbt,tp",
      "--url",
      "http://127.0.0.1:9/v1",
      "--requests",
      "1",
      "--out",
      out,
    ]);
    assert.equal(r.code, 2, r.stderr);
    const errors = r.stderr.trim().split("\n");
    for (
      const want of [
        /--url cannot be combined with server variants/,
        /--server-param "chunked" must be NAME=V1,V2/,
        /--server-cmd uses \{model\}: give --model NAME/,
        /--server-param mnbt: \{mnbt\} does not appear in --server-cmd/,
        /--link "mnbt,tp": tp is not a --server-param/,
      ]
    ) assert.ok(errors.some((l) => want.test(l)), `${want} in\n${r.stderr}`);
    assert.deepEqual([...Deno.readDirSync(out)], []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a scenario's server block: a --server-param narrows it, --target sim drops it", () => {
  const server = chunkedPrefillAb.server!;
  const narrowed = variantsRequest({ "server-param": ["chunked=off"] }, { scenario: server })!;
  assert.deepEqual(narrowed.plan.variants.map((v) => v.label), ["chunked=off"]);
  assert.equal(narrowed.plan.readyTimeoutMs, 60_000);
  const all = variantsRequest({}, { scenario: server })!;
  assert.deepEqual(all.plan.variants.map((v) => v.label), ["chunked=on", "chunked=off"]);
  assert.equal(variantsRequest({ target: "sim" }, { scenario: server }), undefined);
  assert.throws(
    () => variantsRequest({ target: "sim", "server-cmd": "x --port {port}" }, {}),
    (e) => e instanceof UsageError && /--target sim cannot be combined/.test(e.message),
  );
  assert.throws(
    () => variantsRequest({ resume: "/nonexistent/dir" }, {}),
    (e) => e instanceof UsageError && /--resume needs --server-cmd/.test(e.message),
  );
});

Deno.test("llmload sim --crash-message without --crash-after-requests is a usage error", async () => {
  const r = await llmload(["sim", "--crash-message", "boom", "--crash-after-requests", "x"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--crash-after-requests must be a whole number ≥ 0 \(got "x"\)/);
  const r2 = await llmload(["sim", "--crash-message", "boom"]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /--crash-message needs --crash-after-requests N/);
});

Deno.test("llmload variants --cleanup stops a recorded server left running, then finds none", async () => {
  const out = await Deno.makeTempDir({ prefix: "llmload-cleanup-" });
  const server = await startOrphan(["sleep", "3611"]);
  const recycled = await startOrphan(["sleep", "3612"]);
  try {
    await recordSweep(out, [
      { label: "chunked=on", pid: server, argv: ["sleep", "3611"] },
      { label: "chunked=off", pid: recycled, argv: ["sim", "--port", "1"] },
    ], await deadPid());
    const r = await llmload(["variants", "--cleanup", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^stopped orphaned server pid ${server} \\(chunked=on of `));
    assert.equal(r.stdout.trim().split("\n").length, 1, r.stdout);
    assert.ok(await waitFor(() => !processAlive(server), 10_000), "the server was stopped");
    assert.ok(processAlive(recycled), "a pid running another command is left alone");
    const again = await llmload(["variants", "--cleanup", "--out", out]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^no recorded servers running/);
  } finally {
    killIfAlive(server);
    killIfAlive(recycled);
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("llmload variants without --cleanup, or with a missing --out, is a usage error", async () => {
  const none = await llmload(["variants"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /give --cleanup/);
  const missing = await llmload(["variants", "--cleanup", "--out", "/nonexistent/results"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--out "\/nonexistent\/results": no such directory/);
});

Deno.test("a variants run first stops the servers an earlier run left under its --out, and records its own", async () => {
  const out = await Deno.makeTempDir({ prefix: "llmload-cleanup-run-" });
  const server = await startOrphan(["sleep", "3613"]);
  try {
    await recordSweep(out, [{ label: "v", pid: server, argv: ["sleep", "3613"] }], await deadPid());
    const r = await llmload([
      "run",
      "--server-cmd",
      "{llmload} sim --port {port} --profile tiny",
      "--requests",
      "2",
      "--concurrency",
      "1",
      "--prompt-tokens",
      "16",
      "--max-tokens",
      "4",
      "--gpu-sampler",
      "off",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`stopped orphaned server pid ${server} `));
    // Stopped before this run's own server started.
    assert.ok(r.stderr.indexOf("stopped orphaned") < r.stderr.indexOf("variant 1/1"), r.stderr);
    assert.equal(processAlive(server), false);
    const dir = /results: (.+)\n/.exec(r.stdout)![1];
    const saved = JSON.parse(await Deno.readTextFile(join(dir, "variants.json")));
    assert.equal(typeof saved.llmload_pid, "number");
    assert.equal(saved.host, Deno.hostname());
    const [v] = saved.variants;
    assert.equal(typeof v.pid, "number");
    assert.match(v.argv.join(" "), / sim --port \d+ --profile tiny$/);
    assert.deepEqual(v.stop?.port_free, true);
  } finally {
    killIfAlive(server);
    await Deno.remove(out, { recursive: true });
  }
});
