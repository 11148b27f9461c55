import { defineScenario } from "../lib/config/scenario.ts";

/**
 * The performance-analysis guide's input-length cases (short 1k, mid 3k, long 6k, very long 10k
 * tokens) with a fixed 128-token output, each at concurrency 1, 2, 4 and 8.
 */
export default defineScenario({
  name: "prompt-lengths",
  description:
    "1k/3k/6k/10k-token prompts, 128 output tokens (ignore_eos), each at concurrency 1, 2, 4, 8",
  request: { maxTokens: 128, ignoreEos: true },
  warmup: { requests: 1 },
  stop: { requests: 16 },
  sweep: { axes: { promptTokens: [1000, 3000, 6000, 10000], concurrency: [1, 2, 4, 8] } },
});
