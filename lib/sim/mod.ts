/**
 * The built-in vLLM-like simulator: a real HTTP server on 127.0.0.1 whose responses follow
 * vLLM's OpenAI API shapes, with deterministic text, a documented tokenizer and configurable
 * TTFT/ITL. Used by the demo (`llmload sim`, `--target sim`) and by most tests.
 */

export {
  createSimApp,
  type SimApp,
  type SimHandle,
  type SimOptions,
  startSim,
  type TruthEntry,
} from "./server.ts";
export type {
  Engine,
  EngineMetrics,
  EngineOptions,
  EngineParams,
  EngineStats,
  EngineTiming,
  HistogramSnapshot,
  RequestTiming,
  SeqHandle,
  SeqObserver,
  SeqSpec,
  StepRecord,
  VirtualArrival,
  VirtualRun,
} from "./engine.ts";
export { createEngine, simulateEngine } from "./engine.ts";
export {
  DEFAULT_PROFILE,
  PROFILE_DESCRIPTIONS,
  PROFILE_NAMES,
  type ProfileName,
  PROFILES,
  resolveEngineParams,
} from "./profiles.ts";
export {
  CHAT_TOKENS_PER_MESSAGE,
  countChatTokens,
  countTokens,
  decodeTokens,
  encodeChat,
  encodeText,
  messageText,
  SIM_VOCAB_SIZE,
  tokenize,
} from "./tokenizer.ts";
export { DEFAULT_OUTPUT_LENGTH, type OutputLengthSpec, WORDS } from "./text_source.ts";
export { SIM_VERSION } from "./openai_shapes.ts";
export type {
  BodySink,
  SimReply,
  SimRequest,
  StreamBody,
  StreamReply,
  WholeReply,
} from "./sim_reply.ts";
export {
  type DelayFault,
  type FaultName,
  type FaultOptions,
  faultProblems,
  INVALID_JSON_EVENT,
  MALFORMED_SSE_LINE,
} from "./faults.ts";
export { adapterSpecProblems } from "./adapters.ts";
export { type MetricsSnapshot, renderPromMetrics } from "./prom_metrics.ts";
export { type SpawnedSim, spawnSim, type SpawnSimOptions } from "./sim_process.ts";
export { startSimWorker, type WorkerSim } from "./sim_worker.ts";
