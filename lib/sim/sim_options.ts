/**
 * The simulator's settings ({@link SimOptions}), their defaults and validation, and what it
 * reports per generation request ({@link TruthEntry}).
 */

import type { EngineParams } from "./profiles.ts";
import type { SimEndpoint } from "./openai_shapes.ts";
import { adapterSpecProblems } from "./adapters.ts";
import { type FaultName, type FaultOptions, faultProblems } from "./faults.ts";
import type { TokenizerFiles } from "../tokenizer/hf_tokenizer.ts";
import type { OutputLengthSpec } from "./text_source.ts";

/** Simulator settings; every field optional. Times in ms, lengths in tokens. */
export interface SimOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  hostname?: string;
  /** Served model name; default `sim-llama-8b`. Requests naming another model get 404. */
  model?: string;
  /** Context window (prompt + output tokens); default 32768. */
  maxModelLen?: number;
  /** Time to first token for an empty prompt, ms; default 40. */
  ttftMs?: number;
  /** Extra time to first token per prompt token, ms; default 0.02 (1000 tokens: +20 ms). */
  ttftPerPromptTokenMs?: number;
  /** Gap between successive tokens of a stream, ms; default 10. */
  itlMs?: number;
  /**
   * Engine preset (profiles.ts): `fixed` (default; TTFT/ITL from ttftMs, ttftPerPromptTokenMs
   * and itlMs, which only this profile takes), `tiny`, `llama-8b-h100`, `llama-70b-8xh100`.
   */
  profile?: string;
  /** Engine parameters replacing the profile's (batching, KV cache, LoRA slots, step costs). */
  engine?: Partial<EngineParams>;
  /**
   * Natural output length when the request does not set `ignore_eos` (then it is clamped to
   * [min_tokens, max_tokens]): a fixed count or `{ mean, cv }` for a lognormal;
   * default `{ mean: 200, cv: 0.6 }`.
   */
  outputTokens?: OutputLengthSpec;
  /** Seed of output text and lengths; default 0. */
  seed?: number;
  /** Ground truth per generation request, called once when it ends (see {@link TruthEntry}). */
  truthLog?: (entry: TruthEntry) => void;
  /** Faults to inject into generation requests, each with a rate (see {@link FaultOptions}). */
  faults?: FaultOptions;
  /**
   * Called as each generation request arrives, with its 1-based count, before anything else is
   * done for it (`llmload sim --crash-after-requests` ends the process from here).
   */
  onGenerationRequest?: (count: number) => void;
  /**
   * LoRA adapters served from the start, as vLLM's `--lora-modules`: `name=path` or `name`
   * (path `/sim/loras/<name>`). More can be loaded at run time via `/v1/load_lora_adapter`.
   */
  loraAdapters?: string[];
  /**
   * True: the start-up adapters are registered but not loaded until first used, as adapters a
   * server has on disk but not yet in memory, so each one's first request pays `loraLoadMs` (a
   * cold start). Default false: loaded at start-up as vLLM's `--lora-modules`.
   */
  lazyLoraAdapters?: boolean;
  /**
   * The served model's tokenizer files (read by the caller; structured-cloneable for the Worker):
   * prompt tokens, `/tokenize` and `/detokenize` then use it as vLLM would. Default: the built-in
   * one-token-per-word rule (tokenizer.ts).
   */
  tokenizer?: TokenizerFiles;
  /**
   * HTTP front of {@link startSim}: `raw` (default; Deno.listen and a hand-written HTTP/1.1
   * server, the cheaper per streamed token) or `deno` (Deno.serve, i.e. hyper: kept to compare
   * against in benchmarks, and as a fallback should some client trip over the raw front).
   */
  httpServer?: "raw" | "deno";
  /**
   * False: streams never carry `usage`, whatever `stream_options` asks, as servers that are not
   * vLLM do (`@dwmkerr/mock-llm`, some proxies): the client must count output tokens itself.
   * Default true (vLLM: usage when asked).
   */
  usage?: boolean;
  /**
   * Output tokens per SSE event (the last event may hold fewer), as servers that stream
   * multi-token text chunks do; default 1 (vLLM). With more than one, a stream fault drawn for a token inside an event (not its last) does not fire.
   */
  chunkTokens?: number;
  /**
   * The first N output tokens of each chat stream go out as `delta.reasoning_content`, as vLLM
   * with a reasoning parser streams a thinking model's reasoning, the rest as `delta.content`;
   * usage counts them all. Default 0 (no reasoning). Completions streams are unchanged.
   */
  reasoningTokens?: number;
}

