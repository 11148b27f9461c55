import { dirname } from "node:path";
import { parseFlags } from "./flag_suggestion.ts";
import { type RunPlan, validateRunPlan } from "../config/run_plan.ts";
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
import { type FlagReaders, flagReaders, type FlagValues } from "./flag_readers.ts";
import { type CarriedRateFunction, LOAD_DEFAULTS, loadFlags, runDuration } from "./load_args.ts";
import { datasetSource } from "./dataset_args.ts";
import { PREFIX_GROUP_OPTIONS, prefixGroupsSection } from "./prefix_group_args.ts";
import { SESSION_OPTIONS, sessionsSection } from "./session_args.ts";

export type { CarriedRateFunction };

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
  "trace-block-size": { type: "string" },
  duration: { type: "string" },
  requests: { type: "string" },
  warmup: { type: "string" },
  "warmup-requests": { type: "string" },
  "prompt-tokens": { type: "string" },
  "max-tokens": { type: "string" },
  "output-tokens": { type: "string" },
  "shared-prefix-tokens": { type: "string" },
  ...PREFIX_GROUP_OPTIONS,
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
  ...SESSION_OPTIONS,
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
  ...LOAD_DEFAULTS,
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
  const values: FlagValues = parseFlags("run", {
    args: joinNegativeValues(args),
    options: RUN_OPTIONS,
    strict: true,
    allowPositionals: false,
  }).values;
  if (values.help) return { plan: undefined as unknown as RunPlan, quiet: false, help: true };

  // The groups are read in this order so that problems are listed in the order of the help.
  const problems: string[] = [];
  const r = flagReaders(values, problems);
  const target = targetFlags(r, env, problems);
  const load = loadFlags(r, values, problems, options.rateFunction);
  const stop = stopFlags(r, load.shaped);
  const prompts = promptFlags(r, values, problems);
  const dataset = datasetSource(values, problems, r);
  const simOptions = simSettings(values, target.sim, problems);
  const candidate = {
    target: {
      ...target,
      model: r.str("model"),
      apiKey: r.str("api-key") ?? env.OPENAI_API_KEY,
      // Absent, not undefined, when the target is a server: plans compare equal as before.
      ...(simOptions ? { simOptions } : {}),
    },
    endpoint: r.oneOf("endpoint", ["chat", "completions"] as const, RUN_DEFAULTS.endpoint),
    load: load.load,
    stop: stop.stop,
    warmup: stop.warmup,
    request: {
      promptTokens: prompts.promptTokens,
      maxTokens: r.posInt("max-tokens") ?? RUN_DEFAULTS.maxTokens,
      outputTokens: prompts.outputTokens,
      ignoreEos: r.bool("ignore-eos"),
      sharedPrefixTokens: prompts.sharedPrefixTokens,
      textSource: prompts.textSource,
      sampling: parseSamplingFlags(values, problems),
      tokenizer: prompts.tokenizer,
      ...(prompts.prefixGroups && { prefixGroups: prompts.prefixGroups }),
    },
    ...withSessions(dataset, sessionsSection(values, problems, { dataset: !!dataset })),
    seed: stop.seed ?? RUN_DEFAULTS.seed,
    ...connectionFlags(r, problems),
    out: r.str("out") ?? RUN_DEFAULTS.out,
    // Absent unless given, so plans of runs without it compare equal as before.
    ...(r.bool("gzip-records") ? { gzipRecords: true } : {}),
    ...(r.oneOf("token-times", ["all", "off"] as const, "all") === "off"
      ? { tokenTimes: "off" as const }
      : {}),
    commandLine: ["llmload", "run", ...redactSecrets(args)],
    lora: loraSection(values, problems, {
      batchSize: load.concurrency ?? (load.rate === undefined ? 1 : load.maxInFlight),
      dataset: dataset !== undefined,
    }),
    serverMetrics: serverMetricsSection(r, problems),
    telemetry: telemetrySection(values, problems),
    exports: exportsSection(values, problems),
    gates: gatesSection(values, problems),
    unattended: unattendedSection(values, problems),
    ...shardSection(values, problems, {
      nowMs: options.nowMs ?? Date.now(),
      closedRequests: load.open ? undefined : stop.stop.requests,
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
 * `dataset`, and `sessions` only when asked for (`--sessions`), so plans of runs without it
 * compare equal as before.
 */
function withSessions(
  dataset: RunPlan["dataset"],
  sessions: RunPlan["sessions"],
): Pick<RunPlan, "dataset" | "sessions"> {
  return sessions ? { dataset, sessions } : { dataset };
}

/** `--target sim` or `--url` (else OPENAI_BASE_URL, else the default). */
function targetFlags(
  r: FlagReaders,
  env: Record<string, string | undefined>,
  problems: string[],
): { url: string; sim: boolean } {
  const target = r.str("target");
  if (target !== undefined && target !== "sim") {
    problems.push(`--target must be "sim" (got "${target}"); to aim at a server use --url`);
  }
  const sim = target === "sim";
  if (sim && r.str("url") !== undefined) {
    problems.push("--target sim and --url cannot be combined");
  }
  const url = sim ? "" : r.str("url") ?? env.OPENAI_BASE_URL ?? RUN_DEFAULTS.url;
  if (!sim) {
    try {
      const u = new URL(url);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
    } catch {
      problems.push(`--url must be an http(s) URL such as http://127.0.0.1:8000/v1 (got "${url}")`);
    }
  }
  return { url, sim };
}

/** When the run stops (`--duration`, `--requests`), its warm-up, and `--seed`. */
function stopFlags(r: FlagReaders, shaped: boolean) {
  const requests = r.posInt("requests");
  // An arrival shape or concurrency stages end the run themselves: no default duration then.
  const durationMs = runDuration(
    r,
    "duration",
    requests === undefined && !shaped ? RUN_DEFAULTS.duration : undefined,
  );
  const warmupMs = runDuration(r, "warmup");
  const warmupRequests = r.posInt("warmup-requests");
  const seed = r.num("seed", (n) => Number.isInteger(n), "a whole number");
  return {
    stop: { durationMs, requests },
    warmup: { durationMs: warmupMs, requests: warmupRequests },
    seed,
  };
}

/**
 * The synthetic prompts and output lengths (`--prompt-tokens`, `--output-tokens`, …); with
 * `--prefix-groups`, the groups (absent otherwise, so plans without them compare equal as
 * before) and their prompt length.
 */
function promptFlags(r: FlagReaders, values: FlagValues, problems: string[]) {
  const prefixGroups = prefixGroupsSection(r, values, problems);
  const promptTokens = prefixGroups
    ? prefixGroups.prefixTokens + prefixGroups.questionTokens
    : r.posInt("prompt-tokens") ?? RUN_DEFAULTS.promptTokens;
  const sharedPrefixTokens = r.num(
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
  const outputRaw = r.str("output-tokens");
  if (outputRaw !== undefined) {
    const parsed = parseOutputLength(outputRaw);
    if ("problem" in parsed) problems.push(parsed.problem);
    else outputTokens = parsed;
    if (r.str("max-tokens") !== undefined) {
      problems.push("--max-tokens and --output-tokens cannot be combined; use one of them");
    }
  }
  const textSource = r.str("text-source") ?? RUN_DEFAULTS.textSource;
  if (!(BUILTIN_TEXT_SOURCES as readonly string[]).includes(textSource)) {
    try {
      if (!Deno.statSync(textSource).isFile) throw new Error("not a file");
    } catch {
      problems.push(
        `--text-source must be english, korean or the path of a UTF-8 text file (no file "${textSource}")`,
      );
    }
  }
  const tokenizer = r.str("tokenizer");
  if (tokenizer !== undefined) {
    try {
      Deno.statSync(tokenizer);
    } catch {
      problems.push(
        `--tokenizer must be a model directory holding tokenizer.json or the tokenizer.json file itself (no file or directory "${tokenizer}")`,
      );
    }
  }
  return { promptTokens, sharedPrefixTokens, outputTokens, textSource, tokenizer, prefixGroups };
}

/** Timeouts, the transport, pre-opened connections and worker threads. */
function connectionFlags(r: FlagReaders, problems: string[]) {
  return {
    timeouts: {
      requestMs: runDuration(r, "timeout", RUN_DEFAULTS.timeout),
      connectMs: runDuration(r, "connect-timeout"),
      ttftMs: runDuration(r, "ttft-timeout"),
    },
    transport: r.oneOf("transport", ["auto", "fetch", "socket"] as const, RUN_DEFAULTS.transport),
    // Absent, not undefined, unless given: plans compare equal as before.
    ...preconnectFlag(r.str("preconnect"), problems),
    ...workersFlag(r.str("workers"), problems),
  };
}

/**
 * The --sim-* group: checked by the same rules as `llmload sim`'s flags (problems name the
 * --sim- flag), and only meaningful with --target sim. Returns undefined unless the target is
 * the simulator; `{}` (its defaults) when it is and no --sim-* flag was given.
 */
function simSettings(
  values: FlagValues,
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

/** `--metrics on|off` and `--metrics-interval`; problems are appended to `problems`. */
function serverMetricsSection(r: FlagReaders, problems: string[]): RunPlan["serverMetrics"] {
  const mode = r.str("metrics");
  if (mode !== undefined && mode !== "on" && mode !== "off") {
    problems.push(`--metrics must be one of on, off (got "${mode}")`);
  }
  const raw = r.str("metrics-interval");
  if (raw === undefined) return { enabled: mode !== "off" };
  if (mode === "off") {
    problems.push(
      "--metrics-interval sets how often /metrics is scraped: drop it or --metrics off",
    );
  }
  const intervalMs = runDuration(r, "metrics-interval");
  if (intervalMs !== undefined && intervalMs < 50) {
    problems.push(`--metrics-interval must be at least 50ms (got "${raw}")`);
  }
  return { enabled: mode !== "off", intervalMs };
}

/**
 * The recorded command line's redaction (`--api-key X` → `--api-key ***`, secret-looking
 * `--tag`s, URL userinfo, ...): one implementation for every output, in config/redact.ts.
 */
export { redactSecrets };

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

/** `--preconnect N|off|auto`. */
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

/** `--workers N|auto`: a whole number ≥ 1, or `auto`. */
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
