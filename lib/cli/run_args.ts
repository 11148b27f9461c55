import { dirname } from "node:path";
import { parseFlags } from "./flag_suggestion.ts";
import { parseDurationMs } from "../config/duration.ts";
import { type RateFunctionLike, type RunPlan, validateRunPlan } from "../config/run_plan.ts";
import { parseStageList } from "../config/stage_list.ts";
import { UsageError } from "../config/usage_error.ts";
import { redactArgv as redactSecrets } from "../config/redact.ts";
import { parseOutputLength } from "../workload/output_length.ts";
import { BUILTIN_TEXT_SOURCES } from "../workload/text_sources.ts";
import { parseSamplingFlags, SAMPLING_OPTIONS } from "./sampling_args.ts";
import { SIM_FLAG_PREFIX, SIM_RUN_OPTIONS, simOptionsFromFlags } from "./sim_args.ts";
import { LORA_OPTIONS, loraSection } from "./lora_args.ts";
import { TELEMETRY_OPTIONS, telemetrySection } from "./telemetry_args.ts";
import { EXPORT_OPTIONS, exportsSection } from "./export_args.ts";
import { GATE_OPTIONS, gatesSection } from "./gates_args.ts";
import { UNATTENDED_OPTIONS, unattendedSection } from "./unattended_args.ts";
import { SHARD_OPTIONS, shardSection } from "./shard_args.ts";
import { VARIANT_OPTIONS } from "./variant_args.ts";

/** The flags of `llmload run`, as node:util parseArgs options. Help text lives in help.ts. */
export const RUN_OPTIONS = {
  url: { type: "string" },
  model: { type: "string" },
  "api-key": { type: "string" },
  endpoint: { type: "string" },
  concurrency: { type: "string" },
  ramp: { type: "string" },
  rate: { type: "string" },
  arrival: { type: "string" },
  burstiness: { type: "string" },
  "max-in-flight": { type: "string" },
  queue: { type: "boolean" },
  "ramp-to": { type: "string" },
  "ramp-over": { type: "string" },
  "ramp-curve": { type: "string" },
  "rate-stages": { type: "string" },
  "concurrency-stages": { type: "string" },
  trace: { type: "string" },
  "trace-speed": { type: "string" },
  "trace-time-unit": { type: "string" },
  "trace-on-error": { type: "string" },
  duration: { type: "string" },
  requests: { type: "string" },
  warmup: { type: "string" },
  "warmup-requests": { type: "string" },
  "prompt-tokens": { type: "string" },
  "max-tokens": { type: "string" },
  "output-tokens": { type: "string" },
  "shared-prefix-tokens": { type: "string" },
  "text-source": { type: "string" },
  tokenizer: { type: "string" },
  "ignore-eos": { type: "boolean" },
  dataset: { type: "string" },
  "dataset-format": { type: "string" },
  "dataset-take": { type: "string" },
  "dataset-fraction": { type: "string" },
  "dataset-shuffle": { type: "boolean" },
  "dataset-on-error": { type: "string" },
  "prompt-column": { type: "string" },
  ...SAMPLING_OPTIONS,
  seed: { type: "string" },
  timeout: { type: "string" },
  "connect-timeout": { type: "string" },
  "ttft-timeout": { type: "string" },
  transport: { type: "string" },
  preconnect: { type: "string" },
  workers: { type: "string" },
  out: { type: "string" },
  "gzip-records": { type: "boolean" },
  "token-times": { type: "string" },
  target: { type: "string" },
  // --sim-profile, --sim-chunked-prefill, ...: the built-in simulator's settings.
  ...SIM_RUN_OPTIONS,
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  ...LORA_OPTIONS,
  metrics: { type: "string" },
  "metrics-interval": { type: "string" },
  ...TELEMETRY_OPTIONS,
  ...EXPORT_OPTIONS,
  ...GATE_OPTIONS,
  ...UNATTENDED_OPTIONS,
  ...SHARD_OPTIONS,
  // --server-cmd, --server-param, --link, ...: read by variant_args.ts, not part of a RunPlan.
  ...VARIANT_OPTIONS,
} as const;

