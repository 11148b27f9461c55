import { z } from "zod";
import { PrefixGroupsSchema } from "./prefix_groups_plan.ts";
import { UsageError } from "./usage_error.ts";
import { LoraPlanSchema } from "./lora_plan.ts";
import { TelemetryPlanSchema } from "./telemetry_plan.ts";
import { GatesPlanSchema } from "./gates_plan.ts";
import { DEFAULT_GRACE_MS, UnattendedPlanSchema } from "./unattended_plan.ts";

/**
 * The one canonical description of a run. Every way of asking for a run (flags today; YAML and
 * scenario files later) is normalised into this shape and validated here, so the run layer never
 * sees half-checked input. Times in milliseconds, rates in requests per second.
 */
const positiveInt = z.number().int().positive();
const positiveMs = z.number().positive();

/** Offered load at `tSeconds` from the start, in requests/s; null ends the run. */
export type RateFunctionLike = (tSeconds: number) => number | null;

/** One closed-loop stage: `concurrency` users (0 pauses) for `durationMs`. */
const ConcurrencyStageSchema = z.object({
  durationMs: positiveMs,
  concurrency: z.number().int().nonnegative(),
});

const ClosedLoad = z.object({
  mode: z.literal("closed"),
  /** Virtual users; each sends its next request when its last one ends. Absent with `stages`. */
  concurrency: positiveInt.optional(),
  /** Users start staggered over this many ms (synchronised starts distort TTFT). */
  rampMs: z.number().nonnegative().optional(),
  /** The user count steps through these stages; the run ends with the last one. */
  stages: z.array(ConcurrencyStageSchema).min(1).optional(),
}).refine((l) => (l.concurrency === undefined) !== (l.stages === undefined), {
  message: "give concurrency or concurrency stages, exactly one",
}).refine((l) => !l.stages || l.stages.some((s) => s.concurrency > 0), {
  message: "every stage has 0 users, so nothing would be sent",
});

/** One open-loop stage: `rate` requests/s (0 pauses) for `durationMs`. */
const RateStageSchema = z.object({ durationMs: positiveMs, rate: z.number().nonnegative() });

/**
 * How the offered rate changes over time (open loop). Every shape ends: a ramp at its end, stages
 * with the last one, a function when it returns null, a trace with its last line.
 */
const OpenShape = z.discriminatedUnion("kind", [
  /** From `from` to `to` requests/s over `durationMs`; exponential needs both > 0. */
  z.object({
    kind: z.literal("ramp"),
    from: z.number().nonnegative(),
    to: z.number().nonnegative(),
    durationMs: positiveMs,
    curve: z.enum(["linear", "exponential"]),
  }).refine((r) => r.curve === "linear" || (r.from > 0 && r.to > 0), {
    message: "an exponential ramp needs both rates > 0",
  }).refine((r) => r.from > 0 || r.to > 0, { message: "a ramp from 0 to 0 sends nothing" }),
  z.object({
    kind: z.literal("stages"),
    stages: z.array(RateStageSchema).min(1),
  }).refine((s) => s.stages.some((st) => st.rate > 0), {
    message: "every stage has rate 0, so nothing would be sent",
  }),
  /** A user's function (scenario files only); `source` is its text, for meta.json. */
  z.object({
    kind: z.literal("function"),
    fn: z.custom<RateFunctionLike>((v) => typeof v === "function", {
      message: "must be a function (tSeconds) => requestsPerSecond | null",
    }),
    source: z.string(),
  }),
  /** Replays a JSONL trace; `timeScale` is a speed (2 = twice as fast). */
  z.object({
    kind: z.literal("trace"),
    path: z.string().min(1),
    timeScale: z.number().positive(),
    timeUnit: z.enum(["ms", "s"]),
    onError: z.enum(["skip", "fail"]),
    /** Tokens per `hash_ids` block; absent means 512 (Mooncake). */
    blockSize: positiveInt.optional(),
  }),
]);

const OpenLoad = z.object({
  mode: z.literal("open"),
  /** Mean arrival rate, requests/s; absent when `shape` gives the rate. */
  rate: z.number().positive().optional(),
  arrival: z.enum(["constant", "poisson", "gamma"]),
  /** Gamma shape: < 1 burstier than Poisson, > 1 smoother. */
  burstiness: z.number().positive(),
  /** Cap on requests in flight; a send that finds it full is dropped (or late with `queue`). */
  maxInFlight: positiveInt.optional(),
  queue: z.boolean(),
  /** Arrival shape: the rate over time (instead of a constant `rate`). */
  shape: OpenShape.optional(),
}).refine((l) => (l.rate === undefined) !== (l.shape === undefined), {
  message: "give a rate or an arrival shape, exactly one",
});

