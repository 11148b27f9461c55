/**
 * Named presets of the simulator's engine ({@link EngineParams}): how long a step takes, how much
 * fits in one, how big the KV cache is, how LoRA adapters behave.
 *
 * These are MODELS, not measurements of real hardware: the numbers are rough, first-principles
 * estimates (weights and KV bytes over HBM bandwidth, FLOPs over a plausible utilisation) chosen
 * so that the simulator shows the right effects in the right direction and roughly the right
 * size. Never quote them as what a GPU does; measure the real server for that.
 *
 * | parameter             | unit            | fixed (default)       | tiny   | llama-8b-h100 | llama-70b-8xh100 |
 * | --------------------- | --------------- | --------------------- | ------ | ------------- | ---------------- |
 * | stepOverheadMs        | ms / step       | itlMs (10)            | 2      | 6.5           | 13               |
 * | prefillMsPerToken     | ms / token      | ttftPerPromptTokenMs  | 0.002  | 0.06          | 0.05             |
 * |                       |                 | (0.02)                |        | (~17k tok/s)  | (~20k tok/s)     |
 * | decodeMsPerSeq        | ms / sequence   | 0                     | 0.02   | 0.03          | 0.05             |
 * | decodeMsPerSeqSquared | ms / sequence²  | 0                     | 0.0002 | 0.00002       | 0.00003          |
 * | kvReadMsPer1kTokens   | ms / 1k tokens  | 0                     | 0.005  | 0.04          | 0.015            |
 * | apiOverheadMs         | ms / request    | max(0, ttftMs-itlMs)  | 0.5    | 3             | 4                |
 * | maxNumSeqs            | sequences       | 1024                  | 64     | 1024          | 1024             |
 * | maxNumBatchedTokens   | tokens / step   | 8192                  | 2048   | 8192          | 8192             |
 * | chunkedPrefill        | on/off          | on                    | on     | on            | on               |
 * | maxModelLen           | tokens          | 32768                 | 8192   | 32768         | 32768            |
 * | blockSize             | tokens / block  | 16                    | 16     | 16            | 16               |
 * | numGpuBlocks          | blocks          | 131072 (2M tokens)    | 2048   | 26000         | 80000            |
 * | enablePrefixCaching   | on/off          | on                    | on     | on            | on               |
 * | gpuMemoryUtilization  | fraction        | 0.9                   | 0.9    | 0.9           | 0.9              |
 * | maxLoras              | adapters / step | 4                     | 2      | 4             | 4                |
 * | maxCpuLoras           | adapters        | 8                     | 4      | 8             | 8                |
 * | loraLoadMs            | ms / load       | 10                    | 5      | 25            | 40               |
 * | stepJitter            | CV of step time | 0                     | 0      | 0.03          | 0.03             |
 *
 * What the presets imply at low load (one short request, ~100-token prompt):
 * - `fixed`: TTFT = ttftMs + ttftPerPromptTokenMs × prompt, ITL = itlMs whatever the batch
 *   (no per-sequence decode cost), so the simulator's original "fixed TTFT/ITL" behaviour holds
 *   while batching, queueing, KV and LoRA limits still apply under load. Defaults 40 ms / 10 ms.
 * - `tiny`: ~3 ms TTFT, ~2 ms ITL; small KV (32k tokens) so pressure is easy to reach in tests.
 * - `llama-8b-h100` (Llama-3-8B bf16 on one H100 80 GB): ~16 ms TTFT, ~6.6 ms ITL at batch 1,
 *   ~11 ms at batch 64 with 1k-token contexts, ~36 ms at batch 256 with 2k-token contexts;
 *   KV ≈ 416k tokens (128 KiB per token).
 * - `llama-70b-8xh100` (Llama-3-70B bf16, tensor parallel 8): ~22 ms TTFT, ~13 ms ITL at batch 1;
 *   KV ≈ 1.28M tokens.
 *
 * Every parameter can be overridden ({@link resolveEngineParams}).
 */

