import { parseArgs } from "node:util";
import type { RunPlan } from "../config/run_plan.ts";
import {
  expandSweep,
  type Scenario,
  type SWEEP_AXES,
  type SweepPoint,
  sweptAxes,
} from "../config/scenario.ts";
import { UsageError } from "../config/usage_error.ts";
import { parseRunArgs, redactSecrets, RUN_OPTIONS } from "./run_args.ts";
import { loraScenarioFlags } from "./lora_args.ts";

/** One sweep point made concrete: its overrides and the validated plan that runs it. */
export interface PlannedPoint {
  /** 1-based position in the sweep. */
  index: number;
  label?: string;
  point: SweepPoint;
  plan: RunPlan;
}

/** What `llmload run <scenario> [flags]` resolved to. */
export interface ScenarioRun {
  scenario: Scenario;
  /** The axes that vary across points (empty when the scenario has no sweep). */
  axes: (typeof SWEEP_AXES)[number][];
  points: PlannedPoint[];
  quiet: boolean;
}

/** Flag of each sweep axis. */
const AXIS_FLAG: Record<(typeof SWEEP_AXES)[number], string> = {
  concurrency: "concurrency",
  rate: "rate",
  maxInFlight: "max-in-flight",
  promptTokens: "prompt-tokens",
  maxTokens: "max-tokens",
  adapterCount: "adapter-count",
};

/**
 * Flag groups that replace each other as a whole: a user's `--rate` drops the scenario's
 * concurrency, a user's `--requests` drops the scenario's duration, and so on.
 */
const GROUPS: readonly (readonly string[])[] = [
  ["concurrency", "rate", "arrival", "max-in-flight", "ramp", "burstiness", "queue"],
  ["duration", "requests"],
  ["warmup", "warmup-requests"],
  ["max-tokens", "output-tokens"],
  // A dataset replaces the scenario's synthetic prompts.
  ["prompt-tokens", "shared-prefix-tokens", "text-source"],
  // Any adapter source given on the command line replaces the scenario's adapter set.
  ["adapters", "adapters-dir", "adapters-from-server"],
];
const GROUP_LEADERS: readonly (readonly string[])[] = [
  ["concurrency", "rate"],
  ["duration", "requests"],
  ["warmup", "warmup-requests"],
  ["max-tokens", "output-tokens"],
  ["dataset"],
  ["adapters", "adapters-dir", "adapters-from-server"],
];

/** The scenario with one point applied, as `llmload run` flags (`--name=value`). */
export function scenarioFlags(scenario: Scenario, point: SweepPoint): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  const set = (name: string, v: string | number | boolean | undefined) => {
    if (v === undefined || v === false) return;
    flags.set(name, v === true ? true : String(v));
  };
  const load = scenario.load ?? {};
  const pointLoad = point.concurrency !== undefined || point.rate !== undefined;
  const concurrency = pointLoad ? point.concurrency : load.concurrency;
  const rate = pointLoad ? point.rate : load.rate;
  set("concurrency", concurrency);
  set("rate", rate);
  if (rate !== undefined) {
    set("arrival", load.arrival);
    set("max-in-flight", point.maxInFlight ?? load.maxInFlight);
  }
  const req = scenario.request ?? {};
  set("prompt-tokens", point.promptTokens ?? req.promptTokens);
  set("max-tokens", point.maxTokens ?? req.maxTokens);
  set("ignore-eos", req.ignoreEos);
  set("endpoint", req.endpoint);
  set("warmup", scenario.warmup?.duration);
  set("warmup-requests", scenario.warmup?.requests);
  set("duration", scenario.stop?.duration);
  set("requests", scenario.stop?.requests);
  for (const [name, v] of loraScenarioFlags(scenario.lora)) set(name, v);
  set("adapter-count", point.adapterCount);
  return flags;
}

/**
 * Turns a scenario and the user's flags into one validated plan per sweep point. Flags on the
 * command line win over the scenario (a whole group at a time, see GROUPS); a flag for an axis
 * the scenario sweeps narrows the sweep to the points with that value (e.g.
 * `llmload run prompt-lengths --concurrency 1`).
 */
export function scenarioPlans(
  scenario: Scenario,
  userArgs: string[],
  options: { env: Record<string, string | undefined>; ref: string },
): ScenarioRun {
  let given: Record<string, unknown>;
  try {
    ({ values: given } = parseArgs({
      args: userArgs,
      options: RUN_OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}. See \`llmload run --help\`.`);
  }
  const all = expandSweep(scenario);
  const axes = sweptAxes(all);
  // A flag for a swept axis narrows the sweep to the points with that value.
  let points = all;
  const problems: string[] = [];
  for (const a of axes) {
    const raw = given[AXIS_FLAG[a]];
    if (raw === undefined) continue;
    const kept = points.filter((p) => p[a] === Number(raw));
    if (kept.length === 0) {
      const values = [...new Set(all.map((p) => p[a]).filter((v) => v !== undefined))];
      problems.push(
        `--${AXIS_FLAG[a]} ${raw}: scenario "${scenario.name}" sweeps ${a} over ` +
          `${values.join(", ")}; pick one of those to narrow the sweep, or drop the flag`,
      );
    }
    points = kept;
  }
  if (problems.length) throw new UsageError(problems);
  // A narrowing flag repeats the point's own value, so it must not drop the point's group.
  const sweptFlags = new Set<string>(axes.map((a) => AXIS_FLAG[a]));
  const userTouches = (names: readonly string[]) =>
    names.some((n) => given[n] !== undefined && !sweptFlags.has(n));
  const dropped = new Set(GROUPS.filter((_, i) => userTouches(GROUP_LEADERS[i])).flat());
  // The first point's errors stand for all: the same flags go into every point.
  const planned = points.map((point, i): PlannedPoint => {
    const args: string[] = [];
    for (const [name, v] of scenarioFlags(scenario, point)) {
      if (dropped.has(name) || given[name] !== undefined) continue;
      args.push(v === true ? `--${name}` : `--${name}=${v}`);
    }
    const parsed = parseRunArgs([...args, ...userArgs], options.env);
    const plan = {
      ...parsed.plan,
      commandLine: ["llmload", "run", options.ref, ...redactSecrets(userArgs)],
    };
    return { index: i + 1, label: point.label, point, plan };
  });
  return { scenario, axes, points: planned, quiet: given.quiet === true };
}