/**
 * What the simulator actually did for one generation request. Times are wall-clock-comparable
 * ms: `performance.timeOrigin + performance.now()`, so they line up across processes.
 */
export interface TruthEntry {
  /** The request's `x-request-id` header, or the id the simulator generated when absent. */
  requestId: string;
  endpoint: SimEndpoint;
  /** When the handler started on the request. */
  receivedAt: number;
  /**
   * Streaming: taken right before each token's event was handed to the connection (raw front)
   * or enqueued to the response stream (Deno.serve front); the chat role chunk rides with
   * token 0. Non-streaming: when the engine produced each token.
   */
  tokenTimes: number[];
  /** When the response ended (last bytes written, refusal sent, or cancel seen). */
  endedAt: number;
  /** HTTP status sent. */
  status: number;
  /** "length" | "stop" when finished, "abort" when cancelled or shut down; absent on refusal. */
  finishReason?: string;
  promptTokens?: number;
  /** Tokens actually emitted (equals `tokenTimes.length`). */
  completionTokens: number;
  /** Faults injected into this request (see {@link FaultOptions}); absent when none. */
  faults?: FaultName[];
}

export const SIM_DEFAULTS = {
  model: "sim-llama-8b",
  maxModelLen: 32768,
  ttftMs: 40,
  ttftPerPromptTokenMs: 0.02,
  itlMs: 10,
  seed: 0,
};

/** The options with their defaults filled in. */
export type SimConfig = typeof SIM_DEFAULTS & SimOptions;

/** Fills in defaults and validates; throws a RangeError listing every problem. */
export function resolveSimConfig(options: SimOptions): SimConfig {
  const cfg = { ...SIM_DEFAULTS, ...stripUndefined(options) };
  validateOptions(cfg);
  return cfg;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateOptions(cfg: SimConfig): void {
  const problems: string[] = [];
  if (cfg.faults) problems.push(...faultProblems(cfg.faults));
  if (cfg.loraAdapters) problems.push(...adapterSpecProblems(cfg.loraAdapters, cfg.model));
  const nonNeg = ["ttftMs", "ttftPerPromptTokenMs", "itlMs"] as const;
  for (const k of nonNeg) {
    if (!(Number.isFinite(cfg[k]) && cfg[k] >= 0)) {
      problems.push(`${k} must be >= 0 (got ${cfg[k]})`);
    }
  }
  if (!(Number.isInteger(cfg.maxModelLen) && cfg.maxModelLen >= 2)) {
    problems.push(`maxModelLen must be an integer >= 2 (got ${cfg.maxModelLen})`);
  }
  const out = cfg.outputTokens;
  const mean = typeof out === "number" ? out : out?.mean;
  if (out !== undefined && !(Number.isFinite(mean) && (mean as number) >= 1)) {
    problems.push(`outputTokens must be >= 1 (got ${JSON.stringify(out)})`);
  }
  if (
    cfg.chunkTokens !== undefined && !(Number.isInteger(cfg.chunkTokens) && cfg.chunkTokens >= 1)
  ) {
    problems.push(`chunkTokens must be an integer >= 1 (got ${cfg.chunkTokens})`);
  }
  const reasoning = cfg.reasoningTokens;
  if (reasoning !== undefined && !(Number.isInteger(reasoning) && reasoning >= 0)) {
    problems.push(`reasoningTokens must be an integer >= 0 (got ${reasoning})`);
  }
  if (problems.length) throw new RangeError(`Invalid simulator options: ${problems.join("; ")}`);
}
