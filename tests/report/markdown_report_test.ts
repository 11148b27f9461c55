/**
 * Golden tests of report.md (run, old run, sweep, comparison) and comparison.csv, over
 * synthetic run directories with fixed times and versions. Regenerate after a deliberate change:
 * `UPDATE_GOLDEN=1 deno test -A tests/report/markdown_report_test.ts`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadRunInput, loadSweepInput } from "../../lib/results/load_report_input.ts";
import {
  renderRunMarkdown,
  renderSweepMarkdown,
} from "../../lib/report/markdown/markdown_report.ts";
import { sweepToJson } from "../../lib/report/files/sweep_csv.ts";
import { compareRunDirs } from "../../lib/results/compare_runs.ts";
import { writeReports } from "../../lib/results/write_reports.ts";
import { assertGolden } from "../helpers/golden.ts";
import {
  gpuSamples,
  serverSamples,
  type SyntheticRun,
  writeSyntheticRun,
} from "../helpers/synthetic_run.ts";

const goldenDir = new URL("../../fixtures/reports/", import.meta.url);

const FULL: SyntheticRun = {
  runId: "run-full",
  requests: 20,
  intervalMs: 100,
  ttftMs: 40,
  itlMs: 10,
  outputTokens: 16,
  promptTokens: 512,
  actualPromptTokens: 540,
  failing: [5, 6, 7, 8, 9, 10],
  concurrency: 4,
  gpu: gpuSamples(4, 78000, 80000),
  server: serverSamples(4, 3),
  meta: {
    system: {
      cpu_model: "AMD EPYC 9654",
      cpu_cores: 96,
      memory_total_mib: 515000,
      os: "Ubuntu 24.04",
      kernel: "6.8.0",
    },
    gpus: [
      { name: "NVIDIA H100 80GB HBM3", memory_total_mib: 81559, driver: "550.54", cuda: "12.4" },
      { name: "NVIDIA H100 80GB HBM3", memory_total_mib: 81559, driver: "550.54", cuda: "12.4" },
    ],
    server: { version: "0.8.5" },
    tags: { tensor_parallel: "2", quantization: "fp8", chunked_prefill: "on" },
    notes: "nightly | H100 box",
  },
};

Deno.test("a run with GPU and server data renders to the golden report.md", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const input = await loadRunInput(await writeSyntheticRun(tmp, FULL));
    const md = renderRunMarkdown(input);
    await assertGolden(goldenDir, "run_report.md", md);
    // Every check the data should trip is in the observations.
    for (const s of ["Errors", "Error burst", "VRAM near capacity", "Prompt-length drift"]) {
      assert.match(md, new RegExp(`\\*\\*${s}\\*\\*`));
    }
    assert.match(md, /\*\*Server queueing\*\*: up to 3 requests/);
    assert.match(md, /\| CPU +\| AMD EPYC 9654 \(96 cores\) +\|/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a run made before telemetry and new meta keys renders, saying what was not recorded", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const dir = await writeSyntheticRun(tmp, {
      runId: "run-old",
      requests: 10,
      intervalMs: 200,
      ttftMs: 30,
      itlMs: 8,
      outputTokens: 8,
      promptTokens: 128,
      loadMode: "open",
      rate: 5,
      lateMs: 15,
    });
    const input = await loadRunInput(dir);
    assert.deepEqual(input.files, { gpuCsv: false, serverMetrics: false });
    const md = renderRunMarkdown(input);
    await assertGolden(goldenDir, "run_report_old.md", md);
    assert.match(md, /\| GPU +\| not recorded +\|/);
    assert.match(md, /\*\*Client lag\*\*: send lateness p99 15\.0 ms/);
    assert.doesNotMatch(md, /Error burst|VRAM near/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a concurrency sweep renders its concurrency table and finds the latency knee", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const sweepDir = join(tmp, "sweep-1");
    // Latency doubles from c=2 to c=4 while requests/s stays put: the knee is point 3.
    const points = [
      { c: 1, ttft: 40, interval: 400 },
      { c: 2, ttft: 50, interval: 200 },
      { c: 4, ttft: 500, interval: 200 },
    ];
    const rows = [];
    for (const [i, p] of points.entries()) {
      const s: SyntheticRun = {
        runId: `point-${i + 1}`,
        requests: 10,
        intervalMs: p.interval,
        ttftMs: p.ttft,
        itlMs: 10,
        outputTokens: 10,
        promptTokens: 1000,
        concurrency: p.c,
      };
      await writeSyntheticRun(sweepDir, s);
      const run = await loadRunInput(join(sweepDir, s.runId));
      rows.push({
        index: i + 1,
        runId: s.runId,
        values: {
          concurrency: p.c,
          rate: null,
          maxInFlight: null,
          promptTokens: 1000,
          maxTokens: 10,
        },
        summary: run.summary,
      });
    }
    await Deno.writeTextFile(
      join(sweepDir, "sweep.json"),
      sweepToJson(rows, {
        sweepId: "sweep-1",
        scenario: "concurrency",
        axes: ["concurrency"],
        interrupted: false,
      }),
    );
    const md = renderSweepMarkdown(await loadSweepInput(sweepDir));
    await assertGolden(goldenDir, "sweep_report.md", md);
    assert.match(md, /\*\*Latency knee\*\* at point 3 \(#3 concurrency=4\)/);
    assert.match(md, /## 4\. Concurrency\n\n\| Concurrency \| Mean latency/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("llmload compare writes the golden comparison.csv and report.md, marking noise from repeats", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const base: SyntheticRun = {
      runId: "run-a",
      requests: 10,
      intervalMs: 200,
      ttftMs: 40,
      itlMs: 10,
      outputTokens: 10,
      promptTokens: 256,
      concurrency: 2,
    };
    const a = await writeSyntheticRun(tmp, base);
    // A repeat of run-a (same command line and settings) 2 % slower to first token.
    const a2 = await writeSyntheticRun(tmp, { ...base, runId: "run-a2", ttftMs: 40.8 });
    // A different configuration: faster TTFT, more requests/s.
    const b = await writeSyntheticRun(tmp, {
      ...base,
      runId: "run-b",
      ttftMs: 30,
      intervalMs: 100,
      concurrency: 4,
      gpu: gpuSamples(3, 40000, 80000),
    });
    const outcome = await compareRunDirs([a, a2, b], { out: join(tmp, "out") });
    const read = (f: string) => Deno.readTextFileSync(join(outcome.compareDir, f));
    await assertGolden(goldenDir, "comparison_runs.csv", read("comparison.csv"));
    await assertGolden(goldenDir, "comparison_runs_report.md", read("report.md"));
    const json = JSON.parse(read("comparison.json"));
    assert.equal(json.kind, "runs");
    assert.deepEqual(json.runs.map((r: { run_id: string }) => r.run_id), [
      "run-a",
      "run-a2",
      "run-b",
    ]);
    assert.equal(json.repeat_groups, 1);
    // `llmload report` on the comparison directory reproduces it byte for byte.
    const before = read("report.md");
    await writeReports(outcome.compareDir);
    assert.equal(read("report.md"), before);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
