/**
 * `llmload run --config DIR --workload all`: every workload of the config, in file order, as the
 * points of one sweep (its own run directory per workload under one sweep directory, one table
 * row each), so a team's load levels (low, medium, high, stress) run with one command. Each
 * point is planned exactly as `--workload NAME` would plan it, flags overriding the same way.
 */

import { SWEEP_AXES } from "../config/scenario.ts";
import { UsageError } from "../config/usage_error.ts";
import { loadYamlConfig, type YamlConfig } from "../config/yaml_config.ts";
import { sweepValues } from "../campaign/run_sweep.ts";
import { CONFIG_OPTIONS, configPlan } from "./config_plans.ts";
import { parseFlags } from "./flag_suggestion.ts";
import type { PlannedPoint, ScenarioRun } from "./scenario_plans.ts";

/** The `--workload` value that runs them all (a workload may not be named so). */
export const ALL_WORKLOADS = "all";
/** The sweep's name: its directory is `<sweep-id>-all-workloads`, its lock the same. */
const SWEEP_NAME = "all-workloads";

/** `args` with every `--workload` value replaced by `name`. */
function withWorkload(args: readonly string[], name: string): string[] {
  return args.map((a, i) => {
    if (a.startsWith("--workload=")) return `--workload=${name}`;
    return args[i - 1] === "--workload" ? name : a;
  });
}

/** The sweep axes whose value differs between the plans: the table's key columns. */
function differingAxes(points: readonly PlannedPoint[]): (typeof SWEEP_AXES)[number][] {
  const values = points.map((p) => sweepValues(p.plan) as unknown as Record<string, unknown>);
  return SWEEP_AXES.filter((a) => new Set(values.map((v) => JSON.stringify(v[a]))).size > 1);
}

/**
 * The sweep of every workload when `args` say `--workload all`, else undefined (one run, as
 * before). A UsageError lists every problem of every workload once, and refuses a config with
 * a workload named "all" (which `--workload all` could not pick).
 */
export function allWorkloadsRun(
  args: string[],
  options: { env: Record<string, string | undefined>; config?: YamlConfig },
): ScenarioRun | undefined {
  const { values } = parseFlags("run", {
    args,
    options: CONFIG_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  if (values.workload !== ALL_WORKLOADS) return undefined;
  const source = values.config as string;
  const config = options.config ?? loadYamlConfig(source);
  const named = config.workloads.find((w) => w.value.name === ALL_WORKLOADS);
  if (named) {
    throw new UsageError(
      `${named.file}: ${named.path}.name: "${ALL_WORKLOADS}" is reserved: --workload ` +
        `${ALL_WORKLOADS} runs every workload; rename this workload`,
    );
  }
  if (config.workloads.length === 0) {
    throw new UsageError(
      `--workload ${ALL_WORKLOADS}: --config ${source} has no workloads; add a workloads.yaml`,
    );
  }
  const problems = new Set<string>();
  const points: PlannedPoint[] = [];
  let quiet = false;
  for (const [i, w] of config.workloads.entries()) {
    try {
      const run = configPlan(withWorkload(args, w.value.name), { ...options, config });
      points.push({ index: i + 1, label: w.value.name, point: {}, plan: run.plan });
      quiet = run.quiet;
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      // The same bad flag fails every workload: say it once.
      for (const p of e.problems) problems.add(p);
    }
  }
  if (problems.size) throw new UsageError([...problems]);
  return {
    scenario: { name: SWEEP_NAME, description: `every workload of --config ${source}` },
    axes: differingAxes(points),
    points,
    quiet,
    given: values,
  };
}
