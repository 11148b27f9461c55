import { parseFlags } from "./flag_suggestion.ts";
import type { RunPlan } from "../config/run_plan.ts";
import {
  expandSweep,
  outputTokensText,
  type Scenario,
  type ScenarioHook,
  type SWEEP_AXES,
  type SweepPoint,
  sweptAxes,
} from "../config/scenario.ts";
import { UsageError } from "../config/usage_error.ts";
import { parseRunArgs, redactSecrets, RUN_OPTIONS } from "./run_args.ts";
import { PREFIX_GROUP_FLAGS } from "./prefix_group_args.ts";
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
  /**
   * The scenario's setup/teardown hooks, carried beside the plans (functions cannot become
   * flags); absent when it has none.
   */
  hooks?: { setup?: ScenarioHook; teardown?: ScenarioHook };
  /** The user's flags as parsed (what the server-variant flags are read from). */
  given: Record<string, unknown>;
}

/** Flag of each sweep axis. */
const AXIS_FLAG: Record<(typeof SWEEP_AXES)[number], string> = {
  concurrency: "concurrency",
  rate: "rate",
  maxInFlight: "max-in-flight",
  promptTokens: "prompt-tokens",
  maxTokens: "max-tokens",
  outputTokens: "output-tokens",
  sharedPrefixTokens: "shared-prefix-tokens",
  temperature: "temperature",
  adapterCount: "adapter-count",
  prefixGroups: PREFIX_GROUP_FLAGS.groups,
};

/** A point's value of an axis as flag text (what a narrowing flag is compared with). */
function axisText(axis: (typeof SWEEP_AXES)[number], point: SweepPoint): string | undefined {
  if (axis === "outputTokens") {
    return point.outputTokens === undefined ? undefined : outputTokensText(point.outputTokens);
  }
  const v = point[axis];
  return v === undefined ? undefined : String(v);
}

/** A narrowing flag's value in the same form as {@link axisText}. */
function flagText(axis: (typeof SWEEP_AXES)[number], raw: string): string {
  if (axis === "outputTokens") return outputTokensText(raw) ?? raw;
  return raw.trim() !== "" && Number.isFinite(Number(raw)) ? String(Number(raw)) : raw;
}
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
  "trace-block-size",
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
  ["prompt-tokens", "shared-prefix-tokens", "text-source", ...Object.values(PREFIX_GROUP_FLAGS)],
  // ... and synthetic prompts (or another dataset) replace the scenario's dataset.
  [
    "dataset",
    "dataset-format",
    "dataset-take",
    "dataset-fraction",
    "dataset-shuffle",
    "dataset-on-error",
    "prompt-column",
  ],
  // The simulator or another server replaces the scenario's target; a model is the server's.
  ["url"],
  ["model"],
  // Another simulator profile drops the scenario's fixed-profile timing with its profile.
  ["sim-profile", "sim-ttft", "sim-itl"],
  // Any adapter source given on the command line replaces the scenario's adapter set.
  ["adapters", "adapters-dir", "adapters-from-server"],
];
const GROUP_LEADERS: readonly (readonly string[])[] = [
  ["concurrency", "rate", "rate-stages", "concurrency-stages", "trace"],
  ["duration", "requests"],
  ["warmup", "warmup-requests"],
  ["max-tokens", "output-tokens"],
  ["dataset"],
  ["dataset", "prompt-tokens", "shared-prefix-tokens", "text-source", PREFIX_GROUP_FLAGS.groups],
  ["url", "target"],
  ["target"],
  ["sim-profile"],
  ["adapters", "adapters-dir", "adapters-from-server"],
];

