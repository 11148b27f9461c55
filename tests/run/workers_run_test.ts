/**
 * `--workers N` end to end against the simulator over real loopback HTTP: the same plan with 1
 * and N workers sends the same requests (index, phase, schedule, lengths), Ctrl-C reaches the
 * workers, a failing worker fails the run, and every run judges its own client's health.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import type { RunPlan } from "../../lib/config/run_plan.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { loadRunInput } from "../../lib/results/load_report_input.ts";
import { startWorkerPool, WorkerFailed } from "../../lib/run/workers/worker_pool.ts";
import { WHOLE } from "../../lib/load/shard.ts";
import { readJsonl } from "../helpers/run_in_process.ts";

const quietIo = { log: () => {}, isTty: false, quiet: true };
const SIM = ["--target", "sim", "--sim-ttft", "5ms", "--sim-itl", "2ms", "--prompt-tokens", "32"];

async function run(
  args: string[],
  io: Parameters<typeof runBenchmark>[1] = quietIo,
  outDir?: string,
) {
  const out = outDir ?? await Deno.makeTempDir();
  try {
    const { plan } = parseRunArgs(["--out", out, ...SIM, ...args], {});
    const outcome = await runBenchmark(plan, io);
    const file = (f: string) => join(outcome.runDir, f);
    return {
      outcome,
      records: await readJsonl(file("requests.jsonl")),
      meta: JSON.parse(await Deno.readTextFile(file("meta.json"))),
      summary: JSON.parse(await Deno.readTextFile(file("summary.json"))),
      health: await readJsonl(file("client_health.jsonl")),
      reportMd: await Deno.readTextFile(file("report.md")),
      // What `llmload report <dir>` recomputes from the files alone.
      reloaded: await loadRunInput(outcome.runDir),
    };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** What must not depend on the thread a request was sent from. */
function requestSet(records: Record<string, unknown>[]) {
  return records
    .map((r) => ({
      index: r.index,
      phase: r.phase,
      scheduled: r.user === null ? r.scheduled_at : null,
      prompt: r.requested_prompt_tokens,
      output: r.output_tokens,
      error: r.error,
    }))
    .sort((a, b) => (a.index as number) - (b.index as number));
}

Deno.test("an open-loop plan sends the same requests with 1 and 2 workers (same seed, same schedule)", async () => {
  const args = [
    "--rate",
    "60",
    "--requests",
    "30",
    "--warmup-requests",
    "3",
    "--seed",
    "9",
    "--output-tokens",
    "uniform:3-12",
    "--ignore-eos",
  ];
  const one = await run(args);
  const two = await run([...args, "--workers", "2"]);
  assert.equal(one.records.length, 33);
  assert.deepEqual(requestSet(two.records), requestSet(one.records));
  assert.equal(two.summary.requests.ok, one.summary.requests.ok);
  assert.equal(two.summary.tokens.output_total, one.summary.tokens.output_total);
  assert.deepEqual(one.meta.workers, {
    count: 1,
    requested: 1,
    reason: "as given",
    cores: navigator.hardwareConcurrency,
  });
  assert.equal(two.meta.workers.count, 2);
  // Each worker, and the main thread, sampled itself.
  const threads = new Set(two.health.map((w: { thread: string }) => w.thread));
  assert.deepEqual([...threads].sort(), ["main", "worker 1", "worker 2"]);
  assert.deepEqual(
    two.summary.client.threads.map((t: { thread: string }) => t.thread),
    ["main", "worker 1", "worker 2"],
  );
  assert.equal(two.summary.client.workers, 2);
});

Deno.test("a closed-loop --requests total is exact across 3 workers, every index sent once", async () => {
  const args = [
    "--concurrency",
    "4",
    "--requests",
    "22",
    "--output-tokens",
    "uniform:2-9",
    "--ignore-eos",
  ];
  const one = await run(args);
  const three = await run([...args, "--workers", "3"]);
  const indexes = three.records.map((r) => r.index).sort((a, b) => a - b);
  assert.deepEqual(indexes, Array.from({ length: 22 }, (_, i) => i));
  assert.deepEqual(requestSet(three.records), requestSet(one.records));
  assert.equal(three.summary.requests.total, 22);
});

Deno.test("one virtual user with --workers 2 still sends every request (one worker, on the main thread)", async () => {
  const r = await run([
    "--concurrency",
    "1",
    "--requests",
    "6",
    "--max-tokens",
    "4",
    "--workers",
    "2",
  ]);
  assert.equal(r.records.length, 6);
  assert.equal(r.meta.workers.count, 1);
  assert.match(r.meta.workers.reason, /capped at 1/);
});

