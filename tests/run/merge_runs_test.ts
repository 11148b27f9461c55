import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { main } from "../../lib/cli/main.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import { recordFromJsonl } from "../../lib/report/files/record_jsonl.ts";
import { summaryToJson } from "../../lib/report/files/summary_json.ts";
import { mergeRunDirs } from "../../lib/results/merge_runs.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { writeReports } from "../../lib/results/write_reports.ts";
import { spawnSim } from "../../lib/sim/sim_process.ts";
import { readJsonl } from "../helpers/run_in_process.ts";

/**
 * Shards run on one machine as N hosts would: concurrently, against ONE simulator (its own
 * process), with one shared --start-at; then merged and compared with an unsharded run of the
 * same plan started at the same instant.
 */
const COMMON = [
  "--prompt-tokens",
  "40",
  "--max-tokens",
  "6",
  "--ignore-eos",
  "--metrics",
  "off",
  "--gpu-sampler",
  "off",
  "--seed",
  "7",
];

/** Runs `llmload run ARGS` in this process for each shard (and `null`: unsharded) at once. */
async function runTogether(
  url: string,
  root: string,
  plan: string[],
  shards: (string | null)[],
): Promise<string[]> {
  const startAt = new Date(Date.now() + 2500).toISOString();
  return await Promise.all(shards.map(async (shard, i) => {
    const args = [
      "--url",
      url,
      "--out",
      join(root, `run-${i}`),
      "--start-at",
      startAt,
      ...plan,
      ...COMMON,
      ...(shard ? ["--shard", shard] : []),
    ];
    const { plan: p } = parseRunArgs(args, {});
    const outcome = await runBenchmark(p, { log: () => {}, isTty: false, quiet: true });
    return outcome.runDir;
  }));
}

const readRecords = async (dir: string) =>
  (await Deno.readTextFile(join(dir, "requests.jsonl"))).trim().split("\n").map((l) =>
    recordFromJsonl(l)
  );
const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));

/** summary.json's statistics of `records`, as a run writes them. */
function statsOf(records: Parameters<typeof summarize>[0], loadMode: "open" | "closed") {
  return JSON.parse(
    summaryToJson(
      summarize(records, { loadMode, promptLengths: { mode: "exact", approximate: false } }),
    ),
  );
}