/** Defaults that are not derived from the environment. */
export const RUN_DEFAULTS = {
  url: "http://127.0.0.1:8000/v1",
  endpoint: "chat",
  arrival: "poisson",
  burstiness: 1,
  duration: "60s",
  promptTokens: 256,
  maxTokens: 128,
  seed: 42,
  textSource: "english",
  timeout: "300s",
  transport: "auto",
  out: "results",
} as const;

/** What `llmload run` was asked, beyond the plan itself. */
export interface RunArgs {
  plan: RunPlan;
  quiet: boolean;
  help: boolean;
}

/** A rate function carried beside the flags (a scenario file's `load.rate`; not a flag). */
export interface CarriedRateFunction {
  fn: RateFunctionLike;
  /** Its source text, recorded in meta.json. */
  source: string;
}

/**
 * Turns `llmload run` arguments into a validated RunPlan. Collects every problem before
 * throwing one UsageError, so a user fixes a command line in one go. `rateFunction` (from a
 * scenario file) makes the load an open loop shaped by that function.
 */
export function parseRunArgs(
  args: string[],
  env: Record<string, string | undefined>,
  options: {
    rateFunction?: CarriedRateFunction;
    /** Now, epoch ms, for `--start-at` (tests); default the wall clock. */
    nowMs?: number;
  } = {},
): RunArgs {
  const values: Record<string, string | boolean | string[] | undefined> = parseFlags("run", {
    args: joinNegativeValues(args),
    options: RUN_OPTIONS,
    strict: true,
    allowPositionals: false,
  }).values;
  if (values.help) return { plan: undefined as unknown as RunPlan, quiet: false, help: true };

  const problems: string[] = [];
  const str = (name: string) => values[name] as string | undefined;
  const num = (name: string, check: (n: number) => boolean, want: string) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || !check(n)) {
      problems.push(`--${name} must be ${want} (got "${raw}")`);
      return undefined;
    }
    return n;
  };
  const posInt = (name: string) =>
    num(name, (n) => Number.isInteger(n) && n > 0, "a whole number > 0");
  const duration = (name: string, fallback?: string) => {
    const raw = str(name) ?? fallback;
    if (raw === undefined) return undefined;
    const ms = parseDurationMs(raw);
    if (ms === undefined || ms <= 0) {
      problems.push(`--${name} must be a duration like 500ms, 30s, 5m (got "${raw}")`);
      return undefined;
    }
    return ms;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = str(name) ?? fallback;
    if (!allowed.includes(raw as T)) {
      problems.push(`--${name} must be one of ${allowed.join(", ")} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  };

  const target = str("target");
  if (target !== undefined && target !== "sim") {
    problems.push(`--target must be "sim" (got "${target}"); to aim at a server use --url`);
  }
  const sim = target === "sim";
  if (sim && str("url") !== undefined) problems.push("--target sim and --url cannot be combined");
  const url = sim ? "" : str("url") ?? env.OPENAI_BASE_URL ?? RUN_DEFAULTS.url;
  if (!sim) {
    try {
      const u = new URL(url);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
    } catch {
      problems.push(`--url must be an http(s) URL such as http://127.0.0.1:8000/v1 (got "${url}")`);
    }
  }

  const concurrency = posInt("concurrency");
  const rampTo = str("ramp-to");
  // 0 is a valid start for a ramp ("--rate 0 --ramp-to 20"), never a constant rate.
  const rate = num("rate", (n) => n >= 0, "a number > 0 (requests/s)");
  if (rate === 0 && rampTo === undefined) {
    problems.push(`--rate must be a number > 0 (requests/s) (got "0"); 0 only starts a --ramp-to`);
  }
  const shape = loadShape(values, problems, { rate, duration, rateFunction: options.rateFunction });
  const open = rate !== undefined || shape.open !== undefined;
  const closedStages = shape.closedStages;
  const loads = [
    rate !== undefined && "--rate",
    values["rate-stages"] !== undefined && "--rate-stages",
    values.trace !== undefined && "--trace",
    options.rateFunction !== undefined && "the scenario's rate function",
    concurrency !== undefined && "--concurrency",
    values["concurrency-stages"] !== undefined && "--concurrency-stages",
  ].filter((l): l is string => typeof l === "string");
  if (concurrency !== undefined && rate !== undefined) {
    problems.push(
      "--concurrency (closed loop) and --rate (open loop) cannot be combined; use --rate with --max-in-flight to cap concurrency",
    );
  } else if (loads.length > 1) {
    problems.push(`${loads.join(" and ")} cannot be combined: pick one load`);
  }
  const arrival = oneOf("arrival", ["constant", "poisson", "gamma"] as const, RUN_DEFAULTS.arrival);
  const burstiness = num("burstiness", (n) => n > 0, "a number > 0") ?? RUN_DEFAULTS.burstiness;
  const maxInFlight = posInt("max-in-flight");
  const rampMs = str("ramp") === undefined ? undefined : duration("ramp");
  if (!open) {
    for (const flag of ["arrival", "burstiness", "max-in-flight", "queue"]) {
      if (values[flag] !== undefined) {
        problems.push(
          `--${flag} applies to open loop only: add --rate (or --rate-stages, --trace)`,
        );
      }
    }
  } else if (rampMs !== undefined) {
    problems.push(
      "--ramp applies to closed loop (--concurrency, --concurrency-stages) only; an open-loop ramp is --rate R --ramp-to R2 --ramp-over 60s",
    );
  }
  if (str("burstiness") !== undefined && arrival !== "gamma") {
    problems.push("--burstiness needs --arrival gamma");
  }
  if (values.trace !== undefined) {
    for (const flag of ["arrival", "burstiness"]) {
      if (values[flag] !== undefined) {
        problems.push(`--${flag} does not apply to --trace: a trace gives the arrival times`);
      }
    }
  }

  const requests = posInt("requests");
  // An arrival shape or concurrency stages end the run themselves: no default duration then.
  const shaped = shape.open !== undefined || closedStages !== undefined;
  const durationMs = duration(
    "duration",
    requests === undefined && !shaped ? RUN_DEFAULTS.duration : undefined,
  );
  const warmupMs = str("warmup") === undefined ? undefined : duration("warmup");
  const warmupRequests = posInt("warmup-requests");
  const seedRaw = num("seed", (n) => Number.isInteger(n), "a whole number");

  const promptTokens = posInt("prompt-tokens") ?? RUN_DEFAULTS.promptTokens;
  const sharedPrefixTokens = num(
    "shared-prefix-tokens",
    (n) => Number.isInteger(n) && n >= 0,
    "a whole number ≥ 0",
  ) ?? 0;
  if (sharedPrefixTokens >= promptTokens) {
    problems.push(
      `--shared-prefix-tokens must be fewer than --prompt-tokens (${promptTokens}), so each request keeps a unique part (got ${sharedPrefixTokens})`,
    );
  }
  let outputTokens;
  if (str("output-tokens") !== undefined) {
    const parsed = parseOutputLength(str("output-tokens")!);
    if ("problem" in parsed) problems.push(parsed.problem);
    else outputTokens = parsed;
    if (str("max-tokens") !== undefined) {
      problems.push("--max-tokens and --output-tokens cannot be combined; use one of them");
    }
  }
  const textSource = str("text-source") ?? RUN_DEFAULTS.textSource;
  if (!(BUILTIN_TEXT_SOURCES as readonly string[]).includes(textSource)) {
    try {
      if (!Deno.statSync(textSource).isFile) throw new Error("not a file");
    } catch {
      problems.push(
        `--text-source must be english, korean or the path of a UTF-8 text file (no file "${textSource}")`,
      );
    }
  }

  const tokenizer = str("tokenizer");
  if (tokenizer !== undefined) {
    try {
      Deno.statSync(tokenizer);
    } catch {
      problems.push(
        `--tokenizer must be a model directory holding tokenizer.json or the tokenizer.json file itself (no file or directory "${tokenizer}")`,
      );
    }
  }

  const dataset = datasetSource(values, problems, { posInt, num, oneOf });
  const simOptions = simSettings(values, sim, problems);

  const candidate = {
    target: {
      url,
      sim,
      model: str("model"),
      apiKey: str("api-key") ?? env.OPENAI_API_KEY,
      // Absent, not undefined, when the target is a server: plans compare equal as before.
      ...(simOptions ? { simOptions } : {}),
    },
    endpoint: oneOf("endpoint", ["chat", "completions"] as const, RUN_DEFAULTS.endpoint),
    load: open
      ? {
        mode: "open",
        ...(shape.open ? { shape: shape.open } : { rate }),
        arrival,
        burstiness,
        maxInFlight,
        queue: values.queue === true,
      }
      : closedStages
      ? { mode: "closed", stages: closedStages, rampMs }
      : { mode: "closed", concurrency: concurrency ?? 1, rampMs },
    stop: { durationMs, requests },
    warmup: { durationMs: warmupMs, requests: warmupRequests },
    request: {
      promptTokens,
      maxTokens: posInt("max-tokens") ?? RUN_DEFAULTS.maxTokens,
      outputTokens,
      ignoreEos: values["ignore-eos"] === true,
      sharedPrefixTokens,
      textSource,
      sampling: parseSamplingFlags(values, problems),
      tokenizer,
    },
    dataset,
    seed: seedRaw ?? RUN_DEFAULTS.seed,
    timeouts: {
      requestMs: duration("timeout", RUN_DEFAULTS.timeout),
      connectMs: str("connect-timeout") === undefined ? undefined : duration("connect-timeout"),
      ttftMs: str("ttft-timeout") === undefined ? undefined : duration("ttft-timeout"),
    },
    transport: oneOf("transport", ["auto", "fetch", "socket"] as const, RUN_DEFAULTS.transport),
    // Absent, not undefined, unless given: plans compare equal as before.
    ...preconnectFlag(str("preconnect"), problems),
    ...workersFlag(str("workers"), problems),
    out: str("out") ?? RUN_DEFAULTS.out,
    // Absent unless given, so plans of runs without it compare equal as before.
    ...(values["gzip-records"] === true ? { gzipRecords: true } : {}),
    ...(oneOf("token-times", ["all", "off"] as const, "all") === "off"
      ? { tokenTimes: "off" as const }
      : {}),
    commandLine: ["llmload", "run", ...redactSecrets(args)],
    lora: loraSection(values, problems, {
      batchSize: concurrency ?? (rate === undefined ? 1 : maxInFlight),
      dataset: dataset !== undefined,
    }),
    serverMetrics: serverMetricsSection(values, problems, duration),
    telemetry: telemetrySection(values, problems),
    exports: exportsSection(values, problems),
    gates: gatesSection(values, problems),
    unattended: unattendedSection(values, problems),
    ...shardSection(values, problems, {
      nowMs: options.nowMs ?? Date.now(),
      closedRequests: open ? undefined : requests,
    }),
  };
  // The `shuffle` strategy shuffles the dataset's lines too (issue 5: "the dataset shuffled,
  // each line given a random adapter"), seeded like --dataset-shuffle.
  if (candidate.dataset && candidate.lora?.selection?.startsWith("shuffle")) {
    candidate.dataset.shuffle = true;
  }
  if (problems.length) throw new UsageError(problems);
  return { plan: validateRunPlan(candidate), quiet: values.quiet === true, help: false };
}

