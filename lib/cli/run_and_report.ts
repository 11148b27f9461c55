import type { RunPlan } from "../config/run_plan.ts";
import { renderAdapterTable } from "../report/terminal/adapter_stats_table.ts";
import { renderClientHealthLine } from "../report/terminal/client_health_line.ts";
import { renderServerMetricsLine } from "../report/terminal/server_metrics_line.ts";
import { renderSweepTable } from "../report/terminal/sweep_table.ts";
import { renderSummaryTable } from "../report/terminal/terminal_table.ts";
import { renderSloLine, renderVerdictLines } from "../report/terminal/verdict_lines.ts";
import { runBenchmark, type RunOutcome } from "../run/run_benchmark.ts";
import { runSweep } from "../campaign/run_sweep.ts";
import type { HookError } from "../run/scenario_hooks.ts";
import { runWithHooks } from "../run/run_with_hooks.ts";
import type { CliIo } from "./cli_io.ts";
import { EXIT } from "./exit_codes.ts";
import { compareAndReport } from "./lora_command.ts";
import { guardRun } from "./run_guard.ts";
import type { ScenarioRun } from "./scenario_plans.ts";
import { runIo } from "./run_io.ts";

/** What {@link runAndReport} may be given besides the plan. */
export interface RunAndReportOptions {
  /** Told the run directory once the run has written it (`llmload demo` lists them). */
  onDir?: (dir: string) => void;
  /** A scenario's setup/teardown hooks. */
  hooks?: ScenarioRun["hooks"];
  /** The lock's name (run_guard.ts): `run`, or the scenario's name. */
  lock?: string;
}

/** Runs one plan with progress and Ctrl-C handling, prints the summary table and the path. */
export async function runAndReport(
  plan: RunPlan,
  quiet: boolean,
  io: CliIo,
  options: RunAndReportOptions = {},
): Promise<number> {
  const { hooks } = options;
  // The lock, SIGINT/SIGTERM with --grace, and --max-runtime (run_guard.ts).
  const guard = await guardRun(plan, {
    name: options.lock ?? "run",
    err: io.err,
    exitNow: io.exitNow,
  });
  const shutdown = guard.shutdown;
  if (plan.lora?.mode === "compare") {
    return await compareAndReport(plan, quiet, io, {
      shutdown,
      run: hooks && ((p, runIo) => runWithHooks(p, runIo, { hooks })),
    }).catch(guard.stopped).finally(guard.dispose);
  }
  const color = io.color;
  try {
    const outcome: RunOutcome & { teardownError?: HookError } = hooks
      ? await runWithHooks(plan, runIo(io, quiet, shutdown), { hooks })
      : await runBenchmark(plan, runIo(io, quiet, shutdown));
    const title = `llmload ${outcome.runId} · ${outcome.model} @ ${outcome.baseUrl}`;
    io.out(renderSummaryTable(outcome.summary, { color, title, endpoint: plan.endpoint }) + "\n");
    if (outcome.adapters) io.out("\n" + renderAdapterTable(outcome.adapters) + "\n");
    if (outcome.serverMetrics) io.out(renderServerMetricsLine(outcome.serverMetrics) + "\n");
    if (outcome.client) io.out(renderClientHealthLine(outcome.client) + "\n");
    if (outcome.verdict.slo) io.out(renderSloLine(outcome.verdict.slo) + "\n");
    io.out(`results: ${outcome.runDir}\n`);
    options.onDir?.(outcome.runDir);
    // A failing teardown is reported; an interrupted run still exits with its stop's code, the
    // one verdict.json holds.
    if (outcome.teardownError) io.err(`error: ${outcome.teardownError.message}\n`);
    if (outcome.interrupted) {
      // verdict.json holds the same exit code: both come from the stop reason.
      io.err(renderVerdictLines(outcome.verdict));
      return shutdown.exitCode(EXIT.interrupted);
    }
    if (outcome.teardownError) return EXIT.failure;
    // The reason goes last: what a cron mail or CI log shows at its end.
    if (outcome.verdict.verdict === "fail" || plan.gates) {
      io.err(renderVerdictLines(outcome.verdict));
    }
    return outcome.verdict.verdict === "fail" ? EXIT.gate : EXIT.ok;
  } catch (e) {
    return guard.stopped(e);
  } finally {
    guard.dispose();
  }
}

/** Runs every point of a sweep, then prints one table (a row per point) and the sweep path. */
export async function sweepAndReport(run: ScenarioRun, io: CliIo): Promise<number> {
  // The lock, SIGINT/SIGTERM with --grace, and --max-runtime (run_guard.ts).
  const guard = await guardRun(run.points[0].plan, {
    name: lockName(run),
    err: io.err,
    exitNow: io.exitNow,
  });
  const shutdown = guard.shutdown;
  try {
    const outcome = await runSweep(run.points, runIo(io, run.quiet, shutdown), {
      scenario: run.scenario.name,
      axes: run.axes,
      out: run.points[0].plan.out,
      hooks: run.hooks,
    });
    const title = `llmload ${run.scenario.name} · ${outcome.model} @ ${outcome.baseUrl} · ` +
      `${outcome.rows.length}/${run.points.length} points`;
    io.out(renderSweepTable(outcome.rows, { axes: run.axes, title }) + "\n");
    io.out(`results: ${outcome.sweepDir}\n`);
    if (outcome.teardownError) io.err(`error: ${outcome.teardownError.message}\n`);
    if (outcome.interrupted) return shutdown.exitCode(EXIT.interrupted);
    if (outcome.teardownError) return EXIT.failure;
    // Which points failed, and why, last (as a single run's verdict).
    for (const row of outcome.failedPoints) {
      const name = row.label ? `${row.index} (${row.label})` : String(row.index);
      io.err(
        `point ${name} ${row.runId}: FAIL\n${row.verdict!.reasons.map((r) => `  ${r}\n`).join("")}`,
      );
    }
    if (outcome.failedPoints.length > 0) {
      io.err(
        `verdict: FAIL (exit 3): ${outcome.failedPoints.length} of ${outcome.rows.length} points failed\n`,
      );
      return EXIT.gate;
    }
    return EXIT.ok;
  } catch (e) {
    return guard.stopped(e);
  } finally {
    guard.dispose();
  }
}

/** The lock name of a scenario run: the scenario's name. */
export function lockName(run: ScenarioRun): string {
  return run.scenario.name;
}
