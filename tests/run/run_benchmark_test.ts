import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { startSim } from "../../lib/sim/mod.ts";

const STATS = ["mean", "min", "max", "p50", "p90", "p95", "p99", "p999"];
const METRICS = [
  "ttft_ms",
  "tpot_ms",
  "itl_ms",
  "e2e_ms",
  "prefill_ms",
  "decode_ms",
  "send_lateness_ms",
];
const quietIo = { log: () => {}, isTty: false, quiet: true };

async function readJsonl(path: string) {
  return (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("a closed-loop run against the simulator writes every output file with the documented fields", async () => {
  const out = await Deno.makeTempDir();
  const sim = await startSim({ seed: 1 });
  try {
    const { plan } = parseRunArgs(
      [
        "--url",
        sim.baseUrl,
        "--concurrency",
        "8",
        "--requests",
        "40",
        "--warmup-requests",
        "4",
        "--max-tokens",
        "16",
        "--ignore-eos",
        "--prompt-tokens",
        "64",
        "--api-key",
        "sk-hidden",
        "--out",
        out,
      ],
      {},
    );
    const outcome = await runBenchmark(plan, quietIo);
    const dir = outcome.runDir;

    const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    for (const m of METRICS) for (const s of STATS) assert.ok(s in summary[m], `${m}.${s}`);
    assert.deepEqual(summary.requests.total, 40);
    assert.deepEqual(summary.requests.ok, 40);
    assert.deepEqual(summary.requests.warmup, 4);
    assert.deepEqual(summary.requests.failed, 0);
    assert.ok(summary.throughput.requests_per_s > 0);
    assert.ok(summary.throughput.output_tokens_per_s > summary.throughput.requests_per_s);
    assert.ok(summary.ttft_ms.p50 > 0 && summary.ttft_ms.p50 <= summary.ttft_ms.p99);
    assert.deepEqual(summary.tpot_ms.count, 40);

    const lines = await readJsonl(join(dir, "requests.jsonl"));
    assert.deepEqual(lines.length, 44);
    assert.deepEqual(lines.filter((l) => l.phase === "warmup").length, 4);
    for (const l of lines) {
      assert.deepEqual(l.output_tokens, 16);
      assert.deepEqual(l.output_tokens_source, "usage");
      assert.ok(l.request_id && l.response_id, "request and response ids kept");
    }

    const meta = JSON.parse(await Deno.readTextFile(join(dir, "meta.json")));
    assert.deepEqual(meta.target.model, outcome.model);
    assert.deepEqual(meta.seed, 42);
    assert.ok(meta.started_at && meta.ended_at && meta.llmload_version);
    const everything = (await Array.fromAsync(Deno.readDir(dir)))
      .map((e) => Deno.readTextFileSync(join(dir, e.name))).join("");
    assert.ok(!everything.includes("sk-hidden"), "the API key never reaches an output file");

    const csv = (await Deno.readTextFile(join(dir, "summary.csv"))).trim().split("\n");
    assert.deepEqual(csv.length, 2);
    assert.ok(csv[0].includes("ttft_ms_p99"));
  } finally {
    await sim.close();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("an open-loop run with a tight in-flight cap reports dropped sends instead of queueing them", async () => {
  const out = await Deno.makeTempDir();
  try {
    const { plan } = parseRunArgs(
      [
        "--target",
        "sim",
        "--rate",
        "200",
        "--arrival",
        "constant",
        "--max-in-flight",
        "2",
        "--requests",
        "60",
        "--max-tokens",
        "20",
        "--ignore-eos",
        "--out",
        out,
      ],
      {},
    );
    const outcome = await runBenchmark(plan, quietIo);
    const s = outcome.summary as unknown as {
      requests: { total: number; dropped: number; ok: number };
    };
    assert.deepEqual(s.requests.total, 60);
    assert.ok(s.requests.dropped > 0, "a full cap drops sends");
    assert.deepEqual(s.requests.ok + s.requests.dropped, 60);
    const summary = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "summary.json")));
    assert.ok(summary.ttft_from_scheduled_ms.count > 0, "open loop reports TTFT from schedule");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
