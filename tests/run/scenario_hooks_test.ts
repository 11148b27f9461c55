import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import type { HookContext } from "../../lib/config/scenario.ts";
import { runSweep } from "../../lib/campaign/run_sweep.ts";
import { runWithHooks } from "../../lib/run/run_with_hooks.ts";
import { HookError } from "../../lib/run/scenario_hooks.ts";
import { startScriptedServer } from "../helpers/scripted_server.ts";

const generation = (s: ReturnType<typeof startScriptedServer>) =>
  s.requests.filter((r) => r.path.endsWith("completions")).length;

function ioWithLog() {
  const lines: string[] = [];
  return { lines, io: { log: (l: string) => lines.push(l), isTty: false, quiet: true } };
}

function planFor(url: string, out: string, extra: string[] = []) {
  return parseRunArgs(
    ["--url", url, "--model", "m", "--requests", "3", "--api-key", "sk-x", "--out", out, ...extra],
    {},
  ).plan;
}

Deno.test("setup runs with the resolved target before the first request, teardown after the last; meta.json times both", async () => {
  await using server = startScriptedServer();
  const out = await Deno.makeTempDir();
  const events: string[] = [];
  try {
    const { io, lines } = ioWithLog();
    let seen: HookContext | undefined;
    let setupEndedAt = Infinity;
    const outcome = await runWithHooks(planFor(server.baseUrl, out), io, {
      hooks: {
        setup: async (ctx) => {
          seen = ctx;
          ctx.log("warming up");
          await new Promise((r) => setTimeout(r, 5));
          events.push(`setup after ${generation(server)} requests`);
          setupEndedAt = performance.timeOrigin + performance.now();
        },
        teardown: (ctx) => {
          events.push(`teardown after ${generation(server)} requests`);
          assert.equal(ctx.signal.aborted, false);
        },
      },
    });
    assert.deepEqual(events, ["setup after 0 requests", "teardown after 3 requests"]);
    assert.deepEqual([seen?.baseUrl, seen?.model, seen?.apiKey], [server.baseUrl, "m", "sk-x"]);
    assert.ok(lines.includes("setup: warming up"), lines.join("\n"));
    assert.deepEqual(outcome.teardownError, undefined);
    assert.deepEqual(outcome.summary.requests.ok, 3);
    const meta = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json")));
    assert.deepEqual(meta.hooks.setup.ok, true);
    assert.ok(meta.hooks.setup.ms >= 4, "setup's time is recorded");
    assert.deepEqual(meta.hooks.teardown, { ms: meta.hooks.teardown.ms, ok: true, error: null });
    // The run's time origin (ms resolution in started_at) comes after setup ended.
    assert.ok(Date.parse(meta.started_at) >= Math.floor(setupEndedAt) - 1, meta.started_at);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a setup that throws sends nothing, writes nothing, still runs teardown, and rejects with HookError", async () => {
  await using server = startScriptedServer();
  const out = await Deno.makeTempDir();
  let tornDown = false;
  try {
    const { io } = ioWithLog();
    await assert.rejects(
      runWithHooks(planFor(server.baseUrl, out), io, {
        hooks: {
          setup: () => {
            throw new Error("adapter not loaded");
          },
          teardown: () => {
            tornDown = true;
          },
        },
      }),
      (e) => {
        assert.ok(e instanceof HookError);
        assert.equal(e.message, "scenario setup failed: adapter not loaded (no request was sent)");
        return true;
      },
    );
    assert.equal(generation(server), 0);
    assert.ok(tornDown, "teardown runs after a failed setup");
    assert.deepEqual([...Deno.readDirSync(out)], [], "no run directory");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a teardown that throws is reported with complete results and recorded in meta.json", async () => {
  await using server = startScriptedServer();
  const out = await Deno.makeTempDir();
  try {
    const { io } = ioWithLog();
    const outcome = await runWithHooks(planFor(server.baseUrl, out), io, {
      hooks: {
        teardown: () => Promise.reject(new Error("could not unload")),
      },
    });
    assert.ok(outcome.teardownError instanceof HookError);
    assert.equal(outcome.teardownError.message, "scenario teardown failed: could not unload");
    assert.deepEqual(outcome.summary.requests.ok, 3);
    const meta = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json")));
    assert.deepEqual(meta.hooks.setup, null);
    assert.deepEqual(meta.hooks.teardown.ok, false);
    assert.deepEqual(meta.hooks.teardown.error, "could not unload");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("Ctrl-C during the run: teardown still runs, once, with a live signal", async () => {
  await using server = startScriptedServer({ defaultScript: { ttftMs: 20 } });
  const out = await Deno.makeTempDir();
  try {
    const interrupt = new AbortController();
    const { io } = ioWithLog();
    let teardowns = 0;
    const outcome = await runWithHooks(
      planFor(server.baseUrl, out, ["--requests", "1000"]),
      { ...io, interrupt: interrupt.signal },
      {
        hooks: {
          setup: () => {
            setTimeout(() => interrupt.abort(), 30);
          },
          teardown: (ctx) => {
            teardowns++;
            assert.equal(ctx.signal.aborted, false);
          },
        },
      },
    );
    assert.ok(outcome.interrupted);
    assert.deepEqual(teardowns, 1);
    assert.ok(generation(server) < 1000);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a sweep runs setup once before its first point and teardown once after its last, also when a point fails", async () => {
  await using server = startScriptedServer();
  const out = await Deno.makeTempDir();
  try {
    const events: string[] = [];
    const hooks = {
      setup: () => {
        events.push(`setup@${generation(server)}`);
      },
      teardown: () => {
        events.push(`teardown@${generation(server)}`);
      },
    };
    const points = [1, 2, 3].map((i) => ({
      index: i,
      plan: planFor(server.baseUrl, out, ["--requests", "2", "--temperature", String(i / 10)]),
    }));
    const { io } = ioWithLog();
    const outcome = await runSweep(points, io, {
      scenario: "hooked",
      axes: ["temperature"],
      out,
      hooks,
    });
    assert.deepEqual(events, ["setup@0", "teardown@6"]);
    const sweep = JSON.parse(await Deno.readTextFile(join(outcome.sweepDir, "sweep.json")));
    assert.deepEqual(sweep.hooks.setup.ok, true);
    assert.deepEqual(sweep.hooks.teardown.ok, true);
    assert.deepEqual(
      sweep.points.map((p: { values: { temperature: number } }) => p.values.temperature),
      [
        0.1,
        0.2,
        0.3,
      ],
    );
    const meta = JSON.parse(
      await Deno.readTextFile(join(outcome.sweepDir, outcome.rows[0].runId, "meta.json")),
    );
    assert.deepEqual(meta.hooks, null, "a sub-run's meta leaves the sweep's hooks to sweep.json");

    // A point that cannot write its run directory (out is a file) fails the sweep: teardown runs.
    events.length = 0;
    const file = join(out, "not-a-dir");
    await Deno.writeTextFile(file, "");
    await assert.rejects(runSweep(
      points.map((p) => ({ ...p, plan: { ...p.plan, out: file } })),
      io,
      { scenario: "hooked", axes: ["temperature"], out: file, hooks },
    ));
    assert.deepEqual(events, ["setup@6", "teardown@6"]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
