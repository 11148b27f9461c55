/**
 * How long exact prompt lengths take with a local tokenizer (`--tokenizer`): loading the files,
 * then calibrating 1k/3k/6k/10k-token prompts for chat and completions (counter calls and ms).
 *
 *     deno run -A bench/local_tokenizer.ts [MODEL_DIR]   (default: the tiny-llama3 fixture)
 */
import { loadLocalTokenizer } from "../lib/workload/local_tokenizer.ts";
import { calibratePromptBook } from "../lib/workload/exact_prompt.ts";
import { loadTextSource } from "../lib/workload/text_sources.ts";

const path = Deno.args[0] ??
  new URL("../fixtures/tokenizers/tiny-llama3/", import.meta.url).pathname;
let t0 = performance.now();
const tok = await loadLocalTokenizer(path);
console.log(`load ${tok.file}: ${(performance.now() - t0).toFixed(0)} ms`);
for (const source of ["english", "korean"]) {
  const words = await loadTextSource(source);
  for (const form of ["chat", "prompt"] as const) {
    for (const n of [1000, 3000, 6000, 10000]) {
      t0 = performance.now();
      const before = tok.calls;
      const book = await calibratePromptBook([n], tok, { source: words, seed: 1, form });
      const ms = performance.now() - t0;
      const check = tok.countSync(book.promptFor(12345, n), form);
      console.log(
        `${source.padEnd(7)} ${form.padEnd(6)} ${String(n).padStart(5)} tokens: ${book.mode}, ` +
          `${tok.calls - before} calls, ${ms.toFixed(0)} ms, request #12345 measures ${check}`,
      );
    }
  }
}
