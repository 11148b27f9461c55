import { z } from "zod";
import { parseDurationMs } from "./duration.ts";
import { SamplingSchema } from "./run_plan.ts";
import { UsageError } from "./usage_error.ts";
import { LoraScenarioSchema } from "./lora_plan.ts";
import { GROUP_POLICIES, MAX_PREFIX_GROUPS } from "./prefix_groups_plan.ts";

/**
 * Scenarios: a named, reusable description of what to test (load, request recipe, warm-up, stop
 * rule, optional sweep). A scenario is plain data, so a user file needs no imports; the CLI turns
 * it (plus command-line flags, which win) into one RunPlan per sweep point.
 */

const positiveInt = z.number().int().positive();
const duration = z.string().refine((s) => (parseDurationMs(s) ?? 0) > 0, {
  message: 'must be a duration like "500ms", "30s" or "5m"',
});

/** A scenario's rate function: requests/s at `tSeconds` from the start; null ends the run. */
export type ScenarioRateFunction = (tSeconds: number) => number | null;

/** One stage: `rate` requests/s (open loop) or `concurrency` users (closed loop) for `duration`. */
const StageSchema = z.strictObject({
  duration,
  rate: z.number().nonnegative().optional(),
  concurrency: z.number().int().nonnegative().optional(),
}).refine((st) => (st.rate === undefined) !== (st.concurrency === undefined), {
  message: "a stage gives rate or concurrency, exactly one",
});

/**
 * Closed loop (`concurrency` users) or open loop (`rate` requests/s, capped by `maxInFlight`),
 * optionally shaped: a ramp (`rate` → `rampTo` over `rampOver`), `stages`, a `trace`, or `rate`
 * as a function of time.
 */
const LoadSchema = z.strictObject({
  /** Closed loop: virtual users, each sends its next request when its last one ends. */
  concurrency: positiveInt.optional(),
  /** Open loop: mean arrival rate, requests/s, or a function `(tSeconds) => rate | null`. */
  rate: z.union([
    z.number().nonnegative(),
    z.custom<ScenarioRateFunction>((v) => typeof v === "function"),
  ], { error: "must be a number > 0 or a function (tSeconds) => requestsPerSecond | null" })
    .optional(),
  arrival: z.enum(["constant", "poisson", "gamma"]).optional(),
  /** Open loop: cap on requests in flight (the "users" of a workload level). */
  maxInFlight: positiveInt.optional(),
  /** Ramp from `rate` to this many requests/s over `rampOver` (then the run ends). */
  rampTo: z.number().nonnegative().optional(),
  rampOver: duration.optional(),
  rampCurve: z.enum(["linear", "exponential"]).optional(),
  /** Stages, all with `rate` (open loop) or all with `concurrency` (closed loop). */
  stages: z.array(StageSchema).min(1).optional(),
  /** A JSONL trace to replay (a relative path is relative to the scenario file). */
  trace: z.string().min(1).optional(),
  /** Trace replay speed: 2 = twice as fast. */
  traceSpeed: z.number().positive().optional(),
  traceTimeUnit: z.enum(["ms", "s"]).optional(),
  /** Tokens per `hash_ids` block of the trace (`--trace-block-size`; default 512, Mooncake's). */
  traceBlockSize: positiveInt.optional(),
}).refine((l) => l.concurrency === undefined || l.rate === undefined, {
  message: "give concurrency (closed loop) or rate (open loop), not both",
}).refine((l) => typeof l.rate !== "number" || l.rate > 0 || l.rampTo !== undefined, {
  message: "rate must be > 0 (0 only starts a ramp: add rampTo)",
}).refine(
  (l) => [l.concurrency ?? l.rate, l.stages, l.trace].filter((x) => x !== undefined).length <= 1,
  { message: "give one load: concurrency, rate, stages or trace" },
).refine((l) => l.rampTo === undefined || typeof l.rate === "number", {
  message: "rampTo needs a numeric rate to start from",
}).refine((l) => (l.rampTo === undefined) === (l.rampOver === undefined), {
  message: "rampTo and rampOver go together",
}).refine((l) => l.rampCurve === undefined || l.rampTo !== undefined, {
  message: "rampCurve needs rampTo",
}).refine(
  (l) =>
    l.trace !== undefined ||
    (l.traceSpeed === undefined && l.traceTimeUnit === undefined &&
      l.traceBlockSize === undefined),
  { message: "traceSpeed, traceTimeUnit and traceBlockSize need trace" },
).refine(
  (l) => !l.stages || new Set(l.stages.map((st) => st.rate === undefined)).size === 1,
  { message: "stages must all give rate or all give concurrency" },
);

