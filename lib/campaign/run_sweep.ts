import { join } from "node:path";
import { SWEEP_CSV_FILE, SWEEP_JSON_FILE } from "../results/results_files.ts";
import type { RunPlan } from "../config/run_plan.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { sweepToCsv, sweepToJson } from "../report/files/sweep_csv.ts";
import type { SweepRow, SweepValues } from "../report/sweep_row.ts";
import { startSharedSim } from "./shared_sim.ts";
import { UsageError } from "../config/usage_error.ts";
import { runBenchmark, type RunIo, type RunOutcome } from "../run/run_benchmark.ts";
import { makeRunId } from "../results/run_dir.ts";
import { writeReportsAtEnd } from "../results/write_reports.ts";
import type { ScenarioHook } from "../config/scenario.ts";
import { type HookError, ScenarioHooks } from "../run/scenario_hooks.ts";
import { describeOutputLength } from "../workload/output_length.ts";

/** One point of a sweep: its plan (whose `out` is replaced by the sweep directory). */
export interface SweepPointPlan {
  /** 1-based position in the sweep. */
  index: number;
  label?: string;
  plan: RunPlan;
}

/** What a finished (or interrupted) sweep produced. */
export interface SweepOutcome {
  sweepId: string;
  sweepDir: string;
  rows: SweepRow[];
  model: string;
  baseUrl: string;
  interrupted: boolean;
  /** Points whose verdict failed (gates, SLOs): the sweep fails, exit 3. */
  failedPoints: SweepRow[];
  /** The scenario's teardown threw (the results are complete); setup failing rejects instead. */
  teardownError?: HookError;
}

/** A point's name in history and exports: its label, else its swept values (`concurrency=8`). */
export function pointLabel(p: SweepPointPlan, axes: readonly string[]): string {
  if (p.label) return p.label;
  const values = sweepValues(p.plan) as unknown as Record<string, unknown>;
  const parts = axes.map((a) => `${a}=${values[a] ?? "-"}`);
  return parts.length ? parts.join(" ") : `point ${p.index}`;
}

/** A finished point's row: its values, statistics, verdict and the server's prefix hit rate. */
function sweepRow(p: SweepPointPlan, plan: RunPlan, outcome: RunOutcome): SweepRow {
  return {
    index: p.index,
    label: p.label,
    runId: outcome.runId,
    values: sweepValues(plan),
    summary: outcome.summary,
    verdict: { verdict: outcome.verdict.verdict, reasons: outcome.verdict.reasons },
    ...(outcome.serverMetrics &&
      { prefixCacheHitRate: outcome.serverMetrics.prefix_cache_hit_rate }),
  };
}

/** The point's effective values, read from its plan. */
export function sweepValues(plan: RunPlan): SweepValues {
  const open = plan.load.mode === "open" ? plan.load : undefined;
  return {
    concurrency: plan.load.mode === "closed" ? plan.load.concurrency ?? null : null,
    rate: open ? open.rate ?? null : null,
    maxInFlight: open?.maxInFlight ?? null,
    promptTokens: plan.request.promptTokens,
    maxTokens: plan.request.outputTokens ? null : plan.request.maxTokens,
    outputTokens: plan.request.outputTokens
      ? describeOutputLength(plan.request.outputTokens)
      : null,
    sharedPrefixTokens: plan.dataset ? null : plan.request.sharedPrefixTokens,
    temperature: plan.request.sampling?.temperature ?? null,
    adapterCount: plan.lora?.adapterCount ?? null,
    prefixGroups: plan.request.prefixGroups?.groups ?? null,
  };
}

/**
 * Runs the points one after another into one parent directory `<out>/<sweep-id>/` (one sub-run
 * per point, written by runBenchmark), rewriting `sweep.csv` and `sweep.json` after every point
 * so an interrupted sweep keeps what finished. With `--target sim` the simulator is started once
 * for the whole sweep, with the `--sim-*` settings (the same in every point) and the dataset's
 * adapters; every sub-run's meta.json records them. Ctrl-C stops after the current point's
 * in-flight requests are cancelled.
 * A scenario's `hooks` run once for the whole sweep: setup before the first point's first
 * request, teardown after the last point (also after a failure or Ctrl-C, before the simulator
 * stops); their timings go into sweep.json. The directory appears with the first point's run, so
 * a setup that throws leaves nothing behind.
 */
