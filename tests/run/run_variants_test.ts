import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { planServerVariants, type ServerVariantsInput } from "../../lib/config/server_variants.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { runVariants, type VariantRecord } from "../../lib/campaign/run_variants.ts";
import { portIsFree } from "../../lib/campaign/server_process.ts";
import { selfCommand } from "../../lib/campaign/self_command.ts";
import { splitCommand } from "../../lib/telemetry/split_command.ts";
import { processAlive } from "../helpers/process_alive.ts";

/** Processes whose process group is `pgid` and that still run (not zombies), from `ps`. */
function groupMembers(pgid: number): number[] {
  const out = new Deno.Command("ps", { args: ["-e", "-o", "pid=,pgid=,stat="] }).outputSync();
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => l.trim().split(/\s+/))
    .filter(([, g, stat]) => Number(g) === pgid && !stat.startsWith("Z"))
    .map(([pid]) => Number(pid));
}

/** Asserts the variant's server and its whole process group are gone and its port is free. */
function assertStopped(r: VariantRecord) {
  assert.ok(r.pid !== null && r.port !== null, `variant ${r.index} was started`);
  assert.equal(processAlive(r.pid!), false, `server of variant ${r.index} still runs`);
  assert.deepEqual(groupMembers(r.pid!), [], `group of variant ${r.index} still has processes`);
  assert.equal(portIsFree(r.port!), true, `port of variant ${r.index} is still taken`);
  assert.deepEqual(r.stop?.port_free, true);
}

/** A tiny load: closed loop, 1 user, `requests` requests of 32 prompt and 8 output tokens. */
function points(out: string, extra: string[] = []) {
  const { plan } = parseRunArgs([
    "--concurrency=1",
    "--requests=4",
    "--prompt-tokens=32",
    "--max-tokens=8",
    "--gpu-sampler=off",
    "--metrics=off",
    "--out",
    out,
    ...extra,
  ], {});
  return [{ index: 1, name: "", plan }];
}

function variants(input: Partial<ServerVariantsInput>) {
  return planServerVariants(
    { cmd: "{llmload} sim --port {port} --profile tiny", params: [], links: [], ...input },
    { split: splitCommand },
  );
}

const SIM = "{llmload} sim --port {port} --profile tiny";