/**
 * Output length per request: a number (fixed), `--output-tokens` text (`"uniform:64-256"`,
 * `"normal:200,50"`) or the same as an object (`{ shape: "uniform", min: 64, max: 256 }`).
 */
const OutputTokensSchema = z.union([
  positiveInt,
  z.string().refine((t) => outputTokensText(t) !== undefined, {
    message: 'must be N, "uniform:MIN-MAX" (1 ≤ MIN ≤ MAX) or "normal:MEAN,SD" (MEAN > 0, SD ≥ 0)',
  }),
  z.strictObject({ shape: z.literal("fixed"), tokens: positiveInt }),
  z.strictObject({ shape: z.literal("uniform"), min: positiveInt, max: positiveInt }).refine(
    (u) => u.min <= u.max,
    { message: "needs min ≤ max" },
  ),
  z.strictObject({
    shape: z.literal("normal"),
    mean: z.number().positive(),
    sd: z.number().nonnegative(),
  }),
]);

/** An output length as written in a scenario. */
export type ScenarioOutputTokens =
  | number
  | string
  | { shape: "fixed"; tokens: number }
  | { shape: "uniform"; min: number; max: number }
  | { shape: "normal"; mean: number; sd: number };

/**
 * Prompts from a dataset file (what `--dataset` and its companion flags take). A relative `path`
 * is resolved against the scenario file's directory, so a scenario and its data travel together.
 */
const DatasetSchema = z.strictObject({
  path: z.string().min(1),
  format: z.enum(["jsonl", "json", "sharegpt", "csv", "prompts", "adapters"]).optional(),
  take: positiveInt.optional(),
  fraction: z.number().positive().max(1).optional(),
  shuffle: z.boolean().optional(),
  onError: z.enum(["skip", "fail"]).optional(),
  promptColumn: z.string().min(1).optional(),
}).refine((d) => d.take === undefined || d.fraction === undefined, {
  message: "give take or fraction, not both",
});

/** The run's sampling parameters; `stop` may be one string or a list. */
const ScenarioSamplingSchema = SamplingSchema.extend({
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
});

const RequestSchema = z.strictObject({
  /** Prompt tokens per request (exact against servers with /tokenize). */
  promptTokens: positiveInt.optional(),
  /** `max_tokens` per request. */
  maxTokens: positiveInt.optional(),
  /** Per-request `max_tokens` drawn from a shape (instead of `maxTokens`). */
  outputTokens: OutputTokensSchema.optional(),
  /** Ask the server to produce exactly `maxTokens` (vLLM `ignore_eos`). */
  ignoreEos: z.boolean().optional(),
  endpoint: z.enum(["chat", "completions"]).optional(),
  /** The first N prompt tokens are identical in every request (prefix caching). */
  sharedPrefixTokens: z.number().int().nonnegative().optional(),
  /** `english`, `korean`, or a UTF-8 text file (relative: to the scenario file's directory). */
  textSource: z.string().min(1).optional(),
  dataset: DatasetSchema.optional(),
  sampling: ScenarioSamplingSchema.optional(),
  /**
   * Generated shared-prefix groups (`--prefix-groups` and its flags): prompt tokens are then
   * prefixTokens + questionTokens. A sweep's `prefixGroups` axis sets `groups` per point.
   */
  prefixGroups: z.strictObject({
    groups: z.number().int().min(1).max(MAX_PREFIX_GROUPS).optional(),
    promptsPerGroup: positiveInt.optional(),
    prefixTokens: positiveInt.optional(),
    questionTokens: positiveInt.optional(),
    policy: z.enum(GROUP_POLICIES).optional(),
    zipfExponent: z.number().positive().optional(),
  }).optional(),
  /**
   * Multi-turn sessions (`--sessions` and its flags, docs/sessions.md): `turns` and
   * `answerTokens` take a number or a shape text (`uniform:2-6`), `thinkTime` a duration or a
   * distribution text (`uniform:0.5s-2s`).
   */
  sessions: z.strictObject({
    turns: z.union([positiveInt, z.string().min(1)]).optional(),
    turnTokens: positiveInt.optional(),
    answerTokens: z.union([positiveInt, z.string().min(1)]).optional(),
    thinkTime: z.union([z.number().nonnegative(), z.string().min(1)]).optional(),
    history: z.enum(["server", "dataset"]).optional(),
  }).optional(),
}).superRefine((r, ctx) => {
  if (r.maxTokens !== undefined && r.outputTokens !== undefined) {
    ctx.addIssue({ code: "custom", message: "give maxTokens or outputTokens, not both" });
  }
  if (r.dataset) {
    for (const k of ["promptTokens", "sharedPrefixTokens", "textSource", "prefixGroups"] as const) {
      if (r[k] === undefined) continue;
      ctx.addIssue({
        code: "custom",
        path: [k],
        message: "builds synthetic prompts and cannot be combined with dataset; drop one",
      });
    }
  }
});

