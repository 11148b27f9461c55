import { defineScenario } from "../lib/config/scenario.ts";

/**
 * The performance-analysis guide's chunked prefill comparison (input length 3k/6k/10k: latency
 * ON, latency OFF, change), with the built-in simulator as the server: each variant starts
 * `llmload sim` on its own port with chunked prefill on or off, the same load runs against both,
 * and the comparison puts them side by side. The 8B profile with a 512-token step budget and
 * long prompts arriving while earlier requests decode: off, one prompt's whole prefill stalls
 * every running decode (ITL p99 ≈ the prefill time); on, decodes keep flowing between chunks
 * and the prompt's own TTFT grows. About 30 s in all. Against a real vLLM, give `--server-cmd`
 * (docs/server_variants.md).
 */
export default defineScenario({
  name: "chunked-prefill-ab",
  description:
    "chunked prefill on vs off, each a fresh `llmload sim` server: 3k/6k/10k-token prompts at 2 req/s",
  load: { rate: 2, arrival: "constant" },
  request: { maxTokens: 96, ignoreEos: true },
  warmup: { requests: 1 },
  stop: { requests: 6 },
  sweep: { axes: { promptTokens: [3000, 6000, 10000] } },
  server: {
    cmd: "{llmload} sim --port {port} --profile llama-8b-h100 --max-num-seqs 64 " +
      "--max-num-batched-tokens 512 --chunked-prefill={chunked}",
    params: { chunked: ["on", "off"] },
    readyTimeout: "60s",
    grace: "5s",
  },
});
