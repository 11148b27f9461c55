import { defineScenario } from "../lib/config/scenario.ts";

/**
 * The four workload levels ("N req/s with U users"): open-loop Poisson arrivals at N requests/s
 * with at most U requests in flight (a send that finds all U busy is dropped and counted).
 * Teams that used 5-minute levels: `llmload run workloads --duration 5m`.
 */
export default defineScenario({
  name: "workloads",
  description: "open loop: low 1 req/s (1 user), medium 5 (10), high 20 (50), stress 50 (100)",
  load: { arrival: "poisson" },
  request: { promptTokens: 512, maxTokens: 128 },
  warmup: { duration: "5s" },
  stop: { duration: "60s" },
  sweep: {
    points: [
      { label: "low", rate: 1, maxInFlight: 1 },
      { label: "medium", rate: 5, maxInFlight: 10 },
      { label: "high", rate: 20, maxInFlight: 50 },
      { label: "stress", rate: 50, maxInFlight: 100 },
    ],
  },
});
