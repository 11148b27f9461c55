import { defineScenario } from "../lib/config/scenario.ts";

/**
 * Multi-turn chat: sessions of 4 turns, each turn sending the whole history (the earlier
 * questions and the answers the server gave) plus a new 512-token question, at 1 and 4 users.
 * With a prefix cache (the simulator's is on by default, as vLLM's) only the new part of each
 * turn is prefilled, so TTFT stays near turn 1's while the prompt grows to ~2,200 tokens: the
 * sweep table's "TTFT by turn" column read 41 → 46 → 46 → 48 ms at 1 user. With
 * `--sim-prefix-caching off` (or a server without prefix caching) it climbed 42 → 76 → 112 →
 * 146 ms. About 10 s against `--target sim`.
 */
export default defineScenario({
  name: "multi-turn-chat",
  description:
    "TTFT by turn of 4-turn chat sessions carrying their history, at 1 and 4 users (prefix cache)",
  target: { endpoint: "chat" },
  request: {
    maxTokens: 48,
    ignoreEos: true,
    sessions: { turns: 4, turnTokens: 512, thinkTime: "50ms" },
  },
  stop: { requests: 16 },
  sweep: { axes: { concurrency: [1, 4] } },
  // A server with a real prefill cost, so that a cached history shows in TTFT.
  sim: { profile: "llama-8b-h100" },
});
