import { parseFlags } from "./flag_suggestion.ts";
import { parseDurationMs } from "../config/duration.ts";
import { UsageError } from "../config/usage_error.ts";
import type { SimOptions } from "../sim/mod.ts";
import { PROFILE_NAMES, resolveEngineParams } from "../sim/mod.ts";
import { faultProblems } from "../sim/mod.ts";
import { adapterSpecProblems } from "../sim/mod.ts";
import { type FlagReaders, flagReaders } from "./flag_readers.ts";

/** The flags of `llmload sim`. Engine flags override the chosen profile's values. */
export const SIM_OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  model: { type: "string" },
  profile: { type: "string" },
  ttft: { type: "string" },
  itl: { type: "string" },
  seed: { type: "string" },
  "max-model-len": { type: "string" },
  "max-num-seqs": { type: "string" },
  "max-num-batched-tokens": { type: "string" },
  "chunked-prefill": { type: "string" },
  "prefix-caching": { type: "string" },
  "block-size": { type: "string" },
  "num-gpu-blocks": { type: "string" },
  "max-loras": { type: "string" },
  "max-cpu-loras": { type: "string" },
  "lora-load-time": { type: "string" },
  "lora-adapters": { type: "string" },
  "fault-500": { type: "string" },
  "fault-503": { type: "string" },
  "fault-429": { type: "string" },
  "fault-reset": { type: "string" },
  "fault-stall": { type: "string" },
  "fault-malformed-sse": { type: "string" },
  "fault-invalid-json": { type: "string" },
  "fault-missing-done": { type: "string" },
  "fault-slow-headers": { type: "string" },
  "retry-after": { type: "string" },
  "truth-log": { type: "string" },
  usage: { type: "string" },
  "chunk-tokens": { type: "string" },
  "reasoning-tokens": { type: "string" },
  tokenizer: { type: "string" },
  "crash-after-requests": { type: "string" },
  "crash-message": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * `llmload sim` flags that make no sense for the in-process simulator of `llmload run --target
 * sim`: it always listens on a free 127.0.0.1 port, the run's `--seed` seeds it, and the run's
 * `--tokenizer` is its tokenizer too.
 */
const NOT_IN_PROCESS = [
  "port",
  "host",
  "seed",
  "tokenizer",
  "help",
  // Ending the process would end llmload itself: only for a simulator in its own process.
  "crash-after-requests",
  "crash-message",
] as const;
type InProcessName = Exclude<keyof typeof SIM_OPTIONS, (typeof NOT_IN_PROCESS)[number]>;

/** Prefix of the simulator flags of `llmload run` (`--sim-profile` is `llmload sim --profile`). */
export const SIM_FLAG_PREFIX = "sim-";

/**
 * The `--sim-*` flags of `llmload run --target sim`: every engine, model and fault flag of
 * `llmload sim`, prefixed. Derived from {@link SIM_OPTIONS}, so a new simulator flag shows up
 * here by itself.
 */
export const SIM_RUN_OPTIONS = Object.fromEntries(
  Object.entries(SIM_OPTIONS)
    .filter(([name]) => !(NOT_IN_PROCESS as readonly string[]).includes(name))
    .map(([name, spec]) => [`${SIM_FLAG_PREFIX}${name}`, spec]),
) as { [K in InProcessName as `sim-${K}`]: (typeof SIM_OPTIONS)[K] };

/** What `llmload sim` was asked. */
export interface SimArgs {
  options: SimOptions;
  /** Append one JSON line per finished request (ground truth) to this file. */
  truthLog?: string;
  /** The model's tokenizer (directory or tokenizer.json), read by the caller before starting. */
  tokenizer?: string;
  /**
   * `--crash-after-requests N`: the process exits (code 1) as generation request N arrives,
   * printing `message` to stderr first; 0 exits at start-up, before listening. A server dying
   * mid-run, for testing server variants.
   */
  crash?: { afterRequests: number; message: string };
  help: boolean;
}

/** What `--crash-message` defaults to. */
export const DEFAULT_CRASH_MESSAGE = "RuntimeError: simulated crash (--crash-after-requests)";

/**
 * vLLM's own spellings that `llmload sim` takes too, so a `vllm serve` command line carries
 * over: each stands for the flag and value given (the last one given wins, as in vLLM).
 */
const VLLM_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  "--enable-prefix-caching": ["--prefix-caching", "on"],
  "--no-enable-prefix-caching": ["--prefix-caching", "off"],
};