const OutputTokens = z.discriminatedUnion("shape", [
  z.object({ shape: z.literal("fixed"), tokens: positiveInt }),
  z.object({ shape: z.literal("uniform"), min: positiveInt, max: positiveInt }),
  z.object({
    shape: z.literal("normal"),
    mean: z.number().positive(),
    sd: z.number().nonnegative(),
  }),
]);

/**
 * Multi-turn sessions (docs/sessions.md): each virtual user (closed loop) or arrival (open loop)
 * runs a whole conversation, each turn carrying the history so far. Turns come from the
 * dataset's conversations, else synthetic ones. Mirrors lib/load/think_time.ts's `ThinkTime`.
 */
const SessionsPlan = z.object({
  /** Synthetic sessions: user turns per session (fixed, uniform or normal). */
  turns: OutputTokens,
  /** Synthetic sessions: tokens of each user turn; absent = `request.promptTokens`. */
  turnTokens: positiveInt.optional(),
  /** `max_tokens` of each turn; absent = the plan's `max_tokens` / output shape. */
  answerTokens: OutputTokens.optional(),
  thinkTime: z.discriminatedUnion("shape", [
    z.object({ shape: z.literal("fixed"), ms: z.number().nonnegative() }),
    z.object({
      shape: z.literal("uniform"),
      minMs: z.number().nonnegative(),
      maxMs: z.number().nonnegative(),
    }),
    z.object({ shape: z.literal("exponential"), meanMs: z.number().positive() }),
  ]),
  /** The assistant turns of the history: what the server answered, or the dataset's answers. */
  history: z.enum(["server", "dataset"]),
});

/** A run's sessions settings. */
export type SessionsPlan = z.infer<typeof SessionsPlan>;

/**
 * Prompts (and per-item adapter and `max_tokens`) from a dataset file instead of synthetic text.
 * Request i uses selected item i mod n: a run longer than the dataset cycles through it again.
 */
const DatasetSource = z.object({
  /** File path as given. */
  path: z.string().min(1),
  /** Format override; undefined = detected from the name and first bytes. */
  format: z.enum(["jsonl", "csv", "json", "prompts", "adapters", "sharegpt"]).optional(),
  /** Keep this many items (after shuffling). */
  take: positiveInt.optional(),
  /** Keep this share of the items, in (0, 1]. */
  fraction: z.number().positive().max(1).optional(),
  /** Shuffle the items with the plan's seed before taking a subset. */
  shuffle: z.boolean(),
  /** Malformed records: fail the run before it starts, or skip them with a warning. */
  onError: z.enum(["skip", "fail"]),
  /** CSV column holding the prompt; undefined = "prompt". */
  promptColumn: z.string().min(1).optional(),
}).refine((d) => d.take === undefined || d.fraction === undefined, {
  message: "give take or fraction, not both",
});

/**
 * Sampling parameters sent with every request, each only when set (a strict OpenAI server
 * rejects fields it does not know; `topK`, `minP` and `repetitionPenalty` are vLLM extensions).
 * Ranges are vLLM's, so a bad value is a usage error here rather than 400s on every request.
 */
export const SamplingSchema = z.strictObject({
  /** 0 = greedy. */
  temperature: z.number().min(0).optional(),
  /** Nucleus sampling: keep the smallest set of tokens whose probability reaches this, (0, 1]. */
  topP: z.number().gt(0).max(1).optional(),
  /** Keep the k most likely tokens; -1 or 0 = off (vLLM). */
  topK: z.number().int().min(-1).optional(),
  /** Drop tokens below this share of the top token's probability, [0, 1] (vLLM). */
  minP: z.number().min(0).max(1).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  /** > 1 discourages repeats, < 1 encourages them (vLLM). */
  repetitionPenalty: z.number().gt(0).optional(),
  /** Stop sequences: generation ends before any of them. */
  stop: z.array(z.string().min(1)).min(1).optional(),
  /** The request body's `seed` (per-request sampling seed), the same for every request. */
  seed: z.number().int().min(-(2 ** 53) + 1).max(2 ** 53 - 1).optional(),
});

