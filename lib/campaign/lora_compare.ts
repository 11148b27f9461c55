import { basename, join } from "node:path";
import { COMPARISON_FILE } from "../results/results_files.ts";
import { UsageError } from "../config/usage_error.ts";
import type { LoraMode } from "../config/lora_plan.ts";
import type { RunPlan } from "../config/run_plan.ts";
import {
  compareLoraRuns,
  type LoraComparison,
  type LoraRunName,
} from "../metrics/lora_comparison.ts";
import { comparisonToJson } from "../report/files/comparison_json.ts";
import { renderComparisonMarkdown } from "../report/markdown/lora_comparison_markdown.ts";
import { renderAdapterMarkdown } from "../report/markdown/adapter_stats_markdown.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { runBenchmark, type RunIo, type RunOutcome } from "../run/run_benchmark.ts";
import { createRunDir, makeRunId } from "../results/run_dir.ts";
import { writeReportsAtEnd } from "../results/write_reports.ts";

/** What `--lora-mode compare` produced. */
export interface LoraCompareOutcome {
  /** `<out>/<id>-lora-compare/`, holding one run directory per compared run. */
  compareDir: string;
  /** The finished runs, by name, in the order they ran. */
  runs: Partial<Record<LoraRunName, RunOutcome>>;
  /** Undefined when interrupted before baseline and multi both finished. */
  comparison?: LoraComparison;
  interrupted: boolean;
  /** A scenario teardown failed in one of the runs (its results are complete). */
  teardownError?: Error;
}

/** Runs one compared run; default {@link runBenchmark} (main.ts wraps scenario hooks in). */
export type RunOne = (plan: RunPlan, io: RunIo) => Promise<RunOutcome & { teardownError?: Error }>;

/**
 * `--lora-mode compare`: runs the plan as `baseline` (every request on `--baseline-adapter`),
 * then `multi` (the adapter set and selection), then `base` with `--with-base` — the same plan,
 * prompts, seed and schedule each time, one ordinary run directory each under one parent — and
 * writes `comparison.json` and `comparison.md` in the parent. With `--target sim` each run gets
 * a fresh simulator, so no run inherits another's loaded adapters or queue. Scenario hooks, when
 * `options.run` wraps them in, run around each compared run.
 */
export async function runLoraCompare(
  plan: RunPlan,
  io: RunIo,
  options: { run?: RunOne } = {},
): Promise<LoraCompareOutcome> {
  const runOne: RunOne = options.run ?? ((p, i) => runBenchmark(p, i));
  let teardownError: Error | undefined;
  if (plan.lora?.mode !== "compare") throw new Error("runLoraCompare: plan is not a compare");
  if (plan.startAtEpochMs !== undefined) {
    throw new UsageError(
      "--start-at starts one run at one instant; --lora-mode compare makes three runs: drop one of them",
    );
  }
  const compareDir = await createRunDir(plan.out, `${makeRunId(new Date())}-lora-compare`);
  const names: LoraRunName[] = ["baseline", "multi"];
  if (plan.lora.withBase) names.push("base");
  const runs: LoraCompareOutcome["runs"] = {};
  let interrupted = false;
  for (const name of names) {
    if (io.interrupt?.aborted) {
      interrupted = true;
      break;
    }
    if (!io.quiet) io.log(`lora compare: ${name} run (${names.indexOf(name) + 1}/${names.length})`);
    const sub: RunPlan = {
      ...plan,
      out: compareDir,
      lora: { ...plan.lora, mode: name as LoraMode },
      history: {
        root: plan.out,
        parent: { kind: "lora-compare", id: basename(compareDir), label: name },
      },
    };
    const outcome = await runOne(sub, io);
    teardownError ??= outcome.teardownError;
    runs[name] = outcome;
    if (outcome.interrupted) {
      interrupted = true;
      break;
    }
  }
  if (!runs.baseline || !runs.multi) return { compareDir, runs, interrupted, teardownError };

  const compared = (o: RunOutcome) => ({ summary: o.summary, adapters: o.adapters });
  const comparison = compareLoraRuns({
    baseline: compared(runs.baseline),
    multi: compared(runs.multi),
    base: runs.base ? compared(runs.base) : undefined,
  });
  const runIds: Record<string, string> = {};
  for (const [n, o] of Object.entries(runs)) runIds[n] = o!.runId;
  // comparison.json: the library's keys, plus which run directory each compared run wrote.
  const json = JSON.parse(comparisonToJson(comparison));
  await writeFileAtomic(
    join(compareDir, COMPARISON_FILE),
    JSON.stringify({ ...json, run_ids: runIds }, null, 2) + "\n",
  );
  let md = renderComparisonMarkdown(comparison);
  if (runs.multi.adapters) {
    md += `\n## Multi-adapter run\n\n` + renderAdapterMarkdown(runs.multi.adapters);
  }
  await writeFileAtomic(join(compareDir, "comparison.md"), md.endsWith("\n") ? md : md + "\n");
  await writeReportsAtEnd(compareDir, io.log);
  return { compareDir, runs, comparison, interrupted, teardownError };
}
