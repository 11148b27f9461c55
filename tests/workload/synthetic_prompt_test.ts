import assert from "node:assert/strict";
import { promptForRequest, syntheticPrompt } from "../../lib/workload/synthetic_prompt.ts";
import { createRng } from "../../lib/load/rng.ts";
import { countTokens } from "../../lib/sim/tokenizer.ts";

Deno.test("synthetic prompts have exactly the requested tokens under the simulator's tokenizer", () => {
  for (const n of [1, 10, 1000, 6000]) {
    assert.equal(countTokens(syntheticPrompt(n, createRng(n))), n);
  }
});

Deno.test("request k gets the same prompt for the same seed, and requests differ", () => {
  assert.equal(promptForRequest(7, 3, 50), promptForRequest(7, 3, 50));
  assert.notEqual(promptForRequest(7, 3, 50), promptForRequest(7, 4, 50));
  assert.notEqual(promptForRequest(7, 3, 50), promptForRequest(8, 3, 50));
  // No shared opening words, so a server's prefix cache cannot hide prefill cost.
  const starts = new Set(Array.from({ length: 50 }, (_, i) => promptForRequest(1, i, 8)));
  assert.equal(starts.size, 50);
});
