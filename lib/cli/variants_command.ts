import type { RunPlan } from "../config/run_plan.ts";
import { UsageError } from "../config/usage_error.ts";
import { renderComparisonText } from "../report/terminal/variant_comparison_text.ts";
import { AXIS_LABEL, type SweepValues } from "../report/sweep_row.ts";
import { runVariants, type VariantPoint } from "../campaign/run_variants.ts";
import { sweepValues } from "../campaign/run_sweep.ts";
import { selfCommand } from "../campaign/self_command.ts";
import { guardRun } from "./run_guard.ts";
import { runIo } from "./run_io.ts";
import type { CliIo } from "./cli_io.ts";
import { EXIT } from "./exit_codes.ts";
import type { VariantsRequest } from "./variant_args.ts";

/** The points of a (possibly swept) scenario, named by their swept values. */
export function variantPoints(
  points: readonly { index: number; label?: string; plan: RunPlan }[],
  axes: readonly string[],
): { points: VariantPoint[]; heading: string } {
  const heading = axes.map((a) => AXIS_LABEL[a as keyof SweepValues] ?? a).join(" / ");
  return {
    heading,
    points: points.map((p) => {
      const values = sweepValues(p.plan) as unknown as Record<string, unknown>;
      const name = p.label ?? axes.map((a) => String(values[a] ?? "-")).join(" / ");
      return { index: p.index, name, plan: p.plan };
    }),
  };
}

/**
 * `llmload run [scenario] --server-cmd ...`: every server variant in turn (run_variants.ts),
 * then the comparison table and the sweep directory. Exit 0 when every variant ran, 1 when one
 * failed (the others' results are complete), 130/143 when interrupted.
 */
export async function variantsAndReport(
  request: VariantsRequest,
  run: {
    scenario: string;
    points: readonly { index: number; label?: string; plan: RunPlan }[];
    axes: readonly string[];
    quiet: boolean;
    hasHooks: boolean;
  },
  cli: CliIo,
  /** The lock's name (run_guard.ts): `run`, or the scenario's name. */
  lock: string,
): Promise<number> {
  if (run.hasHooks) {
    throw new UsageError(
      `scenario "${run.scenario}" has setup/teardown hooks, which server variants do not run yet; drop the hooks or the server variants`,
    );
  }
  if (run.points.some((p) => p.plan.lora?.mode === "compare")) {
    throw new UsageError(
      "--lora-mode compare cannot be combined with server variants; use --lora-mode multi",
    );
  }
  const { points, heading } = variantPoints(run.points, run.axes);
  const guard = await guardRun(run.points[0].plan, {
    name: lock,
    err: cli.err,
    exitNow: cli.exitNow,
  });
  const shutdown = guard.shutdown;
  try {
    const outcome = await runVariants(request.plan, points, {
      io: runIo(cli, run.quiet, shutdown),
      scenario: run.scenario,
      out: run.points[0].plan.out,
      pointHeading: heading,
      llmload: selfCommand(),
      resume: request.resume,
    });
    cli.out(renderComparisonText(outcome.report) + "\n");
    cli.out(`results: ${outcome.sweepDir}\n`);
    if (outcome.interrupted) return shutdown.exitCode(EXIT.interrupted);
    const failed = outcome.records.filter((r) => r.status === "failed");
    if (failed.length) {
      cli.err(
        `${failed.length} of ${outcome.records.length} server variants failed (see ` +
          `variants.json and each variant's server.log); exit 1\n`,
      );
      return EXIT.failure;
    }
    return EXIT.ok;
  } catch (e) {
    return guard.stopped(e);
  } finally {
    guard.dispose();
  }
}
