import type { Shutdown } from "./shutdown.ts";
import type { RunPlan } from "../config/run_plan.ts";
import { renderAdapterTable } from "../report/terminal/adapter_stats_table.ts";
import { renderComparisonTable } from "../report/terminal/lora_comparison_table.ts";
import { runLoraCompare, type RunOne } from "../campaign/lora_compare.ts";
import type { CliIo } from "./cli_io.ts";
import { runIo } from "./run_io.ts";
import { EXIT } from "./exit_codes.ts";

/** What {@link compareAndReport} runs with besides its output. */
export interface CompareOptions {
  /** The stop sequence (signals, --grace, --max-runtime) of this command. */
  shutdown: Shutdown;
  /** Runs one compared run (run_and_report.ts passes one that wraps a scenario's hooks). */
  run?: RunOne;
}

/**
 * `llmload run ... --lora-mode compare`: the baseline, multi (and base) runs, then the
 * "COMPARISON RESULTS" block, the multi run's per-adapter table (cold vs warm TTFT) and the
 * parent directory. Exit codes as for one run (130 when interrupted, 1 when a scenario teardown
 * failed, 3 when a compared run's verdict failed, its reasons printed last).
 */
export async function compareAndReport(
  plan: RunPlan,
  quiet: boolean,
  cli: CliIo,
  options: CompareOptions,
): Promise<number> {
  const outcome = await runLoraCompare(plan, runIo(cli, quiet, options.shutdown), {
    run: options.run,
  });
  if (outcome.comparison) cli.out(renderComparisonTable(outcome.comparison) + "\n");
  const multi = outcome.runs.multi;
  if (multi?.adapters) {
    cli.out(`\n--- Per-Adapter Statistics (Multi-Adapter) ---\n`);
    cli.out(renderAdapterTable(multi.adapters) + "\n");
  }
  cli.out(`results: ${outcome.compareDir}\n`);
  if (outcome.teardownError) cli.err(`error: ${outcome.teardownError.message}\n`);
  if (outcome.interrupted) return options.shutdown.exitCode(EXIT.interrupted);
  if (outcome.teardownError) return EXIT.failure;
  const failed = Object.entries(outcome.runs).filter(([, o]) => o?.verdict.verdict === "fail");
  for (const [name, o] of failed) {
    cli.err(
      `${name} run ${o!.runDir}: FAIL\n${o!.verdict.reasons.map((r) => `  ${r}\n`).join("")}`,
    );
  }
  if (failed.length > 0) {
    cli.err(`verdict: FAIL (exit 3): ${failed.map(([n]) => n).join(", ")} failed\n`);
    return EXIT.gate;
  }
  return EXIT.ok;
}
