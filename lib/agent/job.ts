/**
 * What one agent test runs (a single run, a LoRA comparison or a sweep of points) and running it
 * through the same lib/run paths as `llmload run`: runBenchmark, runWithHooks, runLoraCompare and
 * runSweep. Hooks reach a job only from a built-in scenario (the planner resolves names, never
 * files), so nothing a registration says becomes code.
 */
import type { RunPlan } from "../config/run_plan.ts";
import type { ScenarioHook } from "../config/scenario.ts";
import { runLoraCompare } from "../campaign/lora_compare.ts";
import { runBenchmark, type RunIo, type RunOutcome } from "../run/run_benchmark.ts";
import { pointLabel, runSweep, type SweepPointPlan } from "../campaign/run_sweep.ts";
import { runWithHooks } from "../run/run_with_hooks.ts";

/** A built-in scenario's setup/teardown hooks. */
export interface JobHooks {
  setup?: ScenarioHook;
  teardown?: ScenarioHook;
}

/** A registration resolved by the CLI's parsers: one plan, or a sweep's points. */
export type AgentJob =
  | { kind: "run"; plan: RunPlan; hooks?: JobHooks }
  | {
    kind: "sweep";
    scenario: string;
    axes: readonly string[];
    points: SweepPointPlan[];
    hooks?: JobHooks;
  };

/** What a test's results directory holds: one run, a sweep, or a LoRA comparison's runs. */
export type ResultKind = "run" | "sweep" | "lora-compare";

/** One sub-run of a sweep or comparison, in the order they run. */
export interface JobPart {
  /** The sweep's point number (1-based), or the compared run's position. */
  index: number;
  /** The point's label (`concurrency=8`, `low`) or the compared run's name (`baseline`). */
  label: string;
}

/** The kind of results a job writes. */
export function resultKind(job: AgentJob): ResultKind {
  if (job.kind === "sweep") return "sweep";
  return job.plan.lora?.mode === "compare" ? "lora-compare" : "run";
}

/** The sub-runs a job makes, in order; none for a single run. */
export function jobParts(job: AgentJob): JobPart[] {
  if (job.kind === "sweep") {
    return job.points.map((p) => ({ index: p.index, label: pointLabel(p, job.axes) }));
  }
  const lora = job.plan.lora;
  if (lora?.mode !== "compare") return [];
  const names = ["baseline", "multi", ...(lora.withBase ? ["base"] : [])];
  return names.map((label, i) => ({ index: i + 1, label }));
}

/** Every plan a job runs (the guard checks them all). */
export function jobPlans(job: AgentJob): RunPlan[] {
  return job.kind === "sweep" ? job.points.map((p) => p.plan) : [job.plan];
}

/** How a job ended: its results directory, and whether it was stopped early. */
export interface JobOutcome {
  dir: string;
  interrupted: boolean;
  /** A scenario teardown failed (the results are complete). */
  teardownError?: Error;
}

/**
 * Runs a job into `plan.out` (every plan's `out` is the test's results folder). `onPart` is told
 * as each sweep point or compared run starts, with its position among `of`.
 */
export async function runJob(
  job: AgentJob,
  io: RunIo,
  options: { onPart?: (part: JobPart, of: number) => void } = {},
): Promise<JobOutcome> {
  const parts = jobParts(job);
  if (job.kind === "sweep") {
    const outcome = await runSweep(job.points, io, {
      scenario: job.scenario,
      axes: job.axes,
      out: job.points[0].plan.out,
      hooks: job.hooks,
      onPoint: (p, of) => options.onPart?.(parts.find((x) => x.index === p.index)!, of),
    });
    return {
      dir: outcome.sweepDir,
      interrupted: outcome.interrupted,
      teardownError: outcome.teardownError,
    };
  }
  const hooks = job.hooks;
  const runOne = (plan: RunPlan, runIo: RunIo): Promise<RunOutcome & { teardownError?: Error }> =>
    hooks ? runWithHooks(plan, runIo, { hooks }) : runBenchmark(plan, runIo);
  if (job.plan.lora?.mode === "compare") {
    const outcome = await runLoraCompare(job.plan, io, {
      run: (plan, runIo) => {
        const part = parts.find((p) => p.label === plan.lora?.mode);
        if (part) options.onPart?.(part, parts.length);
        return runOne(plan, runIo);
      },
    });
    return {
      dir: outcome.compareDir,
      interrupted: outcome.interrupted,
      teardownError: outcome.teardownError,
    };
  }
  const outcome = await runOne(job.plan, io);
  return {
    dir: outcome.runDir,
    interrupted: outcome.interrupted,
    teardownError: outcome.teardownError,
  };
}
