import assert from "node:assert/strict";
import { tokenizeFailureCause } from "../../lib/workload/prepare_prompts.ts";
import { TokenizeUnavailable } from "../../lib/workload/tokenize_client.ts";

Deno.test("a /tokenize 404 for an unknown model names the model, not a missing route", () => {
  const body = '{"error":{"message":"The model `nope` does not exist.","code":404}}';
  const unknownModel = new TokenizeUnavailable(`POST /tokenize answered HTTP 404: ${body}`, 404);
  assert.match(
    tokenizeFailureCause(unknownModel, "nope"),
    /does not serve model "nope".*check --model/,
  );
  const noRoute = new TokenizeUnavailable("POST /tokenize answered HTTP 404: Not Found", 404);
  assert.equal(tokenizeFailureCause(noRoute, "m"), "the server has no /tokenize");
  const down = new TokenizeUnavailable("POST /tokenize failed: connection refused");
  assert.equal(tokenizeFailureCause(down, "m"), down.message);
});