/** Sampling parameters of a run (every field optional; unset ones are not sent). */
export type Sampling = z.infer<typeof SamplingSchema>;
const rate = z.number().min(0).max(1);
const delayFault = z.object({ rate, ms: z.number().nonnegative() });

/**
 * The built-in simulator's settings for `--target sim` (the `--sim-*` flags), in the simulator's
 * own option shape so they pass to it unchanged. The flags' value rules live in one place,
 * lib/cli/sim_args.ts; this schema only guards the shape. Times in ms, fault rates in [0, 1].
 */
const SimSettings = z.strictObject({
  /** Served model name. */
  model: z.string().min(1).optional(),
  /** Engine preset: fixed, tiny, llama-8b-h100, llama-70b-8xh100. */
  profile: z.string().min(1).optional(),
  /** Fixed profile only: time to first token and inter-token gap, ms. */
  ttftMs: z.number().nonnegative().optional(),
  itlMs: z.number().nonnegative().optional(),
  maxModelLen: positiveInt.optional(),
  /** False: streams never carry usage (a server that is not vLLM). */
  usage: z.boolean().optional(),
  /** Output tokens per SSE event (multi-token text chunks). */
  chunkTokens: positiveInt.optional(),
  /** Chat streams: the first N output tokens are reasoning (`delta.reasoning_content`). */
  reasoningTokens: z.number().int().nonnegative().optional(),
  /** Overrides of the profile's engine parameters (batching, KV cache, LoRA slots). */
  engine: z.strictObject({
    maxNumSeqs: positiveInt.optional(),
    maxNumBatchedTokens: positiveInt.optional(),
    chunkedPrefill: z.boolean().optional(),
    /** Automatic prefix caching (vLLM's `--enable-prefix-caching`; on by default). */
    enablePrefixCaching: z.boolean().optional(),
    blockSize: positiveInt.optional(),
    numGpuBlocks: positiveInt.optional(),
    maxLoras: positiveInt.optional(),
    maxCpuLoras: positiveInt.optional(),
    loraLoadMs: z.number().nonnegative().optional(),
  }).optional(),
  /** Injected faults, each a per-request rate. */
  faults: z.strictObject({
    http500: rate.optional(),
    http503: rate.optional(),
    http429: rate.optional(),
    reset: rate.optional(),
    stall: delayFault.optional(),
    malformedSse: rate.optional(),
    invalidJson: rate.optional(),
    missingDone: rate.optional(),
    slowHeaders: delayFault.optional(),
    retryAfterS: z.number().int().nonnegative().optional(),
  }).optional(),
  /** Adapters served from the start (`name` or `name=path`); a dataset's adapters are added. */
  loraAdapters: z.array(z.string().min(1)).optional(),
  /** Append the simulator's ground truth (one JSON line per request) to this file. */
  truthLogFile: z.string().min(1).optional(),
});

/** The simulator settings of a `--target sim` run. */
export type SimSettings = z.infer<typeof SimSettings>;