/**
 * Everything the engine's model depends on. Times in ms, sizes in tokens unless named otherwise.
 * Step time = stepOverheadMs + prefillMsPerToken × prefill tokens in the step
 *   + decodeMsPerSeq × B + decodeMsPerSeqSquared × B² + kvReadMsPer1kTokens × (context tokens of
 *   the B decoding sequences) / 1000 + loraLoadMs × adapters loaded for the step,
 * then scaled by a seeded jitter factor with mean 1 and coefficient of variation stepJitter.
 */
export interface EngineParams {
  /** Most sequences in the running set (vLLM `--max-num-seqs`). */
  maxNumSeqs: number;
  /** Token budget of one step: prefill tokens + one per decode (`--max-num-batched-tokens`). */
  maxNumBatchedTokens: number;
  /**
   * Chunked prefill (`--enable-chunked-prefill`). On: a prompt longer than the budget left in a
   * step is split across steps, running decodes are scheduled first. Off: a prompt is prefilled
   * whole in one step; the budget then is max(maxNumBatchedTokens, maxModelLen), as vLLM
   * requires when chunking is off, so one long prompt makes one long step.
   */
  chunkedPrefill: boolean;
  /** Longest prompt + output, tokens (`--max-model-len`); the HTTP layer answers 400 above it. */
  maxModelLen: number;
  /** Tokens per KV-cache block (`--block-size`). */
  blockSize: number;
  /** KV-cache capacity in blocks; must hold at least one maxModelLen sequence. */
  numGpuBlocks: number;
  /**
   * Automatic prefix caching (`--enable-prefix-caching`, on by default as in vLLM V1): full
   * prompt blocks stay cached in free KV space, and a prompt's cached leading blocks skip
   * prefill (prefix_cache.ts, kv_blocks.ts).
   */
  enablePrefixCaching: boolean;
  /** Reported in `vllm:cache_config_info` only (`--gpu-memory-utilization`), fraction 0..1. */
  gpuMemoryUtilization: number;
  /** Fixed cost of every step (scheduling, kernel launches, reading the weights), ms. */
  stepOverheadMs: number;
  /** Cost per prompt token prefilled in a step (compute-bound), ms/token. */
  prefillMsPerToken: number;
  /** Cost per decoding sequence in a step, ms/sequence. */
  decodeMsPerSeq: number;
  /** Superlinear batch cost: ms × (decoding sequences)²; makes large batches slow down faster. */
  decodeMsPerSeqSquared: number;
  /** Attention's KV reads while decoding: ms per 1000 context tokens of the decoding sequences. */
  kvReadMsPer1kTokens: number;
  /** Per-request front-end time before the scheduler sees it (HTTP, tokenising, IPC), ms. */
  apiOverheadMs: number;
  /** Most distinct LoRA adapters in the running set, hence in one step (`--max-loras`). */
  maxLoras: number;
  /** Adapters kept loaded (LRU, `--max-cpu-loras`); must be >= maxLoras. */
  maxCpuLoras: number;
  /** Cost of loading an adapter that is not cached, added to the step that first uses it, ms. */
  loraLoadMs: number;
  /** Coefficient of variation of the step time (lognormal, mean 1); 0 = deterministic times. */
  stepJitter: number;
  /** Seed of the step-time jitter; same seed and same arrivals give the same step log. */
  seed: number;
}

/** The simple timing of the original simulator, from which the `fixed` profile is derived. */
export interface EngineTiming {
  /** Time to first token for an empty prompt at low load, ms. */
  ttftMs: number;
  /** Extra time to first token per prompt token, ms (prefill cost). */
  ttftPerPromptTokenMs: number;
  /** Gap between successive tokens of one sequence at low load, ms. */
  itlMs: number;
}

/** Names of the built-in presets. */
export type ProfileName = "fixed" | "tiny" | "llama-8b-h100" | "llama-70b-8xh100";

/** The default profile: the original fixed-TTFT/ITL behaviour, now inside a batching engine. */
export const DEFAULT_PROFILE: ProfileName = "fixed";

/** Timing of the `fixed` profile when none is given (ms); same as the simulator's defaults. */
export const DEFAULT_TIMING: Readonly<EngineTiming> = {
  ttftMs: 40,
  ttftPerPromptTokenMs: 0.02,
  itlMs: 10,
};