/**
 * The --sim-* group: checked by the same rules as `llmload sim`'s flags (problems name the
 * --sim- flag), and only meaningful with --target sim. Returns undefined unless the target is
 * the simulator; `{}` (its defaults) when it is and no --sim-* flag was given.
 */
function simSettings(
  values: Record<string, string | boolean | string[] | undefined>,
  sim: boolean,
  problems: string[],
): RunPlan["target"]["simOptions"] {
  const given: Record<string, string> = {};
  for (const [name, v] of Object.entries(values)) {
    if (name.startsWith(SIM_FLAG_PREFIX) && typeof v === "string") {
      given[name.slice(SIM_FLAG_PREFIX.length)] = v;
    }
  }
  if (!sim) {
    for (const name of Object.keys(given)) {
      problems.push(
        `--${SIM_FLAG_PREFIX}${name} configures the built-in simulator: add --target sim ` +
          "(for a simulator started with `llmload sim`, give it --" + name + " instead)",
      );
    }
  }
  const { "truth-log": truthLogFile, ...settings } = given;
  const parsed = simOptionsFromFlags(settings, { prefix: SIM_FLAG_PREFIX });
  problems.push(...parsed.problems);
  if (truthLogFile !== undefined) {
    // Checked now so a typo fails before the run, not when the simulator starts.
    try {
      if (truthLogFile === "" || !Deno.statSync(dirname(truthLogFile)).isDirectory) throw 0;
    } catch {
      problems.push(
        `--sim-truth-log must be a file in an existing directory (got "${truthLogFile}")`,
      );
    }
  }
  if (!sim) return undefined;
  return truthLogFile ? { ...parsed.options, truthLogFile } : parsed.options;
}

