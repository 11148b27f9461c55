/**
 * Cost per token event of the client's chunk interpretation: `JSON.parse` + `interpretChunk`
 * against a learned chunk template (lib/client/chunk_template.ts), on 234-byte vLLM chat chunks.
 *
 *   deno run bench/chunk_template_speed.ts
 */
import { createStreamState, interpretChunk } from "../lib/client/chunk.ts";
import { learnChunkTemplate, matchesChunkTemplate } from "../lib/client/chunk_template.ts";
const ev = (w: string) =>
  `{"id":"chatcmpl-8c1f3b2a9d7e4f60a1b2c3d4e5f60718","object":"chat.completion.chunk","created":1764240000,"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"delta":{"content":"${w}"},"logprobs":null,"finish_reason":null}]}`;
const words = Array.from({ length: 1000 }, (_, i) => ev(" w" + i));
console.log("bytes", words[0].length);
const st = createStreamState();
const c0 = JSON.parse(words[0]);
const t = learnChunkTemplate(words[0], { chunk: c0, tokens: interpretChunk(c0, st), state: st })!;
for (let round = 0; round < 3; round++) {
  let t0 = performance.now();
  let n = 0;
  for (let k = 0; k < 300; k++) for (const w of words) n += interpretChunk(JSON.parse(w), st);
  const slow = (performance.now() - t0) / 300000 * 1000;
  t0 = performance.now();
  n = 0;
  for (let k = 0; k < 300; k++) for (const w of words) if (matchesChunkTemplate(w, t)) n++;
  const fast = (performance.now() - t0) / 300000 * 1000;
  console.log(`parse+interpret ${slow.toFixed(3)} µs, template ${fast.toFixed(3)} µs`);
}