Deno.test("a light run against the simulator is reported as a healthy client, in summary.json and report.md", async () => {
  const r = await run(["--concurrency", "2", "--duration", "3s", "--max-tokens", "8"]);
  const c = r.summary.client;
  // On a machine whose cores other processes hold, timers run late on an idle thread: the
  // verdict then blames the machine, never the light client's own work.
  if (c.verdict === "saturated" && c.cause === "machine") {
    console.warn(`this machine is busy, the run could not show a healthy client: ${c.message}`);
  } else {
    assert.equal(c.verdict, "healthy", JSON.stringify(c));
    assert.equal(c.message, "client healthy");
    assert.equal(c.since_ms, null);
    assert.match(r.reportMd, /## 7\. Client health\n\n\*\*client healthy\*\*/);
  }
  assert.ok(c.threads[0].lag_p50_ms !== null && c.threads[0].cpu_pct !== null);
  assert.equal(c.send_lateness_ms.count, r.summary.requests.total);
  assert.deepEqual(r.outcome.client, c);
  assert.match(r.reportMd, /## 7\. Client health\n\n\*\*client /);
  const again = r.reloaded.clientHealth!;
  assert.deepEqual(
    { ...again, send_lateness_ms: undefined },
    { ...c, send_lateness_ms: undefined },
    "llmload report recomputes the same verdict and per-thread figures",
  );
  assert.equal(again.send_lateness_ms.count, c.send_lateness_ms.count);
  // One window per thread per second of the run: ≥ 3 for a 3 s run.
  assert.ok(r.health.length >= 3, `${r.health.length} windows`);
});

Deno.test("a blocked event loop makes the verdict 'saturated' from the window the block began in", async () => {
  const out = await Deno.makeTempDir();
  // Blocks this (the run's only) thread from 1.4 s to 3.9 s after the run's time origin, read
  // from meta.json as soon as the run writes it.
  let blocked = false;
  const watcher = setInterval(() => {
    if (blocked) return;
    for (const e of Deno.readDirSync(out)) {
      let meta;
      try {
        meta = JSON.parse(Deno.readTextFileSync(join(out, e.name, "meta.json")));
      } catch {
        continue;
      }
      blocked = true;
      const at = meta.time_origin_epoch_ms + 1400 - (performance.timeOrigin + performance.now());
      setTimeout(() => {
        const end = performance.now() + 2500;
        while (performance.now() < end) { /* the hog */ }
      }, at);
    }
  }, 5);
  try {
    const { plan } = parseRunArgs(
      ["--out", out, ...SIM, "--concurrency", "1", "--duration", "5s"],
      {},
    );
    const outcome = await runBenchmark(plan, quietIo);
    const c = outcome.client!;
    assert.equal(c.verdict, "saturated", JSON.stringify(c));
    // The block begins in the 1 s window. On a loaded machine the first window (start-up) can
    // itself run hot and join the stretch, so the stretch may begin earlier, never later.
    assert.ok(c.since_ms !== null && c.since_ms <= 1000, `since ${c.since_ms}`);
    const from = (c.since_ms! / 1000).toFixed(1).replace(".", "\\.");
    assert.match(
      c.message,
      // The hog is this thread's own work (cause "client"), unless other processes also held the
      // cores so long that it ran under half a core.
      new RegExp(
        `^client saturated: results after ${from} s are not trustworthy; (use|free this machine)`,
      ),
    );
    const to = Number(c.evidence[0].match(/^main: from [\d.]+ s to ([\d.]+) s /)?.[1]);
    assert.ok(to >= 3.9, `the stretch runs through the block: ${c.evidence[0]}`);
    assert.ok(c.threads[0].lag_max_ms! >= 2000, `max lag ${c.threads[0].lag_max_ms}`);
  } finally {
    clearInterval(watcher);
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("Ctrl-C reaches every worker: scheduling stops, in-flight requests finish until cancel", async () => {
  // With a separate cancel signal (--grace) in-flight requests finish; without, they are cancelled.
  for (const grace of [true, false]) {
    const stop = new AbortController();
    const cancel = new AbortController();
    // Ctrl-C once requests are finishing (the first record is on disk), however long a busy
    // machine takes to start the simulator and the workers.
    const out = await Deno.makeTempDir();
    const timer = setInterval(() => {
      for (const e of Deno.readDirSync(out)) {
        try {
          if (Deno.statSync(join(out, e.name, "requests.jsonl")).size > 0) {
            setTimeout(() => stop.abort(), 300);
            clearInterval(timer);
          }
        } catch { /* not yet written */ }
      }
    }, 20);
    try {
      const r = await run(
        ["--concurrency", "4", "--duration", "60s", "--workers", "2", "--max-tokens", "8"],
        {
          ...quietIo,
          interrupt: stop.signal,
          cancel: grace ? cancel.signal : undefined,
          stopReason: () => "SIGINT",
        },
        out,
      );
      assert.equal(r.outcome.interrupted, true);
      assert.equal(r.meta.interrupt_reason, "SIGINT");
      assert.ok(r.records.length > 0);
      const kinds = new Set(r.records.map((x) => x.error?.kind ?? "ok"));
      if (grace) assert.deepEqual([...kinds], ["ok"]);
      else assert.ok([...kinds].every((k) => k === "ok" || k === "cancelled"), [...kinds].join());
    } finally {
      clearInterval(timer);
    }
  }
});

Deno.test("a worker that fails makes the run fail with its error, and the pool is torn down", async () => {
  const pool = await startWorkerPool(2);
  await assert.rejects(
    (async () => {
      await pool.prepare({
        plan: { load: { mode: "closed" } } as unknown as RunPlan,
        baseUrl: "http://127.0.0.1:9/v1",
        model: "m",
        transport: "fetch",
        preconnectTotal: 0,
      }, WHOLE);
      await pool.run(performance.timeOrigin + performance.now(), {
        onRecords: () => {},
        onSent: () => {},
        onWindows: () => {},
      });
    })(),
    (e: unknown) => {
      assert.ok(e instanceof WorkerFailed);
      assert.match(e.message, /^worker \d failed: /);
      return true;
    },
  );
});