/** The open-loop shape or closed-loop stages the flags ask for (undefined: none). */
interface LoadShape {
  open?: Extract<RunPlan["load"], { mode: "open" }>["shape"];
  closedStages?: Extract<RunPlan["load"], { mode: "closed" }>["stages"];
}

/**
 * The arrival-shape flags, checked as a group; problems are appended to `problems`. A trace file
 * is only checked for existence here; its lines are read (and a malformed one rejected) by the
 * run, before anything is sent.
 */
function loadShape(
  values: Record<string, string | boolean | string[] | undefined>,
  problems: string[],
  parse: {
    rate: number | undefined;
    duration(name: string): number | undefined;
    rateFunction?: CarriedRateFunction;
  },
): LoadShape {
  const str = (name: string) => values[name] as string | undefined;
  const rampTo = str("ramp-to");
  if (rampTo === undefined) {
    for (const flag of ["ramp-over", "ramp-curve"]) {
      if (values[flag] !== undefined) problems.push(`--${flag} needs --ramp-to`);
    }
  }
  const trace = str("trace");
  if (trace === undefined) {
    for (const flag of ["trace-speed", "trace-time-unit", "trace-on-error"]) {
      if (values[flag] !== undefined) problems.push(`--${flag} needs --trace FILE`);
    }
  }
  const shape: LoadShape = {};
  if (rampTo !== undefined) {
    const to = Number(rampTo);
    if (rampTo.trim() === "" || !(to >= 0) || !Number.isFinite(to)) {
      problems.push(`--ramp-to must be a number ≥ 0 (requests/s) (got "${rampTo}")`);
    }
    if (parse.rate === undefined) {
      problems.push("--ramp-to needs --rate (the rate the ramp starts from)");
    }
    const over = str("ramp-over");
    const durationMs = over === undefined ? undefined : parse.duration("ramp-over");
    if (over === undefined) problems.push("--ramp-to needs --ramp-over (e.g. --ramp-over 60s)");
    const curve = str("ramp-curve") ?? "linear";
    if (curve !== "linear" && curve !== "exponential") {
      problems.push(`--ramp-curve must be one of linear, exponential (got "${curve}")`);
    } else if (curve === "exponential" && (parse.rate === 0 || to === 0)) {
      problems.push("--ramp-curve exponential needs --rate and --ramp-to both > 0");
    }
    if (parse.rate === 0 && to === 0) problems.push("a ramp from 0 to 0 req/s sends nothing");
    if (parse.rate !== undefined && durationMs !== undefined && to >= 0) {
      shape.open = {
        kind: "ramp",
        from: parse.rate,
        to,
        durationMs,
        curve: curve as "linear" | "exponential",
      };
    }
  }
  const stagesFlag = (name: string, integer: boolean) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const parsed = parseStageList(raw, { integer });
    if ("problems" in parsed) {
      for (const p of parsed.problems) problems.push(`--${name}: ${p}`);
      return undefined;
    }
    if (parsed.stages.every((s) => s.value === 0)) {
      problems.push(`--${name}: every stage is 0, so nothing would be sent`);
      return undefined;
    }
    return parsed.stages;
  };
  const rateStages = stagesFlag("rate-stages", false);
  if (rateStages) {
    shape.open = {
      kind: "stages",
      stages: rateStages.map((s) => ({ durationMs: s.durationMs, rate: s.value })),
    };
  }
  const userStages = stagesFlag("concurrency-stages", true);
  if (userStages) {
    shape.closedStages = userStages.map((s) => ({
      durationMs: s.durationMs,
      concurrency: s.value,
    }));
  }
  if (trace !== undefined) {
    try {
      if (!Deno.statSync(trace).isFile) throw new Error("not a file");
    } catch {
      problems.push(`--trace must be the path of a JSONL trace file (no file "${trace}")`);
    }
    const speedRaw = str("trace-speed");
    const speed = speedRaw === undefined ? 1 : Number(speedRaw);
    if (speedRaw !== undefined && (speedRaw.trim() === "" || !(speed > 0) || !isFinite(speed))) {
      problems.push(
        `--trace-speed must be a number > 0 (2 replays twice as fast) (got "${speedRaw}")`,
      );
    }
    const unit = str("trace-time-unit") ?? "ms";
    if (unit !== "ms" && unit !== "s") {
      problems.push(`--trace-time-unit must be one of ms, s (got "${unit}")`);
    }
    const onError = str("trace-on-error") ?? "fail";
    if (onError !== "skip" && onError !== "fail") {
      problems.push(`--trace-on-error must be one of skip, fail (got "${onError}")`);
    }
    shape.open = {
      kind: "trace",
      path: trace,
      timeScale: speed,
      timeUnit: unit as "ms" | "s",
      onError: onError as "skip" | "fail",
    };
  }
  if (parse.rateFunction) {
    shape.open = { kind: "function", ...parse.rateFunction };
  }
  return shape;
}

