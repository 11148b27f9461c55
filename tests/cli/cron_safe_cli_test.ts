import assert from "node:assert/strict";
import { join } from "node:path";
import { finish, llmload, MAIN, spawnLlmload } from "../helpers/llmload_cli.ts";
import { FAKE_NVIDIA_SMI, pidsIn, processAlive, waitFor } from "../helpers/process_alive.ts";
import { lockPath } from "../../lib/results/run_lock.ts";
import { startSim } from "../../lib/sim/mod.ts";

// Unattended behaviour end to end: every llmload here is a child `deno run main.ts` process,
// talking to the built-in simulator on 127.0.0.1, bounded in requests or time.

const decoder = new TextDecoder();
const ESC = "\x1b";

/** `--gpu-sampler` text for the fake nvidia-smi. */
const fake = (...extra: string[]) => [...FAKE_NVIDIA_SMI, ...extra].map((w) => `'${w}'`).join(" ");

const runDirs = (out: string) =>
  [...Deno.readDirSync(out)].filter((e) => e.isDirectory).map((e) => join(out, e.name));

/** Every line of requests.jsonl, parsed (throws on a torn line). */
function records(runDir: string): { error?: { kind: string } }[] {
  const text = Deno.readTextFileSync(join(runDir, "requests.jsonl"));
  assert.ok(text === "" || text.endsWith("\n"), "requests.jsonl ends with a whole line");
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

const exists = (path: string) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};

Deno.test("SIGTERM mid-run: in-flight requests finish within the grace, exit 143, raw file whole, report says interrupted, no child, no lock; a second run meanwhile refuses with exit 2", async () => {
  const out = await Deno.makeTempDir();
  const pidFile = join(out, "..", `${out.split("/").pop()}-pids`);
  try {
    // Each request takes ~1 s (50 tokens, 20 ms apart): well within the default 10 s grace.
    const child = spawnLlmload([
      "run",
      "--target",
      "sim",
      "--sim-itl",
      "20ms",
      "--max-tokens",
      "50",
      "--ignore-eos",
      "--concurrency",
      "3",
      "--duration",
      "60s",
      "--gpu-interval",
      "50",
      "--gpu-sampler",
      fake("--pid-file", pidFile, "--linger"),
      "--out",
      out,
    ]);
    const lock = lockPath(out, "run");
    const started = await waitFor(() => {
      const [dir] = runDirs(out);
      // The directory comes before requests.jsonl.
      if (dir === undefined || !exists(join(dir, "requests.jsonl"))) return false;
      // Whole lines only: a line may be half-read while it is written.
      return Deno.readTextFileSync(join(dir, "requests.jsonl")).split("\n").length > 3;
    }, 30_000);

    // Overlap: the same results root and scenario is locked; nothing is started or written.
    const second = await llmload(["run", "--target", "sim", "--requests", "2", "--out", out]);
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, /another llmload run holds .*\.llmload-run\.lock \(pid \d+/);
    assert.equal(runDirs(out).length, 1, "the refused run made no directory");

    child.kill("SIGTERM");
    const r = await finish(child);
    assert.ok(started, r.stderr);
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /SIGTERM received: stopping, in-flight requests get 10s to finish/);
    const [dir] = runDirs(out);
    const recs = records(dir);
    assert.ok(recs.length >= 3);
    // The grace let the three requests in flight at SIGTERM finish: none cancelled.
    assert.deepEqual(recs.filter((x) => x.error).map((x) => x.error!.kind), []);
    const meta = JSON.parse(Deno.readTextFileSync(join(dir, "meta.json")));
    assert.equal(meta.interrupted, true);
    assert.equal(meta.interrupt_reason, "SIGTERM");
    assert.match(Deno.readTextFileSync(join(dir, "report.md")), /interrupted \(SIGTERM\)/);
    assert.equal(exists(lock), false, "the lock is removed after SIGTERM");
    const [pid] = pidsIn(pidFile);
    assert.ok(pid > 0, "the sampler ran");
    assert.ok(await waitFor(() => !processAlive(pid), 3000), `sampler ${pid} outlived llmload`);
    assert.ok(!r.stdout.includes(ESC) && !r.stderr.includes(ESC), "no ANSI escape without a TTY");
  } finally {
    await Deno.remove(out, { recursive: true });
    await Deno.remove(pidFile).catch(() => {});
  }
});