async function withTemp(fn: (dir: string, lines: string[]) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "llmload-variants-" });
  const lines: string[] = [];
  try {
    await fn(dir, lines);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const io = (lines: string[]) => ({ log: (l: string) => lines.push(l), isTty: false, quiet: true });

Deno.test("variants run in matrix order; each server is started, measured, fully stopped, port freed", async () => {
  await withTemp(async (out, lines) => {
    const plan = variants({
      cmd: `${SIM} --max-num-batched-tokens {mnbt} --chunked-prefill={chunked}`,
      params: ["mnbt=256,512", "chunked=on,off"],
    });
    const outcome = await runVariants(plan, points(out), {
      io: io(lines),
      scenario: "matrix",
      out,
      pointHeading: "",
      llmload: selfCommand(),
    });
    assert.deepEqual(outcome.records.map((r) => r.label), [
      "mnbt=256 chunked=on",
      "mnbt=256 chunked=off",
      "mnbt=512 chunked=on",
      "mnbt=512 chunked=off",
    ]);
    // Started in that order too: each start is logged before the next.
    const starts = lines.filter((l) => / starting /.test(l)).map((l) => l.split(":")[0]);
    assert.deepEqual(
      starts,
      [1, 2, 3, 4].map((i) => `variant ${i}/4 (${outcome.records[i - 1].label})`),
    );
    for (const r of outcome.records) {
      assert.equal(r.status, "ok");
      assertStopped(r);
      assert.equal(r.points.length, 1);
      assert.equal(r.points[0].summary.requests.ok, 4);
      // The exact command line, with this variant's values and port, in variant.json and meta.json.
      assert.ok(r.argv!.includes(`--chunked-prefill=${r.params.chunked}`));
      assert.ok(r.argv!.includes(String(r.port)));
      const state = JSON.parse(
        await Deno.readTextFile(join(outcome.sweepDir, r.dir, "variant.json")),
      );
      assert.deepEqual(state.argv, r.argv);
      const meta = JSON.parse(
        await Deno.readTextFile(join(outcome.sweepDir, r.dir, r.points[0].run_id, "meta.json")),
      );
      assert.deepEqual(meta.server_variant.argv, r.argv);
      assert.deepEqual(meta.server_variant.params, r.params);
      assert.equal(meta.target.url, `http://127.0.0.1:${r.port}/v1`);
      // The server's own output went to its log.
      const log = await Deno.readTextFile(join(outcome.sweepDir, r.dir, "server.log"));
      assert.match(log, /llmload sim listening: http:\/\/127\.0\.0\.1:\d+/);
    }
    const saved = JSON.parse(await Deno.readTextFile(join(outcome.sweepDir, "variants.json")));
    assert.deepEqual(saved.variants.map((v: VariantRecord) => v.status), ["ok", "ok", "ok", "ok"]);
    assert.ok((await Deno.stat(join(outcome.sweepDir, "comparison.md"))).isFile);
    assert.ok((await Deno.stat(join(outcome.sweepDir, "comparison.html"))).isFile);
  });
});

Deno.test("a server that exits at once, one that crashes mid-run and one that runs out of memory are recorded; the sweep goes on", async () => {
  await withTemp(async (out, lines) => {
    const plan = variants({
      cmd: `${SIM} --crash-after-requests {crash} --crash-message {msg}`,
      params: [
        "crash=0,3,2,1000",
        "msg=bad flag: --port not allowed,RuntimeError: engine died,torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB,unused",
      ],
      links: ["crash,msg"],
    });
    const outcome = await runVariants(plan, points(out, ["--requests=6"]), {
      io: io(lines),
      scenario: "failures",
      out,
      pointHeading: "",
      llmload: selfCommand(),
    });
    const [early, mid, oom, ok] = outcome.records;
    assert.equal(early.status, "failed");
    assert.equal(early.failure!.kind, "exited_early");
    assert.equal(early.failure!.exit_code, 1);
    assert.ok(early.failure!.log_tail.some((l) => l.includes("bad flag: --port not allowed")));
    assert.deepEqual(early.points, []);

    assert.equal(mid.failure!.kind, "crashed_mid_run");
    assert.equal(mid.failure!.phase, "running");
    assert.ok(mid.failure!.log_tail.some((l) => l.includes("RuntimeError: engine died")));
    // What it did before dying is kept: the run's record shows the failed requests.
    assert.equal(mid.points.length, 1);
    assert.ok(mid.points[0].summary.requests.failed >= 1);

    assert.equal(oom.failure!.kind, "oom");
    assert.match(oom.failure!.oom_line!, /CUDA out of memory/);

    assert.equal(ok.status, "ok");
    assert.equal(ok.points[0].summary.requests.ok, 6);
    for (const r of outcome.records.slice(1)) assertStopped(r);
    assert.equal(early.pid === null || !processAlive(early.pid), true);
    const saved = JSON.parse(await Deno.readTextFile(join(outcome.sweepDir, "variants.json")));
    assert.deepEqual(
      saved.variants.map((v: VariantRecord) => v.failure?.kind ?? v.status),
      ["exited_early", "crashed_mid_run", "oom", "ok"],
    );
  });
});

Deno.test("a server that never becomes ready is killed (SIGTERM ignored: SIGKILL to its group) and recorded", async () => {
  await withTemp(async (out, lines) => {
    const fixture = new URL("../../fixtures/servers/never_ready.ts", import.meta.url).pathname;
    const plan = planServerVariants({
      cmd: `"${Deno.execPath()}" run -A "${fixture}" --port {port}`,
      params: [],
      links: [],
      readyTimeoutMs: 1_500,
      stopGraceMs: 300,
    }, { split: splitCommand });
    const outcome = await runVariants(plan, points(out), {
      io: io(lines),
      scenario: "never",
      out,
      pointHeading: "",
      llmload: selfCommand(),
    });
    const [r] = outcome.records;
    assert.equal(r.failure!.kind, "never_ready");
    assert.equal(r.failure!.exit_code, null, "still running when given up on");
    assert.deepEqual(r.stop?.forced, true);
    assert.ok(r.failure!.log_tail.some((l) => l.includes("loading model...")));
    assertStopped(r);
    const child = Number(/child pid (\d+)/.exec(r.failure!.log_tail.join("\n"))![1]);
    assert.equal(processAlive(child), false, "the server's own child was stopped with it");
  });
});

Deno.test("--resume skips the variants already done and runs the rest", async () => {
  await withTemp(async (out, lines) => {
    const plan = variants({
      cmd: `${SIM} --max-num-batched-tokens {mnbt}`,
      params: ["mnbt=256,512,1024"],
    });
    const first = await runVariants(plan, points(out), {
      io: io(lines),
      scenario: "resume",
      out,
      pointHeading: "",
      llmload: selfCommand(),
    });
    // As if interrupted during the third variant: its state file was never written.
    const third = first.records[2];
    await Deno.remove(join(first.sweepDir, third.dir, "variant.json"));
    lines.length = 0;
    const again = await runVariants(plan, points(out), {
      io: io(lines),
      scenario: "resume",
      out,
      pointHeading: "",
      llmload: selfCommand(),
      resume: first.sweepDir,
    });
    assert.equal(again.sweepDir, first.sweepDir);
    assert.deepEqual(lines.filter((l) => l.includes("skipped")), [
      "variant 1/3 (mnbt=256): ok earlier, skipped (--resume)",
      "variant 2/3 (mnbt=512): ok earlier, skipped (--resume)",
    ]);
    assert.equal(lines.filter((l) => / starting /.test(l)).length, 1);
    assert.deepEqual(again.records.slice(0, 2), first.records.slice(0, 2));
    assert.equal(again.records[2].status, "ok");
    assert.notEqual(again.records[2].points[0].run_id, third.points[0].run_id);
    assertStopped(again.records[2]);

    // Another matrix cannot continue this sweep.
    await assert.rejects(
      () =>
        runVariants(
          variants({ cmd: `${SIM} --max-num-batched-tokens {mnbt}`, params: ["mnbt=256"] }),
          points(out),
          {
            io: io(lines),
            scenario: "resume",
            out,
            pointHeading: "",
            llmload: selfCommand(),
            resume: first.sweepDir,
          },
        ),
      (e) => e instanceof UsageError && /give the same --server-cmd/.test(e.message),
    );
  });
});