/** Where to send load when the command line does not say (`--url`, `--model`, `--endpoint`). */
const TargetSchema = z.strictObject({
  /** API base including /v1. */
  url: z.string().refine(isHttpUrl, {
    message: 'must be an http(s) URL such as "http://127.0.0.1:8000/v1"',
  }).optional(),
  model: z.string().min(1).optional(),
  endpoint: z.enum(["chat", "completions"]).optional(),
});

/** What a setup or teardown hook receives. */
export interface HookContext {
  /** The resolved API base, including /v1 (the simulator's address with `--target sim`). */
  baseUrl: string;
  /** The resolved model name. */
  model: string;
  /** The API key the run sends, if any. */
  apiKey?: string;
  /** Writes a line to the terminal (stderr), prefixed with the hook's name. */
  log(line: string): void;
  /** Setup: aborted on Ctrl-C. Teardown: a fresh signal (it runs after a Ctrl-C). */
  signal: AbortSignal;
}

/** A setup or teardown hook: runs outside the measured window; may be async. */
export type ScenarioHook = (context: HookContext) => unknown;

const HookSchema = z.custom<ScenarioHook>((v) => typeof v === "function", {
  message: "must be a function, e.g. async ({ baseUrl, model, log, signal }) => { ... }",
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
  outputTokens: OutputTokensSchema.optional(),
  sharedPrefixTokens: z.number().int().nonnegative().optional(),
  temperature: z.number().min(0).optional(),
  /** Use the LoRA set's first N adapters (`--adapter-count`). */
  adapterCount: positiveInt.optional(),
  /** Shared-prefix groups (`--prefix-groups`); the rest of the groups' recipe is the request's. */
  prefixGroups: z.number().int().min(1).max(MAX_PREFIX_GROUPS).optional(),
}).refine((p) => p.concurrency === undefined || p.rate === undefined, {
  message: "a point gives concurrency or rate, not both",
}).refine((p) => p.maxTokens === undefined || p.outputTokens === undefined, {
  message: "a point gives maxTokens or outputTokens, not both",
});

const simRate = z.number().min(0).max(1);
/** `RATE:DURATION`, e.g. "0.05:3s". */
const simDelayFault = z.string().regex(/^[0-9.]+:[0-9.]+(ms|s|m|h)?$/, {
  message: 'must be RATE:DURATION such as "0.05:3s"',
});

/**
 * Simulator defaults for runs whose target is the built-in simulator (`--target sim`); ignored
 * otherwise. Each key is a `--sim-*` flag in camelCase (`maxNumBatchedTokens` is
 * `--sim-max-num-batched-tokens`); a `--sim-*` flag on the command line wins over its key.
 */