export async function runSweep(
  points: readonly SweepPointPlan[],
  io: RunIo,
  options: {
    scenario: string;
    axes: readonly string[];
    out: string;
    hooks?: { setup?: ScenarioHook; teardown?: ScenarioHook };
    /** Told as each point starts (the agent's live progress per point). */
    onPoint?: (point: SweepPointPlan, total: number) => void;
  },
): Promise<SweepOutcome> {
  checkSweepable(points);
  const sweepId = `${makeRunId(new Date())}-${options.scenario}`;
  const first = points[0].plan;
  // A LoRA sweep's simulator serves the whole set; each point uses its first N.
  const sim = await startSharedSim(first, io.log);
  const hooks = options.hooks ? new ScenarioHooks(options.hooks, io) : undefined;
  const sweepDir = join(options.out, sweepId);
  const rows: SweepRow[] = [];
  let interrupted = false;
  const writeSweep = () =>
    writeSweepFiles(sweepDir, rows, {
      sweepId,
      scenario: options.scenario,
      axes: options.axes,
      interrupted,
      hooks: hooks?.record(),
    });
  let finished = false;
  try {
    let model = "";
    let baseUrl = "";
    for (const p of points) {
      if (io.interrupt?.aborted) {
        interrupted = true;
        break;
      }
      if (!io.quiet) {
        const name = p.label ? ` (${p.label})` : "";
        io.log(`sweep point ${p.index}/${points.length}${name}`);
      }
      options.onPoint?.(p, points.length);
      const plan = sweepPointPlan(p, { sweepId, sweepDir, ...options });
      const outcome = await runBenchmark(plan, io, {
        sim,
        beforeStart: hooks && ((target) => hooks.beforeStart(target)),
      });
      model = outcome.model;
      baseUrl = outcome.baseUrl;
      rows.push(sweepRow(p, plan, outcome));
      interrupted = outcome.interrupted;
      await writeSweep();
      if (interrupted) break;
    }
    finished = true;
    const teardownError = await hooks?.teardown();
    // sweep.json again, now with the teardown's timing.
    if (hooks && rows.length > 0) await writeSweep();
    if (rows.length > 0) await writeReportsAtEnd(sweepDir, io.log);
    const failedPoints = rows.filter((r) => r.verdict?.verdict === "fail");
    return { sweepId, sweepDir, rows, model, baseUrl, interrupted, teardownError, failedPoints };
  } finally {
    if (!finished) {
      // A failed point (or setup): the run's own error wins; a teardown failure is only logged.
      const teardownError = await hooks?.teardown();
      if (teardownError) io.log(`error: ${teardownError.message}`);
      if (hooks && rows.length > 0) await writeSweep().catch(() => {});
    }
    await sim?.close();
  }
}

/** A UsageError for points that cannot be swept (LoRA compare, `--start-at`); none throws. */
function checkSweepable(points: readonly SweepPointPlan[]): void {
  if (points.length === 0) throw new Error("runSweep: no points");
  if (points.some((p) => p.plan.lora?.mode === "compare")) {
    throw new UsageError(
      "--lora-mode compare makes three runs of one plan and cannot be swept; use --lora-mode multi (or baseline) with a sweep, or drop the sweep",
    );
  }
  if (points.length > 1 && points[0].plan.startAtEpochMs !== undefined) {
    // One instant is time 0 of one run: every later point would start late.
    throw new UsageError(
      "--start-at starts one run at one instant and cannot start a sweep's points; shard single runs, or drop --start-at",
    );
  }
}

/** A point's plan, written into the sweep directory. */
function sweepPointPlan(
  p: SweepPointPlan,
  sweep: { sweepId: string; sweepDir: string; out: string; axes: readonly string[] },
): RunPlan {
  return {
    ...p.plan,
    out: sweep.sweepDir,
    // The point's history line goes to the sweep's results root, labelled with the point.
    history: {
      root: sweep.out,
      parent: {
        kind: "sweep",
        id: sweep.sweepId,
        index: p.index,
        label: pointLabel(p, sweep.axes),
      },
    },
  };
}

/** sweep.csv and sweep.json as the rows stand (rewritten after every point). */
async function writeSweepFiles(
  sweepDir: string,
  rows: SweepRow[],
  info: Parameters<typeof sweepToJson>[1],
): Promise<void> {
  await writeFileAtomic(join(sweepDir, SWEEP_CSV_FILE), sweepToCsv(rows));
  await writeFileAtomic(join(sweepDir, SWEEP_JSON_FILE), sweepToJson(rows, info));
}
