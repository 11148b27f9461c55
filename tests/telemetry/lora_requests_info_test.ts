import assert from "node:assert/strict";
import { parseLoraRequestsInfo } from "../../lib/telemetry/lora_requests_info.ts";

const PAGE = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 3.0
# HELP vllm:lora_requests_info Running stats on lora requests.
# TYPE vllm:lora_requests_info gauge
vllm:lora_requests_info{max_lora="2",running_lora_adapters="sql-lora,chat-lora",waiting_lora_adapters="math-lora"} 1.795770319665e+09
`;

Deno.test("vllm:lora_requests_info gives max_lora and the running and waiting adapters", () => {
  assert.deepEqual(parseLoraRequestsInfo(PAGE), {
    maxLora: 2,
    running: ["sql-lora", "chat-lora"],
    waiting: ["math-lora"],
  });
});

Deno.test("empty adapter labels are empty lists; the last of several series wins", () => {
  const two = PAGE +
    `vllm:lora_requests_info{max_lora="2",running_lora_adapters="",waiting_lora_adapters=""} 1.8e+09\n`;
  assert.deepEqual(parseLoraRequestsInfo(two), { maxLora: 2, running: [], waiting: [] });
});

Deno.test("a page without the gauge (no LoRA, or not vLLM) gives undefined", () => {
  assert.equal(parseLoraRequestsInfo("vllm:num_requests_running 1\n"), undefined);
  assert.equal(parseLoraRequestsInfo(""), undefined);
  assert.equal(
    parseLoraRequestsInfo("# HELP vllm:lora_requests_info Running stats on lora requests.\n"),
    undefined,
    "a HELP line alone is not a sample",
  );
});