/** The scenario with one point applied, as `llmload run` flags (`--name=value`). */
export function scenarioFlags(
  scenario: Scenario,
  point: SweepPoint,
): Map<string, string | true | string[]> {
  const flags = new Map<string, string | true | string[]>();
  const set = (name: string, v: string | number | boolean | string[] | undefined) => {
    if (v === undefined || v === false) return;
    flags.set(name, v === true ? true : Array.isArray(v) ? v : String(v));
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
  set("url", scenario.target?.url);
  set("model", scenario.target?.model);
  set("endpoint", req.endpoint ?? scenario.target?.endpoint);
  set("prompt-tokens", point.promptTokens ?? req.promptTokens);
  // maxTokens and outputTokens are one setting: a point's either replaces the recipe's either.
  const pointOutput = point.maxTokens !== undefined || point.outputTokens !== undefined;
  set("max-tokens", pointOutput ? point.maxTokens : req.maxTokens);
  const output = pointOutput ? point.outputTokens : req.outputTokens;
  set("output-tokens", output === undefined ? undefined : outputTokensText(output));
  set("ignore-eos", req.ignoreEos);
  set("shared-prefix-tokens", point.sharedPrefixTokens ?? req.sharedPrefixTokens);
  set("text-source", req.textSource);
  const ds = req.dataset;
  if (ds) {
    set("dataset", ds.path);
    set("dataset-format", ds.format);
    set("dataset-take", ds.take);
    set("dataset-fraction", ds.fraction);
    set("dataset-shuffle", ds.shuffle);
    set("dataset-on-error", ds.onError);
    set("prompt-column", ds.promptColumn);
  }
  const sampling = req.sampling ?? {};
  set("temperature", point.temperature ?? sampling.temperature);
  set("top-p", sampling.topP);
  set("top-k", sampling.topK);
  set("min-p", sampling.minP);
  set("presence-penalty", sampling.presencePenalty);
  set("frequency-penalty", sampling.frequencyPenalty);
  set("repetition-penalty", sampling.repetitionPenalty);
  const stop = sampling.stop;
  set("stop-sequence", typeof stop === "string" ? [stop] : stop);
  set("request-seed", sampling.seed);
  set("warmup", scenario.warmup?.duration);
  set("warmup-requests", scenario.warmup?.requests);
  set("duration", scenario.stop?.duration);
  set("requests", scenario.stop?.requests);
  // `sim: { maxNumBatchedTokens: 512 }` → `--sim-max-num-batched-tokens=512`.
  for (const [key, v] of Object.entries(scenario.sim ?? {})) {
    const name = `sim-${key.replace(/([a-z])([A-Z0-9])/g, "$1-$2").toLowerCase()}`;
    const value = typeof v === "boolean" ? (v ? "on" : "off") : Array.isArray(v) ? v.join(",") : v;
    set(name, value);
  }
  for (const [name, v] of loraScenarioFlags(scenario.lora)) set(name, v);
  set("adapter-count", point.adapterCount);
  prefixGroupFlags(req.prefixGroups, point.prefixGroups, set);
  const sessions = req.sessions;
  set("sessions", sessions !== undefined);
  set("turns", sessions?.turns);
  set("turn-tokens", sessions?.turnTokens);
  set("answer-tokens", sessions?.answerTokens);
  // A number of ms, as other scenario durations; the flag reads a duration text.
  const think = sessions?.thinkTime;
  set("think-time", typeof think === "number" ? `${think}ms` : think);
  set("session-history", sessions?.history);
  return flags;
}

/** Sets the shared-prefix group flags of the recipe, with a point's group count. */
function prefixGroupFlags(
  groups: NonNullable<Scenario["request"]>["prefixGroups"],
  pointGroups: number | undefined,
  set: (name: string, v: string | number | undefined) => void,
) {
  const count = pointGroups ?? groups?.groups;
  if (count === undefined) return;
  const f = PREFIX_GROUP_FLAGS;
  set(f.groups, count);
  set(f.promptsPerGroup, groups?.promptsPerGroup);
  set(f.prefixTokens, groups?.prefixTokens);
  set(f.questionTokens, groups?.questionTokens);
  set(f.policy, groups?.policy);
  set(f.zipfExponent, groups?.zipfExponent);
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
  set("trace-block-size", load.traceBlockSize);
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
  const given: Record<string, unknown> = parseFlags("run", {
    args: userArgs,
    options: RUN_OPTIONS,
    strict: true,
    allowPositionals: false,
  }).values;
  const all = expandSweep(scenario);
  const axes = sweptAxes(all);
  // A flag for a swept axis narrows the sweep to the points with that value.
  let points = all;
  const problems: string[] = [];
  for (const a of axes) {
    const raw = given[AXIS_FLAG[a]];
    if (raw === undefined) continue;
    const want = flagText(a, String(raw));
    const kept = points.filter((p) => axisText(a, p) === want);
    if (kept.length === 0) {
      const values = [...new Set(all.map((p) => axisText(a, p)).filter((v) => v !== undefined))];
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
      // The scenario's simulator settings apply only when the simulator is the target.
      if (name.startsWith("sim-") && given.target !== "sim") continue;
      if (v === true) args.push(`--${name}`);
      else for (const one of Array.isArray(v) ? v : [v]) args.push(`--${name}=${one}`);
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
      scenario: scenario.name,
      commandLine: ["llmload", "run", options.ref, ...redactSecrets(userArgs)],
    };
    return { index: i + 1, label: point.label, point, plan };
  });
  const hooks = scenario.setup || scenario.teardown
    ? { setup: scenario.setup, teardown: scenario.teardown }
    : undefined;
  return { scenario, axes, points: planned, quiet: given.quiet === true, hooks, given };
}