const SimDefaultsSchema = z.strictObject({
  profile: z.enum(["fixed", "tiny", "llama-8b-h100", "llama-70b-8xh100"]).optional(),
  model: z.string().min(1).optional(),
  /** Fixed profile only, e.g. "40ms". */
  ttft: duration.optional(),
  itl: duration.optional(),
  maxModelLen: positiveInt.optional(),
  /** false: streams never carry usage (`--sim-usage off`). */
  usage: z.boolean().optional(),
  /** Output tokens per SSE event. */
  chunkTokens: positiveInt.optional(),
  /** Chat streams: the first N output tokens are reasoning (`--sim-reasoning-tokens`). */
  reasoningTokens: z.number().int().nonnegative().optional(),
  maxNumSeqs: positiveInt.optional(),
  maxNumBatchedTokens: positiveInt.optional(),
  chunkedPrefill: z.boolean().optional(),
  /** false: no automatic prefix caching (`--sim-prefix-caching off`). */
  prefixCaching: z.boolean().optional(),
  blockSize: positiveInt.optional(),
  numGpuBlocks: positiveInt.optional(),
  maxLoras: positiveInt.optional(),
  maxCpuLoras: positiveInt.optional(),
  loraLoadTime: duration.optional(),
  /** Adapters served from the start: names, or `name=path`. */
  loraAdapters: z.array(z.string().min(1)).optional(),
  fault500: simRate.optional(),
  fault503: simRate.optional(),
  fault429: simRate.optional(),
  faultReset: simRate.optional(),
  faultStall: simDelayFault.optional(),
  faultMalformedSse: simRate.optional(),
  faultInvalidJson: simRate.optional(),
  faultMissingDone: simRate.optional(),
  faultSlowHeaders: simDelayFault.optional(),
  /** Seconds sent as Retry-After with injected 429/503s. */
  retryAfter: z.number().int().nonnegative().optional(),
});

/**
 * Server variants (`--server-cmd`, `--server-param`, `--link`, `--ready-timeout`,
 * `--server-grace`): the scenario is run once per server configuration, each server started
 * and stopped by llmload (lib/config/server_variants.ts).
 */
const ServerSchema = z.strictObject({
  /** The server command, with `{port}` and a `{name}` per parameter (`{llmload}`, `{model}`). */
  cmd: z.string().min(1),
  /** Values per parameter, e.g. `{ chunked: ["on", "off"], mnbt: [2048, 8192] }`. */
  params: z.record(
    z.string(),
    z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
  ).optional(),
  /** Groups of parameters whose lists move together (`--link a,b`), e.g. `[["tp", "mnbt"]]`. */
  link: z.array(z.array(z.string()).min(2)).optional(),
  /** `--ready-timeout`, e.g. "10m". */
  readyTimeout: duration.optional(),
  /** `--server-grace`: SIGTERM to SIGKILL, e.g. "10s". */
  grace: duration.optional(),
});

/** A scenario's `server` block. */
export type ScenarioServer = z.infer<typeof ServerSchema>;

