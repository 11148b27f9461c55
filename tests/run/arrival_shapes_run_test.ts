import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { linearRamp, rateArrivalTimes } from "../../lib/load/rate_function.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { startSim } from "../../lib/sim/mod.ts";

// Short real runs (≤ 3 s each) against the simulator on 127.0.0.1: the shapes reach the wire.
const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const quietIo = { log: () => {}, isTty: false, quiet: true };

type Rec = Record<string, unknown> & { scheduled_at_ms: number; sent_at_ms: number };

async function readRun(dir: string) {
  const records: Rec[] = (await Deno.readTextFile(join(dir, "requests.jsonl"))).trim().split("\n")
    .map((l) => JSON.parse(l));
  // Slot indices number arrivals in schedule order (file order for equal trace timestamps).
  records.sort((a, b) => (a.index as number) - (b.index as number));
  const meta = JSON.parse(await Deno.readTextFile(join(dir, "meta.json")));
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
  return { records, meta, summary };
}

/** Runs `args` against a fast in-process simulator; returns the run directory's contents. */
async function runAgainstSim(args: string[]) {
  const out = await Deno.makeTempDir();
  const sim = await startSim({ seed: 1, ttftMs: 5, itlMs: 2 });
  try {
    const { plan } = parseRunArgs(
      ["--url", sim.baseUrl, "--max-tokens", "4", "--prompt-tokens", "32", "--out", out, ...args],
      {},
    );
    const outcome = await runBenchmark(plan, quietIo);
    return { ...(await readRun(outcome.runDir)), out };
  } finally {
    await sim.close();
  }
}

