import assert from "node:assert/strict";
import { recipeKey } from "../../lib/results/verdict.ts";

const meta = (argv: string[], target: Record<string, unknown> = { sim: true, model: "m" }) => ({
  command_line: ["llmload", "run", ...argv],
  load: { mode: "closed", concurrency: 4 },
  request: { prompt_tokens: 256 },
  target,
});

Deno.test("baseline recipes ignore verdict and --sim-* flags, but not the load or the target", () => {
  const base = recipeKey(meta(["--target", "sim", "--requests", "10"]));
  assert.ok(base);
  // A slower simulated server is what `--baseline latest` must compare against, not a new recipe.
  assert.equal(
    recipeKey(
      meta(["--target", "sim", "--requests", "10", "--sim-itl", "30ms", "--sim-profile=tiny"]),
    ),
    base,
  );
  assert.equal(
    recipeKey(
      meta(["--target", "sim", "--requests", "10", "--baseline", "latest", "--no-default-gates"]),
    ),
    base,
  );
  assert.notEqual(recipeKey(meta(["--target", "sim", "--requests", "20"])), base);
  assert.notEqual(
    recipeKey(meta(["--target", "sim", "--requests", "10"], { url: "http://h/v1", model: "m" })),
    base,
  );
});