/** `--metrics on|off` and `--metrics-interval`; problems are appended to `problems`. */
function serverMetricsSection(
  values: Record<string, string | boolean | string[] | undefined>,
  problems: string[],
  duration: (name: string) => number | undefined,
): RunPlan["serverMetrics"] {
  const mode = values.metrics as string | undefined;
  if (mode !== undefined && mode !== "on" && mode !== "off") {
    problems.push(`--metrics must be one of on, off (got "${mode}")`);
  }
  const raw = values["metrics-interval"] as string | undefined;
  if (raw === undefined) return { enabled: mode !== "off" };
  if (mode === "off") {
    problems.push(
      "--metrics-interval sets how often /metrics is scraped: drop it or --metrics off",
    );
  }
  const intervalMs = duration("metrics-interval");
  if (intervalMs !== undefined && intervalMs < 50) {
    problems.push(`--metrics-interval must be at least 50ms (got "${raw}")`);
  }
  return { enabled: mode !== "off", intervalMs };
}

/** Flags that only make sense with --dataset. */
const DATASET_ONLY = [
  "dataset-format",
  "dataset-take",
  "dataset-fraction",
  "dataset-shuffle",
  "dataset-on-error",
  "prompt-column",
] as const;
/** Synthetic-prompt flags: a dataset brings its own prompts, so these would be silently unused. */
const SYNTHETIC_ONLY = [
  "prompt-tokens",
  "shared-prefix-tokens",
  "text-source",
  "tokenizer",
] as const;
const DATASET_FORMAT_VALUES = ["jsonl", "json", "sharegpt", "csv", "prompts", "adapters"] as const;

