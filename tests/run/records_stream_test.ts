import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { loadRunInput, summaryDifferences } from "../../lib/results/load_report_input.ts";
import { forEachRecord, RECORDS_FILE, RECORDS_FILE_GZ } from "../../lib/results/records_file.ts";
import { HISTOGRAM_PRECISION } from "../../lib/metrics/latency_histogram.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import { pathExists } from "../../lib/fs/path_exists.ts";
import { spawnSim } from "../../lib/sim/sim_process.ts";

/**
 * A run with more ITL values than a histogram keeps exactly (so its percentiles come from the
 * sketch), written plain or gzip: the report recomputed from the file must equal the live
 * summary, and the file must hold every record.
 */
const PLAN = [
  "--concurrency",
  "6",
  "--requests",
  "30",
  "--prompt-tokens",
  "20",
  "--max-tokens",
  "120",
  "--ignore-eos",
  "--metrics",
  "off",
  "--gpu-sampler",
  "off",
];

async function runInto(url: string, out: string, extra: string[]) {
  const { plan } = parseRunArgs(["--url", url, "--out", out, ...PLAN, ...extra], {});
  return await runBenchmark(plan, { log: () => {}, isTty: false, quiet: true });
}

Deno.test("a report recomputed from requests.jsonl or requests.jsonl.gz equals the live summary", async () => {
  const sim = await spawnSim({ ttftMs: 5, itlMs: 1 });
  const root = await Deno.makeTempDir();
  try {
    for (const gzip of [false, true]) {
      const outcome = await runInto(
        sim.baseUrl,
        join(root, String(gzip)),
        gzip ? ["--gzip-records"] : [],
      );
      const dir = outcome.runDir;
      assert.equal(await pathExists(join(dir, RECORDS_FILE)), !gzip);
      assert.equal(await pathExists(join(dir, RECORDS_FILE_GZ)), gzip);
      // The live summary went past the exact range: the sketch path is what is compared.
      assert.ok(outcome.summary.itl_ms.count > HISTOGRAM_PRECISION.exact_up_to);
      assert.equal(outcome.summary.requests.ok, 30);

      const warnings: string[] = [];
      const input = await loadRunInput(dir, { warn: (m) => warnings.push(m) });
      assert.deepEqual(warnings, [], "summary.json agrees with the file");
      const written = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
      assert.deepEqual(summaryDifferences(input.summary, written), []);
      assert.equal(written.precision.relative_accuracy, HISTOGRAM_PRECISION.relative_accuracy);
      assert.ok(await pathExists(join(dir, "report.html")), "reports drawn from the gzip file");

      // Every record is in the file, and the recomputation from the whole list agrees too.
      const records: Parameters<typeof summarize>[0] & unknown[] = [];
      const n = await forEachRecord(join(dir, gzip ? RECORDS_FILE_GZ : RECORDS_FILE), (r) => {
        records.push(r);
      });
      assert.equal(n, 30);
      assert.deepEqual(
        summaryDifferences(summarize(records, { loadMode: "closed" }), written)
          .filter((k) => !k.startsWith("tokens.prompt_length")),
        [],
      );
    }
  } finally {
    await sim.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("--token-times off keeps first and last token times; the live ITL stays per token", async () => {
  const sim = await spawnSim({ ttftMs: 5, itlMs: 1 });
  const root = await Deno.makeTempDir();
  try {
    const outcome = await runInto(sim.baseUrl, root, ["--token-times", "off", "--gzip-records"]);
    const dir = outcome.runDir;
    const records: Parameters<typeof summarize>[0] & unknown[] = [];
    await forEachRecord(join(dir, RECORDS_FILE_GZ), (r) => records.push(r));
    for (const r of records as { tokenTimes: number[]; tokenCounts: number[] }[]) {
      assert.equal(r.tokenTimes.length, 2);
      assert.deepEqual(r.tokenCounts, [1, 119]);
    }
    // Live: every token's gap (120 tokens, 119 gaps a request); from the file the same count.
    assert.equal(outcome.summary.itl_ms.count, 30 * 119);
    const fromFile = summarize(records, { loadMode: "closed" });
    assert.equal(fromFile.itl_ms.count, 30 * 119);
    // A per-token maximum is never below the largest per-request mean gap.
    assert.ok(outcome.summary.itl_ms.max! >= fromFile.itl_ms.max!);
    for (const k of ["ttft_ms", "e2e_ms", "tpot_ms"] as const) {
      assert.deepEqual(fromFile[k], outcome.summary[k], k);
    }
    const meta = JSON.parse(await Deno.readTextFile(join(dir, "meta.json")));
    assert.deepEqual(meta.records, { file: RECORDS_FILE_GZ, token_times: "off" });
    const warnings: string[] = [];
    const input = await loadRunInput(dir, { warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      input.summary.itl_ms,
      JSON.parse(await Deno.readTextFile(join(dir, "summary.json"))).itl_ms,
    );
  } finally {
    await sim.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a gzip records file cut short yields its whole lines, then a clear error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const line = JSON.stringify({
      index: 0,
      phase: "measure",
      request_id: "r0",
      scheduled_at_ms: 0,
      sent_at_ms: 0,
      end_at_ms: 5,
      token_times_ms: [1, 2],
      output_tokens: 2,
      output_tokens_source: "usage",
    });
    const text = new TextEncoder().encode(Array(200).fill(line).join("\n") + "\n");
    const gz = new Uint8Array(
      await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")))
        .arrayBuffer(),
    );
    const path = join(dir, RECORDS_FILE_GZ);
    await Deno.writeFile(path, gz.subarray(0, gz.length - 12));
    let seen = 0;
    await assert.rejects(forEachRecord(path, () => seen++));
    assert.ok(seen > 0, "the whole lines before the cut were read");
    const told: string[] = [];
    const n = await forEachRecord(path, () => {}, { onTruncated: (m) => told.push(m) });
    assert.equal(n, seen);
    assert.match(told[0], /ends early.*records read, the rest are lost/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
