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
};

/** Arrival-shape flags: part of the load group, replaced with it. */
const SHAPE_FLAGS = [
  "ramp-to",
  "ramp-over",
  "ramp-curve",
  "rate-stages",
  "concurrency-stages",
  "trace",
  "trace-speed",
  "trace-time-unit",
  "trace-on-error",
];

/**
 * Flag groups that replace each other as a whole: a user's `--rate` drops the scenario's
 * concurrency, a user's `--requests` drops the scenario's duration, and so on.
 */
const GROUPS: readonly (readonly string[])[] = [
  [
    "concurrency",
    "rate",
    "arrival",
    "max-in-flight",
    "ramp",
    "burstiness",
    "queue",
    ...SHAPE_FLAGS,
  ],
  ["duration", "requests"],
  ["warmup", "warmup-requests"],
  ["max-tokens", "output-tokens"],
  // A dataset replaces the scenario's synthetic prompts.
  ["prompt-tokens", "shared-prefix-tokens", "text-source"],
];
const GROUP_LEADERS: readonly (readonly string[])[] = [
  ["concurrency", "rate", "rate-stages", "concurrency-stages", "trace"],
  ["duration", "requests"],
  ["warmup", "warmup-requests"],
  ["max-tokens", "output-tokens"],
  ["dataset"],
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
  // A rate function cannot be a flag: scenarioPlans carries it onto the plan instead.
  const rate = pointLoad ? point.rate : typeof load.rate === "number" ? load.rate : undefined;
  set("concurrency", concurrency);
  set("rate", rate);
  const shaped = !pointLoad && shapeFlags(load, set);
  if (rate !== undefined || shaped === "open") {
    if (load.trace === undefined) set("arrival", load.arrival);
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
  return flags;
}

/**
 * Sets the flags of the load's arrival shape; says which loop the shape drives ("open" for a
 * rate function, a ramp, rate stages or a trace), or false when there is none.
 */
function shapeFlags(
  load: NonNullable<Scenario["load"]>,
  set: (name: string, v: string | number | undefined) => void,
): "open" | "closed" | false {
  set("ramp-to", load.rampTo);
  set("ramp-over", load.rampOver);
  set("ramp-curve", load.rampCurve);
  set("trace", load.trace);
  set("trace-speed", load.traceSpeed);
  set("trace-time-unit", load.traceTimeUnit);
  if (load.stages) {
    const users = load.stages[0].concurrency !== undefined;
    const list = load.stages.map((st) => `${st.duration}@${users ? st.concurrency : st.rate}`);
    set(users ? "concurrency-stages" : "rate-stages", list.join(","));
    return users ? "closed" : "open";
  }
  return typeof load.rate === "function" || load.trace !== undefined ? "open" : false;
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
    // The scenario's rate function rides beside the flags, unless the point or the user's
    // flags replace the load.
    const fn = scenario.load?.rate;
    const pointLoad = point.concurrency !== undefined || point.rate !== undefined;
    const carried = typeof fn === "function" && !pointLoad && !dropped.has("rate")
      ? { fn, source: fn.toString() }
      : undefined;
    const parsed = parseRunArgs([...args, ...userArgs], options.env, { rateFunction: carried });
    const plan = {
      ...parsed.plan,
      commandLine: ["llmload", "run", options.ref, ...redactSecrets(userArgs)],
    };
    return { index: i + 1, label: point.label, point, plan };
  });
  return { scenario, axes, points: planned, quiet: given.quiet === true };
}
