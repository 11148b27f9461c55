import { z } from "zod";
import { parseDurationMs } from "./duration.ts";
import { UsageError } from "./usage_error.ts";
import { LoraScenarioSchema } from "./lora_plan.ts";

/**
 * Scenarios: a named, reusable description of what to test (load, request recipe, warm-up, stop
 * rule, optional sweep). A scenario is plain data, so a user file needs no imports; the CLI turns
 * it (plus command-line flags, which win) into one RunPlan per sweep point.
 */

const positiveInt = z.number().int().positive();
const duration = z.string().refine((s) => (parseDurationMs(s) ?? 0) > 0, {
  message: 'must be a duration like "500ms", "30s" or "5m"',
});

/** Closed loop (`concurrency` users) or open loop (`rate` requests/s, capped by `maxInFlight`). */
const LoadSchema = z.strictObject({
  /** Closed loop: virtual users, each sends its next request when its last one ends. */
  concurrency: positiveInt.optional(),
  /** Open loop: mean arrival rate, requests/s. */
  rate: z.number().positive().optional(),
  arrival: z.enum(["constant", "poisson", "gamma"]).optional(),
  /** Open loop: cap on requests in flight (the "users" of a workload level). */
  maxInFlight: positiveInt.optional(),
}).refine((l) => l.concurrency === undefined || l.rate === undefined, {
  message: "give concurrency (closed loop) or rate (open loop), not both",
});

const RequestSchema = z.strictObject({
  /** Prompt tokens per request (exact against servers with /tokenize). */
  promptTokens: positiveInt.optional(),
  /** `max_tokens` per request. */
  maxTokens: positiveInt.optional(),
  /** Ask the server to produce exactly `maxTokens` (vLLM `ignore_eos`). */
  ignoreEos: z.boolean().optional(),
  endpoint: z.enum(["chat", "completions"]).optional(),
});

const PhaseSchema = z.strictObject({
  /** Wall time, e.g. "30s". */
  duration: duration.optional(),
  requests: positiveInt.optional(),
});

/** One sweep point: a partial override of the scenario's load and request recipe. */
const PointSchema = z.strictObject({
  /** Short name shown in the sweep table (e.g. "short", "long"). */
  label: z.string().min(1).optional(),
  concurrency: positiveInt.optional(),
  rate: z.number().positive().optional(),
  maxInFlight: positiveInt.optional(),
  promptTokens: positiveInt.optional(),
  maxTokens: positiveInt.optional(),
  /** Use the LoRA set's first N adapters (`--adapter-count`). */
  adapterCount: positiveInt.optional(),
}).refine((p) => p.concurrency === undefined || p.rate === undefined, {
  message: "a point gives concurrency or rate, not both",
});

/** Named axes whose cartesian product (first axis outermost) is the list of points. */
const AxesSchema = z.strictObject({
  concurrency: z.array(positiveInt).min(1).optional(),
  rate: z.array(z.number().positive()).min(1).optional(),
  promptTokens: z.array(positiveInt).min(1).optional(),
  maxTokens: z.array(positiveInt).min(1).optional(),
  /** LoRA adapter counts (the set's first N each), e.g. [1, 2, 4, 8, 16]. */
  adapterCount: z.array(positiveInt).min(1).optional(),
}).refine((a) => a.concurrency === undefined || a.rate === undefined, {
  message: "sweep concurrency or rate, not both",
});

const SweepSchema = z.strictObject({
  points: z.array(PointSchema).min(1).optional(),
  axes: AxesSchema.optional(),
}).refine((s) => (s.points === undefined) !== (s.axes === undefined), {
  message: "give exactly one of points or axes",
});

/** The zod schema every scenario (built-in or user file) is validated with. */
export const ScenarioSchema = z.strictObject({
  /** Lower-case words joined by dashes; what `llmload run NAME` takes. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {
    message: 'must be lower-case letters, digits and dashes, e.g. "my-test"',
  }),
  description: z.string().min(1),
  load: LoadSchema.optional(),
  request: RequestSchema.optional(),
  warmup: PhaseSchema.optional(),
  /** When to stop each run (each sweep point); `--duration`/`--requests` on the command line win. */
  stop: PhaseSchema.optional(),
  sweep: SweepSchema.optional(),
  /** LoRA adapters, selection and mode, as the `--adapters`/`--lora-mode`/… flags take them. */
  lora: LoraScenarioSchema.optional(),
});

/** A scenario as written (every field but name and description optional). */
export type Scenario = z.input<typeof ScenarioSchema>;
/** One sweep point: overrides for the load and request recipe. */
export type SweepPoint = z.infer<typeof PointSchema>;

/** Identity helper: gives a scenario literal its type (editor completion); changes nothing. */
export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}

/**
 * Validates `candidate` against {@link ScenarioSchema}; throws one UsageError listing every
 * problem as `Cannot load scenario "<source>": field "<path>" <message>`.
 */
export function validateScenario(candidate: unknown, source: string): Scenario {
  const parsed = ScenarioSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  throw new UsageError(parsed.error.issues.map((i) => {
    const path = i.path.map(String).join(".");
    const where = path ? `field "${path}"` : "the default export";
    return `Cannot load scenario "${source}": ${where}: ${i.message}`;
  }));
}

/** The sweep axes a point may set, in table/CSV order. */
export const SWEEP_AXES = [
  "concurrency",
  "rate",
  "maxInFlight",
  "promptTokens",
  "maxTokens",
  "adapterCount",
] as const;

/**
 * The scenario's sweep as a list of points (a single empty point when it has no sweep). Axes
 * expand to their cartesian product, the first-listed axis varying slowest.
 */
export function expandSweep(scenario: Scenario): SweepPoint[] {
  const sweep = scenario.sweep;
  if (!sweep) return [{}];
  if (sweep.points) return sweep.points.map((p) => ({ ...p }));
  let points: SweepPoint[] = [{}];
  for (const [axis, values] of Object.entries(sweep.axes ?? {})) {
    if (!values) continue;
    points = points.flatMap((p) => values.map((v) => ({ ...p, [axis]: v })));
  }
  return points;
}

/** The axes that vary across the points (what a sweep table shows as its key columns). */
export function sweptAxes(points: readonly SweepPoint[]): (typeof SWEEP_AXES)[number][] {
  return SWEEP_AXES.filter((a) => points.some((p) => p[a] !== undefined));
}
