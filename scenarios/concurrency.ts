import { defineScenario } from "../lib/config/scenario.ts";

/** The performance-analysis guide's concurrency test: mean, max and min latency at 1, 2, 4, 8. */
export default defineScenario({
  name: "concurrency",
  description: "closed loop at concurrency 1, 2, 4, 8; 1000-token prompts, 300 output tokens",
  request: { promptTokens: 1000, maxTokens: 300, ignoreEos: true },
  warmup: { requests: 1 },
  stop: { requests: 32 },
  sweep: { axes: { concurrency: [1, 2, 4, 8] } },
});