Deno.test("a second SIGINT cancels in-flight requests at once instead of waiting out the grace; exit 130", async () => {
  const out = await Deno.makeTempDir();
  try {
    // Each request would take ~30 s and the grace is 5 min: only the second signal ends them.
    const child = spawnLlmload([
      "run",
      "--target",
      "sim",
      "--sim-itl",
      "30ms",
      "--max-tokens",
      "1000",
      "--ignore-eos",
      "--concurrency",
      "2",
      "--requests",
      "4",
      "--grace",
      "5m",
      "--gpu-sampler",
      "off",
      "--out",
      out,
    ]);
    const started = await waitFor(() => {
      const [dir] = runDirs(out);
      return dir !== undefined && exists(join(dir, "server_metrics.jsonl"));
    }, 30_000);
    child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    const r = await finish(child);
    assert.ok(started, r.stderr);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /SIGINT again: cancelling in-flight requests now/);
    const recs = records(runDirs(out)[0]);
    assert.deepEqual(recs.map((x) => x.error?.kind), ["cancelled", "cancelled"]);
    assert.equal(exists(lockPath(out, "run")), false);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a stale lock (dead PID, this host) is taken over with a warning; another host's lock is never taken", async () => {
  const out = await Deno.makeTempDir();
  try {
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    const lock = lockPath(out, "run");
    const owner = (host: string) =>
      JSON.stringify({ pid: gone.pid, host, started_at: "2026-01-01T03:00:00.000Z" }) + "\n";
    const args = ["run", "--target", "sim", "--requests", "2", "--quiet", "--out", out];

    Deno.writeTextFileSync(lock, owner(Deno.hostname()));
    const r = await llmload([...args, "--gpu-sampler", "off"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`warning: took over the stale lock .* \\(pid ${gone.pid} `));
    assert.equal(exists(lock), false, "the lock is removed after a normal end");

    Deno.writeTextFileSync(lock, owner("some-other-host"));
    const other = await llmload([...args, "--gpu-sampler", "off"]);
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr, /on some-other-host/);
    assert.equal(Deno.readTextFileSync(lock), owner("some-other-host"), "left as it was");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("--wait-ready waits for a server that comes up late, and exits 4 with the last error for one that never does", async () => {
  const out = await Deno.makeTempDir();
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  let sim: Awaited<ReturnType<typeof startSim>> | undefined;
  try {
    const args = (url: string, wait: string) => [
      "run",
      "--url",
      url,
      "--requests",
      "2",
      "--max-tokens",
      "4",
      "--wait-ready",
      wait,
      "--gpu-sampler",
      "off",
      "--metrics",
      "off",
      "--out",
      out,
    ];
    // The server comes up once the run has said it is waiting (however long a busy machine
    // takes to start llmload), plus 300 ms of polling.
    const child = spawnLlmload(args(`http://127.0.0.1:${port}/v1`, "60s"));
    const stdout = new Response(child.stdout).text();
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let stderr = "";
    while (!/waiting up to 1m for http:\/\/127\.0\.0\.1:\d+\/v1 to answer/.test(stderr)) {
      const { value, done } = await reader.read();
      assert.ok(!done, `llmload ended before waiting: ${stderr}`);
      stderr += value;
    }
    await new Promise((r) => setTimeout(r, 300));
    sim = await startSim({ port, hostname: "127.0.0.1" });
    for (let c = await reader.read(); !c.done; c = await reader.read()) stderr += c.value;
    const status = await child.status;
    await stdout;
    assert.equal(status.code, 0, stderr);
    assert.match(stderr, /target ready after /);
    await sim.close();
    sim = undefined;

    const never = await llmload(args(`http://127.0.0.1:${port}/v1`, "1s"));
    assert.equal(never.code, 4, never.stderr);
    assert.match(
      never.stderr,
      /Target not ready after 1s \(--wait-ready\); last error: GET http:\/\/127\.0\.0\.1:\d+\/v1\/models: /,
    );
    assert.equal(runDirs(out).length, 1, "only the run that found its server wrote results");
  } finally {
    await sim?.close();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("--max-runtime stops a sweep mid-point: partial sweep marked interrupted, the reason printed last, exit 1", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await llmload([
      "run",
      "concurrency",
      "--target",
      "sim",
      "--duration",
      "30s",
      "--prompt-tokens",
      "16",
      "--max-tokens",
      "8",
      "--max-runtime",
      "3s",
      "--grace",
      "1s",
      "--gpu-sampler",
      "off",
      "--out",
      out,
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--max-runtime 3s reached: stopping/);
    assert.match(
      r.stderr.trimEnd().split("\n").at(-1)!,
      /^error: --max-runtime 3s reached; the results are partial/,
    );
    const [sweepDir] = runDirs(out);
    const sweep = JSON.parse(Deno.readTextFileSync(join(sweepDir, "sweep.json")));
    assert.equal(sweep.interrupted, true);
    assert.equal(sweep.points.length, 1, "one of four 30 s points, cut short");
    const [point] = runDirs(sweepDir);
    const meta = JSON.parse(Deno.readTextFileSync(join(point, "meta.json")));
    assert.equal(meta.interrupt_reason, "max-runtime");
    assert.equal(exists(lockPath(out, "concurrency")), false);
    assert.ok(!r.stdout.includes(ESC) && !r.stderr.includes(ESC));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("without a TTY and without NO_COLOR: no ANSI escape at all on stdout or stderr", async () => {
  const out = await Deno.makeTempDir();
  try {
    // No NO_COLOR here: only the missing TTY keeps colours and redraws away.
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "run", "--target", "sim", "--requests", "4", "--out", out],
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const r = await child;
    const stdout = decoder.decode(r.stdout);
    const stderr = decoder.decode(r.stderr);
    assert.equal(r.code, 0, stderr);
    assert.match(stdout, /TTFT/);
    assert.equal(stdout.includes(ESC), false, JSON.stringify(stdout));
    assert.equal(stderr.includes(ESC), false, JSON.stringify(stderr));
    assert.equal(stderr.includes("\r"), false, "no progress redraws");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
