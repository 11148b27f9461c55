import { defineScenario } from "../lib/config/scenario.ts";

/**
 * Multi-LoRA against one multi-task adapter: 8 task adapters in round-robin versus one
 * baseline adapter, same prompts, seed and schedule. Against `--target sim` the simulator lets
 * 2 adapters share a step (`sim.maxLoras`, vLLM's max_loras), so the 8-adapter run queues for
 * LoRA slots, and each adapter's first use costs a 30 ms load (its cold start).
 */
export default defineScenario({
  name: "multi-lora",
  description:
    "baseline (one multi-task adapter) vs 8 task adapters round-robin at 8 users: latency, TTFT, cold starts per adapter",
  load: { concurrency: 8 },
  request: { promptTokens: 256, maxTokens: 32, ignoreEos: true },
  stop: { requests: 64 },
  lora: {
    adapters: [
      "sql-lora",
      "chat-lora",
      "code-lora",
      "math-lora",
      "summary-lora",
      "translate-lora",
      "legal-lora",
      "medical-lora",
    ],
    selection: "round-robin",
    mode: "compare",
    baselineAdapter: "multi-task-lora",
  },
  // With --target sim: 2 adapters per step (vLLM's max_loras), a 30 ms load on first use.
  sim: { maxLoras: 2, loraLoadTime: "30ms" },
});