/** Turns `llmload sim` arguments into simulator options, listing every problem at once. */
export function parseSimArgs(args: string[]): SimArgs {
  const values: Record<string, string | boolean | undefined> = parseFlags("sim", {
    args: args.flatMap((a) => VLLM_SPELLINGS[a] ?? [a]),
    options: SIM_OPTIONS,
    strict: true,
  }).values;
  if (values.help) return { options: {}, help: true };
  const { options, problems } = simOptionsFromFlags(values, { prefix: "" });
  const crashRaw = values["crash-after-requests"] as string | undefined;
  const crashAfter = crashRaw === undefined ? undefined : Number(crashRaw);
  if (
    crashRaw !== undefined &&
    !(crashRaw.trim() !== "" && Number.isInteger(crashAfter!) && crashAfter! >= 0)
  ) {
    problems.push(`--crash-after-requests must be a whole number ≥ 0 (got "${crashRaw}")`);
  }
  const crashMessage = values["crash-message"] as string | undefined;
  if (crashMessage !== undefined && crashRaw === undefined) {
    problems.push("--crash-message needs --crash-after-requests N");
  }
  if (problems.length) throw new UsageError(problems);
  return {
    options: { ...options, port: options.port ?? 8000, hostname: options.hostname ?? "127.0.0.1" },
    truthLog: values["truth-log"] as string | undefined,
    tokenizer: values.tokenizer as string | undefined,
    crash: crashAfter === undefined
      ? undefined
      : { afterRequests: crashAfter, message: crashMessage ?? DEFAULT_CRASH_MESSAGE },
    help: false,
  };
}

/**
 * The one definition of the simulator flags' rules, shared by `llmload sim` (prefix "") and
 * `llmload run --target sim` (prefix "sim-"). `values` are parsed flag values keyed by the
 * unprefixed name (`max-loras`); every problem names the flag as the user typed it
 * (`--sim-max-loras`). When each flag is well-formed on its own, the combination is checked with
 * the simulator's own validation (profile limits, KV cache size, fault rates summing past 1,
 * adapter names), so a bad combination is a usage error here, not a failed start later.
 * Port and host are not defaulted here, and the truth log is left out: each command decides.
 */
export function simOptionsFromFlags(
  values: Record<string, string | boolean | undefined>,
  options: { prefix: string },
): { options: SimOptions; problems: string[] } {
  const problems: string[] = [];
  const r = flagReaders(values, problems, options);
  const { flag, str, int } = r;
  const ms = (name: string) => r.duration(name, () => true, "a duration like 10ms");

  const profile = str("profile");
  if (profile !== undefined && !PROFILE_NAMES.includes(profile as never)) {
    problems.push(
      `${flag("profile")} must be one of ${PROFILE_NAMES.join(", ")} (got "${profile}")`,
    );
  }
  if (profile !== undefined && profile !== "fixed" && (str("ttft") ?? str("itl")) !== undefined) {
    problems.push(
      `${flag("ttft")} and ${
        flag("itl")
      } apply to the fixed profile only; other profiles model steps`,
    );
  }
  const port = int("port", 0);
  if (port !== undefined && port > 65535) {
    problems.push(`${flag("port")} must be ≤ 65535 (got ${port})`);
  }
  const chunkedRaw = str("chunked-prefill");
  const prefixRaw = str("prefix-caching");
  const onOff = [["chunked-prefill", chunkedRaw], ["prefix-caching", prefixRaw]] as const;
  for (const [name, raw] of onOff) {
    if (raw !== undefined && !["on", "off", "true", "false"].includes(raw)) {
      problems.push(`${flag(name)} must be on or off (got "${raw}")`);
    }
  }
  const model = str("model");
  if (model !== undefined && model.trim() === "") {
    problems.push(`${flag("model")} must not be empty`);
  }

  const engine = engineOptions(r, chunkedRaw, prefixRaw);
  const faults = faultOptions(r, problems);
  const anyFault = Object.values(faults).some((v) => v !== undefined);
  const adapters = str("lora-adapters")?.split(",").map((a) => a.trim()).filter(Boolean);

  const sim: SimOptions = stripUndefined({
    port,
    hostname: str("host"),
    model,
    profile,
    ttftMs: ms("ttft"),
    itlMs: ms("itl"),
    seed: int("seed", 0),
    maxModelLen: int("max-model-len", 1),
    usage: usageOption(str("usage"), flag("usage"), problems),
    chunkTokens: int("chunk-tokens", 1),
    reasoningTokens: int("reasoning-tokens", 0),
    ...(Object.keys(engine).length ? { engine } : {}),
    ...(anyFault ? { faults: stripUndefined(faults) } : {}),
    ...(adapters?.length ? { loraAdapters: adapters } : {}),
  });
  if (problems.length === 0) problems.push(...combinationProblems(sim, flag));
  return { options: sim, problems };
}