const SHARED = {
  chunkedPrefill: true,
  enablePrefixCaching: true,
  blockSize: 16,
  gpuMemoryUtilization: 0.9,
  seed: 0,
} as const;

/** Derives the `fixed` profile: step costs chosen so TTFT and ITL at low load match `timing`. */
export function fixedParams(timing: EngineTiming = DEFAULT_TIMING): EngineParams {
  return {
    ...SHARED,
    // A step costs one ITL whatever the batch, so ITL = itlMs; the rest of TTFT is front-end
    // time, so TTFT = (ttftMs - itlMs) + itlMs + per-token cost × prompt.
    stepOverheadMs: timing.itlMs,
    prefillMsPerToken: timing.ttftPerPromptTokenMs,
    decodeMsPerSeq: 0,
    decodeMsPerSeqSquared: 0,
    kvReadMsPer1kTokens: 0,
    apiOverheadMs: Math.max(0, timing.ttftMs - timing.itlMs),
    maxNumSeqs: 1024,
    maxNumBatchedTokens: 8192,
    maxModelLen: 32768,
    numGpuBlocks: 131072,
    maxLoras: 4,
    maxCpuLoras: 8,
    loraLoadMs: 10,
    stepJitter: 0,
  };
}

/** The hardware-like presets (all but `fixed`, which is derived from a timing). */
export const PROFILES: Readonly<Record<Exclude<ProfileName, "fixed">, Readonly<EngineParams>>> = {
  tiny: {
    ...SHARED,
    stepOverheadMs: 2,
    prefillMsPerToken: 0.002,
    decodeMsPerSeq: 0.02,
    decodeMsPerSeqSquared: 0.0002,
    kvReadMsPer1kTokens: 0.005,
    apiOverheadMs: 0.5,
    maxNumSeqs: 64,
    maxNumBatchedTokens: 2048,
    maxModelLen: 8192,
    numGpuBlocks: 2048,
    maxLoras: 2,
    maxCpuLoras: 4,
    loraLoadMs: 5,
    stepJitter: 0,
  },
  "llama-8b-h100": {
    ...SHARED,
    stepOverheadMs: 6.5,
    prefillMsPerToken: 0.06,
    decodeMsPerSeq: 0.03,
    decodeMsPerSeqSquared: 0.00002,
    kvReadMsPer1kTokens: 0.04,
    apiOverheadMs: 3,
    maxNumSeqs: 1024,
    maxNumBatchedTokens: 8192,
    maxModelLen: 32768,
    numGpuBlocks: 26000,
    maxLoras: 4,
    maxCpuLoras: 8,
    loraLoadMs: 25,
    stepJitter: 0.03,
  },
  "llama-70b-8xh100": {
    ...SHARED,
    stepOverheadMs: 13,
    prefillMsPerToken: 0.05,
    decodeMsPerSeq: 0.05,
    decodeMsPerSeqSquared: 0.00003,
    kvReadMsPer1kTokens: 0.015,
    apiOverheadMs: 4,
    maxNumSeqs: 1024,
    maxNumBatchedTokens: 8192,
    maxModelLen: 32768,
    numGpuBlocks: 80000,
    maxLoras: 4,
    maxCpuLoras: 8,
    loraLoadMs: 40,
    stepJitter: 0.03,
  },
};

/** One line per profile, for `--help` and error messages. */
export const PROFILE_DESCRIPTIONS: Readonly<Record<ProfileName, string>> = {
  fixed: "default: TTFT ≈ ttftMs + per-token prefill, ITL ≈ itlMs at any batch size",
  tiny: "fast toy engine for tests: ~2 ms steps, 64 sequences, 32k-token KV cache",
  "llama-8b-h100": "model of an 8B model on one H100: ~16 ms TTFT, ~7 ms ITL at low load",
  "llama-70b-8xh100": "model of a 70B model on 8 H100s (TP8): ~22 ms TTFT, ~13 ms ITL at low load",
};

/** Every profile name, default first. */
export const PROFILE_NAMES: readonly ProfileName[] = [
  "fixed",
  "tiny",
  "llama-8b-h100",
  "llama-70b-8xh100",
];