/** Named axes whose cartesian product (first axis outermost) is the list of points. */
const AxesSchema = z.strictObject({
  concurrency: z.array(positiveInt).min(1).optional(),
  rate: z.array(z.number().positive()).min(1).optional(),
  promptTokens: z.array(positiveInt).min(1).optional(),
  maxTokens: z.array(positiveInt).min(1).optional(),
  outputTokens: z.array(OutputTokensSchema).min(1).optional(),
  sharedPrefixTokens: z.array(z.number().int().nonnegative()).min(1).optional(),
  temperature: z.array(z.number().min(0)).min(1).optional(),
  /** LoRA adapter counts (the set's first N each), e.g. [1, 2, 4, 8, 16]. */
  adapterCount: z.array(positiveInt).min(1).optional(),
  /** Shared-prefix group counts, e.g. [1, 2, 4, 8, 16] (the scenario's scenarios/shared_prefix.ts). */
  prefixGroups: z.array(z.number().int().min(1).max(MAX_PREFIX_GROUPS)).min(1).optional(),
}).refine((a) => a.concurrency === undefined || a.rate === undefined, {
  message: "sweep concurrency or rate, not both",
}).refine((a) => a.maxTokens === undefined || a.outputTokens === undefined, {
  message: "sweep maxTokens or outputTokens, not both",
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
  /** Defaults for `--url`, `--model`, `--endpoint` (the command line wins). */
  target: TargetSchema.optional(),
  load: LoadSchema.optional(),
  request: RequestSchema.optional(),
  warmup: PhaseSchema.optional(),
  /** When to stop each run (each sweep point); `--duration`/`--requests` on the command line win. */
  stop: PhaseSchema.optional(),
  sweep: SweepSchema.optional(),
  /** LoRA adapters, selection and mode, as the `--adapters`/`--lora-mode`/… flags take them. */
  lora: LoraScenarioSchema.optional(),
  /**
   * Runs once after the target is resolved, before the first request (of the first point of a
   * sweep). Throwing aborts the run before any request is sent.
   */
  setup: HookSchema.optional(),
  /** Runs once at the end (after the last point), also after a failure or Ctrl-C. */
  teardown: HookSchema.optional(),
  /** Simulator settings, used only when the target is the simulator (`--target sim`). */
  sim: SimDefaultsSchema.optional(),
  /** Server variants: start each server configuration in turn and run the scenario on each. */
  server: ServerSchema.optional(),
}).superRefine((s, ctx) => {
  const [a, b] = [s.target?.endpoint, s.request?.endpoint];
  if (a !== undefined && b !== undefined && a !== b) {
    ctx.addIssue({
      code: "custom",
      path: ["request", "endpoint"],
      message: `differs from target.endpoint ("${a}"); give the endpoint once`,
    });
  }
  if (!s.request?.dataset) return;
  const swept = new Set([
    ...Object.keys(s.sweep?.axes ?? {}),
    ...(s.sweep?.points ?? []).flatMap((p) => Object.keys(p)),
  ]);
  for (const k of ["promptTokens", "sharedPrefixTokens", "prefixGroups"]) {
    if (!swept.has(k)) continue;
    ctx.addIssue({
      code: "custom",
      path: ["sweep"],
      message: `sweeps ${k}, which a dataset's prompts ignore; drop request.dataset or the axis`,
    });
  }
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

/**
 * The sweep axes a point may set, in table/CSV order. Adding one (e.g. `adapters`, the adapter
 * count, once per-request adapter selection exists): its schema in PointSchema and AxesSchema
 * here, its flag in AXIS_FLAG (lib/cli/scenario_plans.ts) and scenarioFlags, its effective value
 * in sweepValues (lib/campaign/run_sweep.ts) and SweepValues, a label in the sweep table and a column
 * appended at the end of SWEEP_CSV_COLUMNS (lib/report/).
 */
export const SWEEP_AXES = [
  "concurrency",
  "rate",
  "maxInFlight",
  "promptTokens",
  "maxTokens",
  "outputTokens",
  "sharedPrefixTokens",
  "temperature",
  "adapterCount",
  "prefixGroups",
] as const;

/**
 * An output length as `--output-tokens` text (`"256"`, `"uniform:64-256"`, `"normal:200,50"`),
 * or undefined when a string is not in that syntax. Also how a sweep point's value is compared
 * with a narrowing `--output-tokens` flag.
 */
export function outputTokensText(v: ScenarioOutputTokens): string | undefined {
  if (typeof v === "number") return String(v);
  if (typeof v === "object") {
    if (v.shape === "fixed") return String(v.tokens);
    if (v.shape === "uniform") return `uniform:${v.min}-${v.max}`;
    return `normal:${v.mean},${v.sd}`;
  }
  const t = v.trim();
  if (/^[1-9]\d*$/.test(t)) return String(Number(t));
  const u = /^uniform:([1-9]\d*)-([1-9]\d*)$/.exec(t);
  if (u) {
    return Number(u[1]) <= Number(u[2]) ? `uniform:${Number(u[1])}-${Number(u[2])}` : undefined;
  }
  const n = /^normal:([^,]+),(.+)$/.exec(t);
  if (n) {
    const [mean, sd] = [Number(n[1]), Number(n[2])];
    const ok = Number.isFinite(mean) && mean > 0 && Number.isFinite(sd) && sd >= 0;
    return ok ? `normal:${mean},${sd}` : undefined;
  }
  return undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

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