/**
 * The --dataset group, checked as a whole; problems are appended to `problems`. The file is only
 * checked for existence here; its records are read (and a malformed one rejected) by the run,
 * before anything is sent.
 */
function datasetSource(
  values: Record<string, string | boolean | string[] | undefined>,
  problems: string[],
  parse: {
    posInt(name: string): number | undefined;
    num(name: string, check: (n: number) => boolean, want: string): number | undefined;
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  },
): RunPlan["dataset"] {
  const path = values.dataset as string | undefined;
  if (path === undefined) {
    for (const flag of DATASET_ONLY) {
      if (values[flag] !== undefined) problems.push(`--${flag} needs --dataset FILE`);
    }
    return undefined;
  }
  for (const flag of SYNTHETIC_ONLY) {
    if (values[flag] !== undefined) {
      problems.push(`--${flag} builds synthetic prompts and cannot be combined with --dataset`);
    }
  }
  try {
    if (!Deno.statSync(path).isFile) throw new Error("not a file");
  } catch {
    problems.push(`--dataset must be the path of a dataset file (no file "${path}")`);
  }
  const format = values["dataset-format"] === undefined
    ? undefined
    : parse.oneOf("dataset-format", DATASET_FORMAT_VALUES, "jsonl");
  const take = parse.posInt("dataset-take");
  const fraction = parse.num("dataset-fraction", (n) => n > 0 && n <= 1, "a number in (0, 1]");
  if (values["dataset-take"] !== undefined && values["dataset-fraction"] !== undefined) {
    problems.push("--dataset-take and --dataset-fraction cannot be combined; use one of them");
  }
  const onError = parse.oneOf("dataset-on-error", ["skip", "fail"] as const, "fail");
  const promptColumn = values["prompt-column"] as string | undefined;
  if (promptColumn !== undefined) {
    if (promptColumn.trim() === "") problems.push("--prompt-column must not be empty");
    const csv = format === "csv" || (format === undefined && /\.csv$/i.test(path));
    if (!csv) problems.push("--prompt-column applies to CSV datasets only");
  }
  return {
    path,
    format,
    take,
    fraction,
    shuffle: values["dataset-shuffle"] === true,
    onError,
    promptColumn,
  };
}

