import { join } from "node:path";
import type { RunPlan } from "../config/run_plan.ts";
import { writeFileAtomic } from "../report/atomic_write.ts";
import { sweepToCsv, sweepToJson } from "../report/sweep_csv.ts";
import type { SweepRow, SweepValues } from "../report/sweep_table.ts";
import { startSimWorker } from "../sim/sim_worker.ts";
import { startLoraSweepSim } from "./lora_sim.ts";
import { UsageError } from "../config/usage_error.ts";
import { runBenchmark, type RunIo } from "./run_benchmark.ts";
import { createRunDir, makeRunId } from "./run_dir.ts";

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
}

/** The point's effective values, read from its plan. */
export function sweepValues(plan: RunPlan): SweepValues {
  const open = plan.load.mode === "open" ? plan.load : undefined;
  return {
    concurrency: plan.load.mode === "closed" ? plan.load.concurrency : null,
    rate: open ? open.rate : null,
    maxInFlight: open?.maxInFlight ?? null,
    promptTokens: plan.request.promptTokens,
    maxTokens: plan.request.outputTokens ? null : plan.request.maxTokens,
    adapterCount: plan.lora?.adapterCount ?? null,
  };
}

/**
 * Runs the points one after another into one parent directory `<out>/<sweep-id>/` (one sub-run
 * per point, written by runBenchmark), rewriting `sweep.csv` and `sweep.json` after every point
 * so an interrupted sweep keeps what finished. With `--target sim` the simulator is started once
 * for the whole sweep. Ctrl-C stops after the current point's in-flight requests are cancelled.
 */
export async function runSweep(
  points: readonly SweepPointPlan[],
  io: RunIo,
  options: { scenario: string; axes: readonly string[]; out: string },
): Promise<SweepOutcome> {
  if (points.length === 0) throw new Error("runSweep: no points");
  if (points.some((p) => p.plan.lora?.mode === "compare")) {
    throw new UsageError(
      "--lora-mode compare makes three runs of one plan and cannot be swept; use --lora-mode multi (or baseline) with a sweep, or drop the sweep",
    );
  }
  const sweepId = `${makeRunId(new Date())}-${options.scenario}`;
  const sim = !points[0].plan.target.sim
    ? undefined
    : points[0].plan.lora
    ? await startLoraSweepSim(points[0].plan, io.log)
    : await startSimWorker({ seed: points[0].plan.seed });
  try {
    const sweepDir = await createRunDir(options.out, sweepId);
    const rows: SweepRow[] = [];
    let model = "";
    let baseUrl = "";
    let interrupted = false;
    for (const p of points) {
      if (io.interrupt?.aborted) {
        interrupted = true;
        break;
      }
      if (!io.quiet) {
        const name = p.label ? ` (${p.label})` : "";
        io.log(`sweep point ${p.index}/${points.length}${name}`);
      }
      const plan: RunPlan = {
        ...p.plan,
        out: sweepDir,
        target: sim ? { ...p.plan.target, url: sim.baseUrl, sim: false } : p.plan.target,
      };
      const outcome = await runBenchmark(plan, io);
      model = outcome.model;
      baseUrl = outcome.baseUrl;
      rows.push({
        index: p.index,
        label: p.label,
        runId: outcome.runId,
        values: sweepValues(plan),
        summary: outcome.summary,
      });
      interrupted = outcome.interrupted;
      await writeFileAtomic(join(sweepDir, "sweep.csv"), sweepToCsv(rows));
      await writeFileAtomic(
        join(sweepDir, "sweep.json"),
        sweepToJson(rows, { sweepId, scenario: options.scenario, axes: options.axes, interrupted }),
      );
      if (interrupted) break;
    }
    return { sweepId, sweepDir, rows, model, baseUrl, interrupted };
  } finally {
    await sim?.close();
  }
}