export const RunPlanSchema = z.object({
  target: z.object({
    /** API base including /v1. Empty when `sim` is set: the simulator's address is used. */
    url: z.string(),
    /** Start the built-in simulator in-process and aim at it. */
    sim: z.boolean(),
    /** Model name; undefined means the first model from GET /v1/models. */
    model: z.string().min(1).optional(),
    apiKey: z.string().optional(),
    /** With `sim`: how the simulator is configured (`--sim-*`); absent = its defaults. */
    simOptions: SimSettings.optional(),
  }).refine((t) => t.sim || t.simOptions === undefined, {
    message: "simulator settings need the simulator as target (--target sim)",
  }),
  endpoint: z.enum(["chat", "completions"]),
  load: z.discriminatedUnion("mode", [ClosedLoad, OpenLoad]),
  /** Neither given: the load's shape ends the run (see {@link loadEndsItself}). */
  stop: z.object({ durationMs: positiveMs.optional(), requests: positiveInt.optional() }),
  warmup: z.object({
    durationMs: positiveMs.optional(),
    requests: positiveInt.optional(),
  }),
  request: z.object({
    /** Prompt tokens per request: exact with /tokenize or `tokenizer`, else estimated. */
    promptTokens: positiveInt,
    /** Fixed `max_tokens`, used when `outputTokens` is not given. */
    maxTokens: positiveInt,
    /** Per-request `max_tokens` shape (uniform, normal), seeded per request index. */
    outputTokens: OutputTokens.optional(),
    ignoreEos: z.boolean(),
    /** The first N prompt tokens are identical in every request (prefix-cache tests). */
    sharedPrefixTokens: z.number().int().nonnegative().default(0),
    /** `english`, `korean`, or a path to a UTF-8 text file. */
    textSource: z.string().min(1).default("english"),
    /** Sampling parameters; undefined when none is set (the server's defaults apply). */
    sampling: SamplingSchema.optional(),
    /**
     * A local tokenizer (model directory with tokenizer.json, or the file) that measures prompt
     * lengths instead of the server's /tokenize; undefined = ask the server.
     */
    tokenizer: z.string().min(1).optional(),
    /** Generated shared-prefix groups (issue 20); prompt tokens are then prefix + question. */
    prefixGroups: PrefixGroupsSchema.optional(),
  }).refine((r) => r.sharedPrefixTokens < r.promptTokens, {
    message: "shared prefix tokens must be fewer than prompt tokens",
  }).refine(
    (r) =>
      !r.prefixGroups ||
      (r.sharedPrefixTokens === 0 &&
        r.promptTokens === r.prefixGroups.prefixTokens + r.prefixGroups.questionTokens),
    {
      message:
        "prefix groups set the prompt length (prefix + question) and replace the shared prefix",
    },
  ),
  /** Multi-turn sessions (`--sessions`); absent = independent requests. */
  sessions: SessionsPlan.optional(),
  /** Dataset prompts; when set, `request.promptTokens`, prefix and text source are unused. */
  dataset: DatasetSource.optional(),
  seed: z.number().int(),
  timeouts: z.object({
    requestMs: positiveMs,
    connectMs: positiveMs.optional(),
    ttftMs: positiveMs.optional(),
  }),
  /**
   * How the client puts requests on the wire: Deno's `fetch`, or hand-written HTTP/1.1 over raw
   * sockets (less client CPU per token event; see lib/client/socket_transport.ts). `auto`:
   * socket, or fetch when a proxy environment variable applies to the target (socket cannot
   * use a proxy); resolved when the run starts (lib/client/transport_choice.ts) and recorded
   * in meta.json as `transport_resolved`.
   */
  transport: z.enum(["auto", "fetch", "socket"]).default("auto"),
  /**
   * Keep-alive connections opened before time 0 (`--preconnect N|off|auto`); absent = auto:
   * one per user for closed loops of 64+ users, none otherwise. See lib/run/preconnect.ts.
   */
  preconnect: z.union([positiveInt, z.literal("off"), z.literal("auto")]).optional(),
  /**
   * Worker threads that send the load (`--workers N|auto`); absent = 1, the main thread alone.
   * See lib/run/workers/worker_count.ts for `auto`.
   */
  workers: z.union([positiveInt, z.literal("auto")]).optional(),
  /** Results root; the run writes `<out>/<run-id>/`. */
  out: z.string().min(1),
  /** Write the records gzip-compressed (`requests.jsonl.gz`, `--gzip-records`); absent = plain. */
  gzipRecords: z.boolean().optional(),
  /**
   * `--token-times off`: requests.jsonl keeps each request's first and last token times only
   * (TTFT, E2E and TPOT stay exact; ITL in summary.json is measured live from every token).
   * Absent = every token's time.
   */
  tokenTimes: z.literal("off").optional(),
  /** The command line as typed, secrets redacted; recorded in meta.json. */
  commandLine: z.array(z.string()),
  /** LoRA adapters and mode (lib/config/lora_plan.ts); absent for a run without LoRA flags. */
  lora: LoraPlanSchema.optional(),
  /**
   * The server's `/metrics` scraper (`--metrics`, `--metrics-interval`): off reads no `/metrics`
   * at all. `intervalMs` undefined: 1 s, or 250 ms in LoRA runs (the adapter timeline).
   */
  serverMetrics: z.object({
    enabled: z.boolean(),
    intervalMs: z.number().min(50).optional(),
  }).default({ enabled: true }),
  /** GPU sampler, tags and notes (lib/config/telemetry_plan.ts); absent = the defaults. */
  telemetry: TelemetryPlanSchema.optional(),
  /**
   * The scenario this plan came from (a built-in, a file's `name`, a `--config` workload);
   * absent for a flags-only `llmload run`. Names the run's series in history.jsonl.
   */
  scenario: z.string().min(1).optional(),
  /** Monitoring exports of the run's key metrics (lib/results/record_history.ts). */
  exports: z.object({
    /** `--prom-file`: Prometheus text for node_exporter's textfile collector, atomically. */
    promFile: z.string().min(1).optional(),
    /** `--pushgateway`: PUT the same text to `<url>/metrics/job/llmload/...`. */
    pushgateway: z.string().url().optional(),
  }).optional(),
  /**
   * Set by a sweep, a LoRA compare or a search on each sub-run, whose `out` is the parent directory: the
   * results root whose history.jsonl gets the run's line, and what the run is part of.
   */
  history: z.object({
    root: z.string().min(1),
    parent: z.object({
      kind: z.enum(["sweep", "lora-compare", "search"]),
      id: z.string().min(1),
      index: z.number().int().positive().optional(),
      label: z.string(),
    }),
  }).optional(),
  /**
   * Set by a server-variants sweep (lib/campaign/run_variants.ts) on each run: the server
   * configuration it measured, recorded in meta.json as `server_variant`.
   */
  serverVariant: z.object({
    sweepId: z.string(),
    index: z.number().int().positive(),
    label: z.string(),
    params: z.record(z.string(), z.string()),
    /** The exact argv the server was started with. */
    argv: z.array(z.string()),
    template: z.string(),
    port: z.number().int().positive(),
  }).optional(),
  /** SLOs, gates, baseline, JUnit (lib/config/gates_plan.ts); absent = the default gate only. */
  gates: GatesPlanSchema.optional(),
  /** `--wait-ready`, `--max-runtime`, `--grace` (lib/config/unattended_plan.ts). */
  unattended: UnattendedPlanSchema.default({ graceMs: DEFAULT_GRACE_MS }),
  /**
   * `--shard i/N`: this process runs shard `index` (0-based) of `count` of the plan (the `Shard`
   * of lib/load/shard.ts); absent = the whole plan.
   */
  shard: z.object({ index: z.number().int().nonnegative(), count: positiveInt })
    .refine((s) => s.index < s.count, { message: "shard index must be below the shard count" })
    .optional(),
  /** `--start-at`: the run's time 0 is this wall-clock instant (epoch ms); it waits until then. */
  startAtEpochMs: z.number().positive().optional(),
}).refine(
  (p) => p.stop.durationMs !== undefined || p.stop.requests !== undefined || loadEndsItself(p.load),
  { message: "needs --duration or --requests", path: ["stop"] },
).refine((p) => !p.sessions || p.endpoint === "chat", {
  message: "sessions send chat histories: use --endpoint chat",
  path: ["sessions"],
}).refine((p) => !p.sessions || p.load.mode === "open" || !p.load.stages, {
  message: "sessions run with --concurrency or an open loop, not concurrency stages",
  path: ["sessions"],
});

/** True when the load ends by itself (an arrival shape or concurrency stages). */
export function loadEndsItself(load: { mode: string; shape?: unknown; stages?: unknown }): boolean {
  return load.mode === "open" ? load.shape !== undefined : load.stages !== undefined;
}

/**
 * The users that can ever be in flight together in a closed loop: `--concurrency`, or fewer when
 * `--requests` stops the run first (8 users, 4 requests: 4 users ever send). Undefined for an
 * open loop or concurrency stages.
 */
export function effectiveConcurrency(
  plan: { load: RunPlan["load"]; stop: RunPlan["stop"] },
): number | undefined {
  if (plan.load.mode !== "closed" || plan.load.concurrency === undefined) return undefined;
  const requests = plan.stop.requests;
  return requests === undefined ? plan.load.concurrency : Math.min(plan.load.concurrency, requests);
}

/** A validated run plan. */
export type RunPlan = z.infer<typeof RunPlanSchema>;

/** Validates a candidate plan; throws one UsageError listing every problem. */
export function validateRunPlan(candidate: unknown): RunPlan {
  const parsed = RunPlanSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  throw new UsageError(
    parsed.error.issues.map((i) => `${i.path.join(".") || "plan"}: ${i.message}`),
  );
}