/**
 * The recorded command line's redaction (`--api-key X` → `--api-key ***`, secret-looking
 * `--tag`s, URL userinfo, ...): one implementation for every output, in config/redact.ts.
 */
export { redactSecrets };

/** `--workers N|auto`: a whole number ≥ 1, or `auto`. */
/**
 * `--flag -3` → `--flag=-3` for flags that take a value: node's parseArgs refuses a value
 * starting with a dash as "ambiguous", which hides the flag's own message (`--preconnect must
 * be a whole number ≥ 1 …`) and rejects legitimate negatives (`--presence-penalty -0.5`).
 */
function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i], next = args[i + 1];
    const name = a.startsWith("--") && !a.includes("=") ? a.slice(2) : undefined;
    const option = name === undefined
      ? undefined
      : (RUN_OPTIONS as Record<string, { type: string }>)[name];
    if (option?.type === "string" && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

function preconnectFlag(
  raw: string | undefined,
  problems: string[],
): { preconnect?: number | "off" | "auto" } {
  if (raw === undefined) return {};
  if (raw === "off" || raw === "auto") return { preconnect: raw };
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 1) {
    problems.push(
      `--preconnect must be a whole number ≥ 1 (connections), "off" or "auto" (got "${raw}")`,
    );
    return {};
  }
  return { preconnect: n };
}

function workersFlag(raw: string | undefined, problems: string[]): { workers?: number | "auto" } {
  if (raw === undefined) return {};
  if (raw === "auto") return { workers: "auto" };
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 1) {
    problems.push(`--workers must be a whole number ≥ 1 or "auto" (got "${raw}")`);
    return {};
  }
  return { workers: n };
}
