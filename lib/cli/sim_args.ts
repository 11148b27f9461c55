import { parseArgs } from "node:util";
import { parseDurationMs } from "../config/duration.ts";
import { UsageError } from "../config/usage_error.ts";
import type { SimOptions } from "../sim/server.ts";
import { PROFILE_NAMES } from "../sim/profiles.ts";

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
  tokenizer: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** What `llmload sim` was asked. */
export interface SimArgs {
  options: SimOptions;
  /** Append one JSON line per finished request (ground truth) to this file. */
  truthLog?: string;
  /** The model's tokenizer (directory or tokenizer.json), read by the caller before starting. */
  tokenizer?: string;
  help: boolean;
}

/** Turns `llmload sim` arguments into simulator options, listing every problem at once. */
export function parseSimArgs(args: string[]): SimArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options: SIM_OPTIONS, strict: true }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}. See \`llmload sim --help\`.`);
  }
  if (values.help) return { options: {}, help: true };
  const problems: string[] = [];
  const str = (name: string) => values[name] as string | undefined;
  const int = (name: string, min: number) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(n) || n < min) {
      problems.push(`--${name} must be a whole number ≥ ${min} (got "${raw}")`);
      return undefined;
    }
    return n;
  };
  const ms = (name: string) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const v = parseDurationMs(raw);
    if (v === undefined) problems.push(`--${name} must be a duration like 10ms (got "${raw}")`);
    return v;
  };
  const rate = (name: string) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === "" || !(n >= 0 && n <= 1)) {
      problems.push(`--${name} must be a rate between 0 and 1 (got "${raw}")`);
      return undefined;
    }
    return n;
  };
  /** `RATE:DURATION`, e.g. `0.05:3s`. */
  const delayFault = (name: string) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const [r, d] = raw.split(":");
    const n = Number(r);
    const dur = d === undefined ? undefined : parseDurationMs(d);
    if (!(n >= 0 && n <= 1) || dur === undefined) {
      problems.push(`--${name} must be RATE:DURATION such as 0.05:3s (got "${raw}")`);
      return undefined;
    }
    return { rate: n, ms: dur };
  };

  const profile = str("profile");
  if (profile !== undefined && !PROFILE_NAMES.includes(profile as never)) {
    problems.push(`--profile must be one of ${PROFILE_NAMES.join(", ")} (got "${profile}")`);
  }
  if (profile !== undefined && profile !== "fixed" && (str("ttft") ?? str("itl")) !== undefined) {
    problems.push("--ttft and --itl apply to the fixed profile only; other profiles model steps");
  }
  const port = int("port", 0) ?? 8000;
  if (port > 65535) problems.push(`--port must be ≤ 65535 (got ${port})`);
  const chunkedRaw = str("chunked-prefill");
  if (chunkedRaw !== undefined && !["on", "off", "true", "false"].includes(chunkedRaw)) {
    problems.push(`--chunked-prefill must be on or off (got "${chunkedRaw}")`);
  }

  const engine: Record<string, number | boolean> = {};
  const put = (key: string, v: number | boolean | undefined) => {
    if (v !== undefined) engine[key] = v;
  };
  put("maxNumSeqs", int("max-num-seqs", 1));
  put("maxNumBatchedTokens", int("max-num-batched-tokens", 1));
  put("chunkedPrefill", chunkedRaw === undefined ? undefined : ["on", "true"].includes(chunkedRaw));
  put("blockSize", int("block-size", 1));
  put("numGpuBlocks", int("num-gpu-blocks", 1));
  put("maxLoras", int("max-loras", 1));
  put("maxCpuLoras", int("max-cpu-loras", 1));
  put("loraLoadMs", ms("lora-load-time"));

  const faults = {
    http500: rate("fault-500"),
    http503: rate("fault-503"),
    http429: rate("fault-429"),
    reset: rate("fault-reset"),
    stall: delayFault("fault-stall"),
    malformedSse: rate("fault-malformed-sse"),
    invalidJson: rate("fault-invalid-json"),
    missingDone: rate("fault-missing-done"),
    slowHeaders: delayFault("fault-slow-headers"),
    retryAfterS: int("retry-after", 0),
  };
  const anyFault = Object.values(faults).some((v) => v !== undefined);
  const adapters = str("lora-adapters")?.split(",").map((a) => a.trim()).filter(Boolean);

  const options: SimOptions = {
    port,
    hostname: str("host") ?? "127.0.0.1",
    model: str("model"),
    profile,
    ttftMs: ms("ttft"),
    itlMs: ms("itl"),
    seed: int("seed", 0),
    maxModelLen: int("max-model-len", 1),
    ...(Object.keys(engine).length ? { engine } : {}),
    ...(anyFault ? { faults: stripUndefined(faults) } : {}),
    ...(adapters?.length ? { loraAdapters: adapters } : {}),
  };
  if (problems.length) throw new UsageError(problems);
  return {
    options: stripUndefined(options as Record<string, unknown>) as SimOptions,
    truthLog: str("truth-log"),
    tokenizer: str("tokenizer"),
    help: false,
  };
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