/** Arrivals per whole second of `scheduled_at_ms`: the achieved offered rate. */
const perSecond = (records: Rec[]) => {
  const counts: number[] = [];
  for (const r of records) {
    const s = Math.floor(r.scheduled_at_ms / 1000);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return Array.from(counts, (c) => c ?? 0);
};

Deno.test("a ramp run sends on the ramp's schedule and ends with it (per-second rate from requests.jsonl)", async () => {
  const { records, meta, summary, out } = await runAgainstSim(
    ["--rate", "4", "--ramp-to", "16", "--ramp-over", "2s", "--arrival", "constant"],
  );
  try {
    const want = [...rateArrivalTimes(linearRamp(4, 16, { durationMs: 2000 }), {
      arrival: "constant",
    })];
    assert.equal(want.length, 20);
    assert.equal(records.length, 20);
    records.forEach((r, k) => assert.ok(Math.abs(r.scheduled_at_ms - want[k]) < 0.001, `${k}`));
    // Λ(t) = 4t + 3t²: Λ(1 s) = 7 arrivals in second 0, then 13 in second 1.
    assert.deepEqual(perSecond(records), [7, 13]);
    assert.equal(summary.requests.ok, 20);
    assert.deepEqual(meta.load.shape, {
      kind: "ramp",
      from: 4,
      to: 16,
      duration_ms: 2000,
      curve: "linear",
      expected_requests: 20,
      ends_at_ms: 2000,
    });
    assert.deepEqual(meta.stop, { duration_ms: null, requests: null });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a rate-stages run pauses in a 0 stage and stops after the last stage", async () => {
  const { records, meta, out } = await runAgainstSim(
    ["--rate-stages", "1s@5,500ms@0,1s@10", "--arrival", "constant"],
  );
  try {
    assert.deepEqual(
      records.map((r) => r.scheduled_at_ms),
      [0, 200, 400, 600, 800, ...Array.from({ length: 10 }, (_, k) => 1500 + k * 100)],
    );
    assert.equal(meta.load.shape.kind, "rate_stages");
    assert.deepEqual(meta.load.shape.stages[1], { duration_ms: 500, rate: 0 });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a concurrency-stages run changes its virtual users at the stage boundary", async () => {
  const { records, meta, out } = await runAgainstSim(
    ["--concurrency-stages", "1s@1,1s@4"],
  );
  try {
    const users = (from: number, to: number) =>
      [
        ...new Set(
          records.filter((r) => r.scheduled_at_ms >= from && r.scheduled_at_ms < to)
            .map((r) => r.user),
        ),
      ].sort();
    assert.deepEqual(users(0, 1000), [0]);
    assert.deepEqual(users(1000, 2000), [0, 1, 2, 3]);
    assert.ok(records.every((r) => r.scheduled_at_ms < 2000), "nothing scheduled after the end");
    // In flight at any send: ≤ 1 in stage 1, ≤ 4 in stage 2 (from the records' own times).
    const inFlightAt = (t: number) =>
      records.filter((r) => r.sent_at_ms <= t && (r.end_at_ms as number) > t).length;
    for (const r of records) {
      // Users 1–3 cannot send before their start at 1 s, so one cap per send time.
      assert.ok(inFlightAt(r.sent_at_ms) <= (r.sent_at_ms < 1000 ? 1 : 4));
    }
    assert.equal(meta.load.shape.kind, "concurrency_stages");
    assert.equal(meta.load.concurrency, null);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a Mooncake trace replays on --target sim with each line's prompt and output lengths", async () => {
  const out = await Deno.makeTempDir();
  try {
    const trace = join(FIXTURES, "traces/mooncake_sample.jsonl");
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "run", "--target", "sim", "--trace", trace, "--trace-speed", "10"]
        .concat(["--ignore-eos", "--out", out, "--quiet"]),
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 0, stderr);
    const dir = new TextDecoder().decode(r.stdout).match(/results: (.+)/)![1];
    const { records, meta } = await readRun(dir);
    const lines = Deno.readTextFileSync(trace).split("\n").filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    assert.equal(records.length, lines.length);
    const t0 = lines[0].timestamp;
    records.forEach((rec, i) => {
      assert.ok(Math.abs(rec.scheduled_at_ms - (lines[i].timestamp - t0) / 10) < 0.001);
      assert.equal(rec.requested_prompt_tokens, lines[i].input_length);
      assert.equal(rec.prompt_tokens, lines[i].input_length, "exact prompt length");
      assert.equal(rec.output_tokens, lines[i].output_length);
    });
    assert.equal(meta.load.shape.kind, "trace");
    assert.equal(meta.load.shape.arrivals, lines.length);
    // Lines with hash_ids are built from their blocks at their exact length: only the line
    // without them (1040 tokens) is calibrated as a length.
    assert.deepEqual(meta.load.shape.prompt_lengths, {
      distinct: 1,
      calibrated: 1,
      bucketed: false,
      max_relative_error: 0,
    });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a scenario file whose rate function returns null ends the run there", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "run", join(FIXTURES, "scenarios/rate_function.ts")]
        .concat(["--target", "sim", "--out", out, "--quiet"]),
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const dir = new TextDecoder().decode(r.stdout).match(/results: (.+)/)![1];
    const { records, meta } = await readRun(dir);
    // 4 req/s in [0, 1 s), 12 req/s in [1 s, 2 s), then null.
    assert.deepEqual(perSecond(records), [4, 12]);
    assert.ok(Math.abs(records[15].scheduled_at_ms - (1000 + 15 * 1000 / 12 - 4 * 1000 / 12)) < 1);
    assert.equal(meta.load.shape.kind, "function");
    assert.match(meta.load.shape.source, /12/);
    assert.equal(meta.load.shape.ends_at_ms, 2000);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a bad rate function or a malformed trace stops the run before anything is sent or written", async () => {
  const out = await Deno.makeTempDir();
  try {
    const bad = parseRunArgs(["--target", "sim", "--out", out], {}, {
      rateFunction: { fn: (t) => (t < 0.5 ? 2 : -1), source: "" },
    }).plan;
    await assert.rejects(
      () => runBenchmark(bad, quietIo),
      (e: Error) => e.name === "UsageError" && /returned -1 at t = 0.505 s/.test(e.message),
    );
    const malformed = parseRunArgs(
      ["--target", "sim", "--out", out, "--trace", join(FIXTURES, "traces/malformed.jsonl")],
      {},
    ).plan;
    await assert.rejects(
      () => runBenchmark(malformed, quietIo),
      (e: Error) => e.name === "UsageError" && /line 2: not valid JSON/.test(e.message),
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(out)), [], "no run directory");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