/** Options of {@link resolveEngineParams}. */
export interface ResolveOptions {
  /** Only for the `fixed` profile; missing fields take {@link DEFAULT_TIMING}. */
  timing?: Partial<EngineTiming>;
  /** Parameters replacing the profile's; undefined fields are ignored. */
  overrides?: Partial<EngineParams>;
}

/**
 * The parameters of profile `name` (default `fixed`) with `overrides` applied, validated.
 * Throws one RangeError listing every problem (unknown profile, timing given for a non-fixed
 * profile, out-of-range values).
 */
export function resolveEngineParams(
  name: string | undefined,
  options: ResolveOptions = {},
): EngineParams {
  const profile = name ?? DEFAULT_PROFILE;
  const problems: string[] = [];
  const timing = defined(options.timing ?? {});
  let base: EngineParams;
  if (profile === "fixed") {
    base = fixedParams({ ...DEFAULT_TIMING, ...timing });
  } else if (Object.hasOwn(PROFILES, profile)) {
    base = { ...PROFILES[profile as keyof typeof PROFILES] };
    const given = Object.keys(timing);
    if (given.length) {
      problems.push(
        `${given.join(", ")} only apply to the fixed profile (got profile "${profile}")`,
      );
    }
  } else {
    throw new RangeError(
      `Unknown simulator profile "${profile}"; known: ${PROFILE_NAMES.join(", ")}`,
    );
  }
  const params = { ...base, ...defined(options.overrides ?? {}) };
  problems.push(...validateEngineParams(params));
  if (problems.length) {
    throw new RangeError(`Invalid simulator engine parameters: ${problems.join("; ")}`);
  }
  return params;
}

/** Every problem with `p`, as readable sentences; empty when `p` is usable. */
export function validateEngineParams(p: EngineParams): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, key: keyof EngineParams, rule: string) => {
    if (!ok) problems.push(`${key} must be ${rule} (got ${JSON.stringify(p[key])})`);
  };
  const int = (key: keyof EngineParams, min: number) => {
    const v = p[key] as number;
    check(Number.isInteger(v) && v >= min, key, `an integer >= ${min}`);
  };
  const nonNeg = (key: keyof EngineParams) => {
    const v = p[key] as number;
    check(Number.isFinite(v) && v >= 0, key, ">= 0");
  };
  int("maxNumSeqs", 1);
  int("maxNumBatchedTokens", 1);
  int("maxModelLen", 2);
  int("blockSize", 1);
  int("numGpuBlocks", 1);
  int("maxLoras", 1);
  int("maxCpuLoras", 1);
  int("seed", 0);
  for (
    const k of [
      "stepOverheadMs",
      "prefillMsPerToken",
      "decodeMsPerSeq",
      "decodeMsPerSeqSquared",
      "kvReadMsPer1kTokens",
      "apiOverheadMs",
      "loraLoadMs",
      "stepJitter",
    ] as const
  ) nonNeg(k);
  check(typeof p.chunkedPrefill === "boolean", "chunkedPrefill", "true or false");
  check(typeof p.enablePrefixCaching === "boolean", "enablePrefixCaching", "true or false");
  const u = p.gpuMemoryUtilization;
  check(Number.isFinite(u) && u > 0 && u <= 1, "gpuMemoryUtilization", "in (0, 1]");
  if (problems.length) return problems;
  if (p.maxNumBatchedTokens < p.maxNumSeqs) {
    problems.push(
      `maxNumBatchedTokens (${p.maxNumBatchedTokens}) must be >= maxNumSeqs (${p.maxNumSeqs})`,
    );
  }
  if (p.maxCpuLoras < p.maxLoras) {
    problems.push(`maxCpuLoras (${p.maxCpuLoras}) must be >= maxLoras (${p.maxLoras})`);
  }
  // vLLM refuses to start when one full-length sequence cannot fit; so do we (no deadlock).
  if (p.numGpuBlocks * p.blockSize < p.maxModelLen) {
    problems.push(
      `the KV cache (numGpuBlocks ${p.numGpuBlocks} × blockSize ${p.blockSize} = ` +
        `${p.numGpuBlocks * p.blockSize} tokens) must hold maxModelLen (${p.maxModelLen}) tokens`,
    );
  }
  return problems;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