async function withSim(fn: (url: string, root: string) => Promise<void>) {
  const sim = await spawnSim({ ttftMs: 20, itlMs: 5 });
  const root = await Deno.makeTempDir();
  try {
    await fn(sim.baseUrl, root);
  } finally {
    await sim.stop();
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("3 open-loop shards merge into the records and statistics of one run of the plan", async () => {
  await withSim(async (url, root) => {
    const plan = ["--rate", "40", "--requests", "24"];
    const [whole, ...shards] = await runTogether(url, root, plan, [null, "0/3", "1/3", "2/3"]);
    const out = join(root, "merged");
    const outcome = await mergeRunDirs([shards[2], shards[0], shards[1]], {
      out,
      log: () => {},
    });
    assert.equal(outcome.shards, 3);
    assert.equal(outcome.maxShiftMs, 0);

    const merged = await readJsonl(join(out, "requests.jsonl"));
    const single = await readJsonl(join(whole, "requests.jsonl"));
    const key = (r: Record<string, unknown>) =>
      [r.index, r.phase, r.scheduled_at_ms, r.requested_prompt_tokens, r.prompt_tokens].join(" ");
    const byIndex = (rs: Record<string, unknown>[]) =>
      rs.toSorted((a, b) => Number(a.index) - Number(b.index)).map(key);
    assert.equal(merged.length, 24);
    assert.deepEqual(byIndex(merged), byIndex(single));
    // Every shard sent some of the arrivals, none all of them.
    for (const dir of shards) {
      const n = (await readRecords(dir)).length;
      assert.ok(n > 0 && n < 24, `shard sent ${n} of 24`);
    }
    // Streamed shard by shard (shard 0's records first), never sorted in memory.
    const shard0 = await readRecords(shards[0]);
    assert.deepEqual(
      merged.slice(0, shard0.length).map((r) => r.index),
      shard0.map((r) => r.index),
    );

    // The statistics are those of all the shards' records together, not an average.
    const concatenated = (await Promise.all(shards.map(readRecords))).flat();
    const expected = statsOf(concatenated, "open");
    const summary = await readJson(join(out, "summary.json"));
    for (const k of Object.keys(expected)) assert.deepEqual(summary[k], expected[k], k);
    assert.equal(summary.requests.total, 24);
    assert.equal(summary.requests.ok, 24);

    const meta = await readJson(join(out, "meta.json"));
    const shardMeta = await readJson(join(shards[1], "meta.json"));
    assert.equal(shardMeta.shard, "1/3");
    assert.equal(shardMeta.time_origin_epoch_ms, Date.parse(shardMeta.start_at));
    assert.equal(meta.shards, 3);
    assert.equal(meta.shard, undefined);
    assert.deepEqual(meta.merged_from.map((f: { shard: string }) => f.shard), [
      "0/3",
      "1/3",
      "2/3",
    ]);
    assert.ok(meta.merged_from.every((f: { shift_ms: number }) => f.shift_ms === 0));
    assert.ok(!meta.command_line.includes("--shard") && !meta.command_line.includes("--start-at"));
    assert.deepEqual(meta.load, (await readJson(join(whole, "meta.json"))).load);
    assert.equal((await readJson(join(out, "verdict.json"))).verdict, "pass");
    for (const i of [0, 1, 2]) {
      assert.equal((await readJson(join(out, "hosts", String(i), "meta.json"))).shard, `${i}/3`);
    }
    // `llmload report` redraws the merged run from its files, with nothing to warn about.
    const warnings: string[] = [];
    await writeReports(out, { warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.match(await Deno.readTextFile(join(out, "report.md")), /TTFT/);

    // Refusals through the CLI: exit 2, every problem named, nothing written.
    const errors: string[] = [];
    const write = Deno.stderr.writeSync;
    Deno.stderr.writeSync = (b: Uint8Array) => (errors.push(new TextDecoder().decode(b)), b.length);
    let code: number;
    try {
      code = await main(["merge", shards[0], shards[0], whole, "--out", out]);
    } finally {
      Deno.stderr.writeSync = write;
    }
    assert.equal(code, 2);
    const text = errors.join("");
    assert.match(text, /is not a shard .*no "shard"/);
    assert.match(text, /shards 1\/3, 2\/3 missing/);
    assert.match(text, /shard 0\/3 given 2 times/);
    assert.match(text, /already exists/);
    await assert.rejects(
      () => mergeRunDirs([shards[0], shards[1]], { out: join(root, "never"), log: () => {} }),
      (e: unknown) => e instanceof UsageError && /shard 2\/3 missing/.test(e.message),
    );
    await assert.rejects(() => Deno.stat(join(root, "never")), Deno.errors.NotFound);
  });
});

Deno.test("2 closed-loop shards split the users and --requests, and merge like one run", async () => {
  await withSim(async (url, root) => {
    const plan = ["--concurrency", "4", "--ramp", "200ms", "--requests", "11"];
    const [whole, a, b] = await runTogether(url, root, plan, [null, "0/2", "1/2"]);
    const out = join(root, "merged");
    await mergeRunDirs([a, b], { out, log: () => {} });
    const merged = await readRecords(out);
    const single = await readRecords(whole);
    const shardA = await readRecords(a), shardB = await readRecords(b);
    assert.deepEqual([shardA.length, shardB.length], [6, 5]);
    assert.deepEqual(new Set(shardA.map((r) => r.user)), new Set([0, 2]));
    assert.deepEqual(new Set(shardB.map((r) => r.user)), new Set([1, 3]));
    const indices = (rs: typeof merged) => rs.map((r) => r.index).toSorted((x, y) => x - y);
    assert.deepEqual(indices(merged), indices(single));
    assert.deepEqual(indices(merged), [...Array(11).keys()]);
    // Prompts per index are the unsharded run's (same seed), lengths included.
    const prompt = (rs: typeof merged) =>
      Object.fromEntries(rs.map((r) => [r.index, [r.requestedPromptTokens, r.promptTokens]]));
    assert.deepEqual(prompt(merged), prompt(single));
    // Each user starts at its place in the global ramp, on the shared time axis.
    const firstSend = (rs: typeof merged) =>
      [0, 1, 2, 3].map((u) =>
        Math.min(...rs.filter((r) => r.user === u).map((r) => r.scheduledAt))
      );
    assert.deepEqual(firstSend(merged), [0, 50, 100, 150]);
    assert.deepEqual(firstSend(single), [0, 50, 100, 150]);

    const expected = statsOf([...shardA, ...shardB], "closed");
    const summary = await readJson(join(out, "summary.json"));
    for (const k of Object.keys(expected)) assert.deepEqual(summary[k], expected[k], k);
    assert.equal(summary.load_mode, "closed");
  });
});

Deno.test("a shard that was interrupted makes the merged run interrupted: verdict and exit code agree, never a pass", async () => {
  await withSim(async (url, root) => {
    const plan = ["--concurrency", "2", "--requests", "4"];
    const [a, b] = await runTogether(url, root, plan, ["0/2", "1/2"]);
    // Shard 1/2 as a SIGTERM leaves it: meta.json says interrupted, with the reason.
    const metaB = await readJson(join(b, "meta.json"));
    await Deno.writeTextFile(
      join(b, "meta.json"),
      JSON.stringify({ ...metaB, interrupted: true, interrupt_reason: "SIGTERM" }),
    );
    const out = join(root, "merged");
    const lines: string[] = [];
    const io = {
      out: () => {},
      err: (t: string) => void lines.push(t),
      color: false,
      env: {},
      exitNow: (): never => {
        throw new Error("exitNow");
      },
    };
    const code = await main(["merge", a, b, "--out", out], io);
    const verdict = await readJson(join(out, "verdict.json"));
    assert.equal(verdict.verdict, "interrupted");
    assert.equal(verdict.exit_code, 143);
    assert.equal(code, verdict.exit_code);
    assert.match(verdict.reasons[0], /^shard 1\/2 was interrupted \(SIGTERM\)/);
    assert.match(lines.join(""), /interrupted/);
    assert.equal((await readJson(join(out, "meta.json"))).interrupted, true);
  });
});

Deno.test("shards with worker threads (2 hosts x 2 workers) merge into the unsharded run's requests", async () => {
  await withSim(async (url, root) => {
    const plan = ["--rate", "40", "--requests", "30"];
    const [whole] = await runTogether(url, root, plan, [null]);
    const shards = await runTogether(url, join(root, "sharded"), [...plan, "--workers", "2"], [
      "0/2",
      "1/2",
    ]);
    for (const dir of shards) {
      assert.equal((await readJson(join(dir, "meta.json"))).workers.count, 2);
    }
    const out = join(root, "merged");
    await mergeRunDirs(shards, { out, log: () => {} });
    const key = (r: Record<string, unknown>) =>
      [r.index, r.scheduled_at_ms, r.requested_prompt_tokens, r.prompt_tokens].join(" ");
    const byIndex = (rs: Record<string, unknown>[]) =>
      rs.toSorted((a, b) => Number(a.index) - Number(b.index)).map(key);
    assert.deepEqual(
      byIndex(await readJsonl(join(out, "requests.jsonl"))),
      byIndex(await readJsonl(join(whole, "requests.jsonl"))),
    );
  });
});