/** The engine flags that override the profile's values (`--max-num-seqs`, …). */
function engineOptions(
  r: FlagReaders,
  chunkedRaw: string | undefined,
  prefixRaw: string | undefined,
) {
  const engine: Record<string, number | boolean> = {};
  const put = (key: string, v: number | boolean | undefined) => {
    if (v !== undefined) engine[key] = v;
  };
  put("maxNumSeqs", r.int("max-num-seqs", 1));
  put("maxNumBatchedTokens", r.int("max-num-batched-tokens", 1));
  put("chunkedPrefill", chunkedRaw === undefined ? undefined : ["on", "true"].includes(chunkedRaw));
  put(
    "enablePrefixCaching",
    prefixRaw === undefined ? undefined : ["on", "true"].includes(prefixRaw),
  );
  put("blockSize", r.int("block-size", 1));
  put("numGpuBlocks", r.int("num-gpu-blocks", 1));
  put("maxLoras", r.int("max-loras", 1));
  put("maxCpuLoras", r.int("max-cpu-loras", 1));
  put("loraLoadMs", r.duration("lora-load-time", () => true, "a duration like 10ms"));
  return engine;
}

/** The fault flags: rates between 0 and 1, and `RATE:DURATION` delays. */
function faultOptions(r: FlagReaders, problems: string[]) {
  const rate = (name: string) => r.num(name, (n) => n >= 0 && n <= 1, "a rate between 0 and 1");
  /** `RATE:DURATION`, e.g. `0.05:3s`. */
  const delayFault = (name: string) => {
    const raw = r.str(name);
    if (raw === undefined) return undefined;
    const [rateText, d] = raw.split(":");
    const n = Number(rateText);
    const dur = d === undefined ? undefined : parseDurationMs(d);
    if (rateText.trim() === "" || !(n >= 0 && n <= 1) || dur === undefined) {
      problems.push(`${r.flag(name)} must be RATE:DURATION such as 0.05:3s (got "${raw}")`);
      return undefined;
    }
    return { rate: n, ms: dur };
  };
  return {
    http500: rate("fault-500"),
    http503: rate("fault-503"),
    http429: rate("fault-429"),
    reset: rate("fault-reset"),
    stall: delayFault("fault-stall"),
    malformedSse: rate("fault-malformed-sse"),
    invalidJson: rate("fault-invalid-json"),
    missingDone: rate("fault-missing-done"),
    slowHeaders: delayFault("fault-slow-headers"),
    retryAfterS: r.int("retry-after", 0),
  };
}

/** `--usage on|off`: off is a server that never sends usage; on is the default (undefined). */
function usageOption(raw: string | undefined, flag: string, problems: string[]): false | undefined {
  if (raw !== undefined && raw !== "on" && raw !== "off") {
    problems.push(`${flag} must be on or off (got "${raw}")`);
  }
  return raw === "off" ? false : undefined;
}

/** Simulator parameter names (as its own validation words them) → the flag that sets each. */
const PARAM_FLAGS: Record<string, string> = {
  maxNumSeqs: "max-num-seqs",
  maxNumBatchedTokens: "max-num-batched-tokens",
  chunkedPrefill: "chunked-prefill",
  enablePrefixCaching: "prefix-caching",
  maxModelLen: "max-model-len",
  blockSize: "block-size",
  numGpuBlocks: "num-gpu-blocks",
  maxLoras: "max-loras",
  maxCpuLoras: "max-cpu-loras",
  loraLoadMs: "lora-load-time",
  loraAdapters: "lora-adapters",
  http500: "fault-500",
  http503: "fault-503",
  http429: "fault-429",
};

/**
 * The simulator's own checks of a whole configuration (a token budget below --max-num-seqs, a
 * KV cache smaller than one full sequence, fault rates summing past 1, an adapter named like the
 * model), worded with the flags that fix them.
 */
function combinationProblems(sim: SimOptions, flag: (name: string) => string): string[] {
  const found: string[] = [];
  try {
    resolveEngineParams(sim.profile, {
      overrides: { maxModelLen: sim.maxModelLen, ...sim.engine },
    });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    found.push(...e.message.replace(/^[^:]*: /, "").split("; "));
  }
  if (sim.faults) found.push(...faultProblems(sim.faults));
  if (sim.loraAdapters) {
    // The simulator's default model name (server.ts), which an adapter may not reuse.
    found.push(...adapterSpecProblems(sim.loraAdapters, sim.model ?? "sim-llama-8b"));
  }
  const names = new RegExp(`\\b(?:faults\\.)?(${Object.keys(PARAM_FLAGS).join("|")})\\b`, "g");
  return found.map((p) => p.replace(names, (_, key: string) => flag(PARAM_FLAGS[key])));
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
