import { parseArgs } from "node:util";
import type { CliIo } from "../cli_io.ts";
import { allWorkloadsRun } from "../config_all_workloads.ts";
import { configPlan, hasConfigFlag } from "../config_plans.ts";
import { EXIT } from "../exit_codes.ts";
import { RUN_HELP, RUN_HELP_BRIEF } from "../help.ts";
import { loadScenario } from "../load_scenario.ts";
import { parseRunArgs, RUN_OPTIONS } from "../run_args.ts";
import { lockName, runAndReport, sweepAndReport } from "../run_and_report.ts";
import { scenarioPlans } from "../scenario_plans.ts";
import { variantsRequest } from "../variant_args.ts";
import { variantsAndReport } from "../variants_command.ts";

/**
 * `llmload run`: from flags, a YAML config (`--config DIR`), or a scenario (`llmload run NAME`
 * or `./file.ts`); with server variants when the flags or the scenario ask for them.
 */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  // `--all` is no run option: only `--help --all` (or `-h --all`) takes it, for every option.
  if (args.includes("--all") && (args.includes("--help") || args.includes("-h"))) {
    io.out(RUN_HELP);
    return EXIT.ok;
  }
  // `llmload run --config DIR --target NAME --model NAME --workload NAME [flags]`.
  if (hasConfigFlag(args) && (args[0] === undefined || args[0].startsWith("-"))) {
    if (args.includes("--help") || args.includes("-h")) {
      io.out(RUN_HELP_BRIEF);
      return EXIT.ok;
    }
    const all = allWorkloadsRun(args, { env: io.env });
    if (all) return await sweepAndReport(all, io);
    const run = configPlan(args, { env: io.env });
    return await runAndReport(run.plan, run.quiet, io);
  }
  // `llmload run <scenario|./file.ts> [flags]`: the first argument, when not a flag.
  if (args[0] !== undefined && !args[0].startsWith("-")) {
    return await scenarioCommand(args[0], args.slice(1), io);
  }
  const parsed = parseRunArgs(args, io.env);
  if (parsed.help) {
    io.out(RUN_HELP_BRIEF);
    return EXIT.ok;
  }
  // Server variants: `--server-cmd` and friends (parseRunArgs has already checked the flags).
  const { values } = parseArgs({ args, options: RUN_OPTIONS, strict: true });
  const variants = variantsRequest(values, { model: parsed.plan.target.model });
  if (variants) {
    return await variantsAndReport(
      variants,
      {
        scenario: "variants",
        points: [{ index: 1, plan: parsed.plan }],
        axes: [],
        quiet: parsed.quiet,
        hasHooks: false,
      },
      io,
      "run",
    );
  }
  return await runAndReport(parsed.plan, parsed.quiet, io);
}

/** `llmload run <scenario|./file.ts> [flags]`: one run, a sweep, or server variants. */
async function scenarioCommand(ref: string, args: string[], io: CliIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(RUN_HELP_BRIEF);
    return EXIT.ok;
  }
  const scenario = await loadScenario(ref);
  const run = scenarioPlans(scenario, args, { env: io.env, ref });
  const variants = variantsRequest(run.given, {
    scenario: scenario.server,
    model: run.points[0].plan.target.model,
  });
  if (variants) {
    return await variantsAndReport(
      variants,
      {
        scenario: scenario.name,
        points: run.points,
        axes: run.axes,
        quiet: run.quiet,
        hasHooks: run.hooks !== undefined,
      },
      io,
      lockName(run),
    );
  }
  if (!scenario.sweep) {
    return await runAndReport(run.points[0].plan, run.quiet, io, {
      hooks: run.hooks,
      lock: lockName(run),
    });
  }
  return await sweepAndReport(run, io);
}
