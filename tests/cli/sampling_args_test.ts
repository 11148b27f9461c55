import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

Deno.test("sampling flags normalise into plan.request.sampling; none given leaves it undefined", () => {
  assert.deepEqual(parseRunArgs([], {}).plan.request.sampling, undefined);
  const { plan } = parseRunArgs([
    "--temperature",
    "0",
    "--top-p",
    "0.9",
    "--top-k=-1", // a negative value needs the = form (node:util parseArgs)
    "--min-p",
    "0.05",
    "--presence-penalty=-0.5",
    "--frequency-penalty",
    "2",
    "--repetition-penalty",
    "1.1",
    "--stop-sequence",
    "END",
    "--stop-sequence=\n\n",
    "--request-seed",
    "1234",
  ], {});
  assert.deepEqual(plan.request.sampling, {
    temperature: 0,
    topP: 0.9,
    topK: -1,
    minP: 0.05,
    presencePenalty: -0.5,
    frequencyPenalty: 2,
    repetitionPenalty: 1.1,
    stop: ["END", "\n\n"],
    seed: 1234,
  });
  assert.deepEqual(plan.seed, 42, "--request-seed is not llmload's own --seed");
});

Deno.test("bad sampling values are listed together, each with its flag and the allowed range", () => {
  let problems: string[] = [];
  try {
    parseRunArgs([
      "--temperature=-1",
      "--top-p",
      "0",
      "--top-k",
      "2.5",
      "--min-p",
      "1.5",
      "--presence-penalty",
      "3",
      "--frequency-penalty",
      "x",
      "--repetition-penalty",
      "0",
      "--request-seed",
      "1.5",
      "--stop-sequence=",
      "--concurrency",
      "0",
    ], {});
    assert.fail("expected a usage error");
  } catch (e) {
    assert.ok(e instanceof UsageError);
    problems = e.problems;
  }
  const text = problems.join("\n");
  for (
    const want of [
      /--temperature must be a number ≥ 0 \(0 = greedy\) \(got "-1"\)/,
      /--top-p must be a number in \(0, 1\] \(got "0"\)/,
      /--top-k must be a whole number ≥ 1, or -1 or 0 for off \(got "2.5"\)/,
      /--min-p must be a number in \[0, 1\] \(got "1.5"\)/,
      /--presence-penalty must be a number in \[-2, 2\] \(got "3"\)/,
      /--frequency-penalty must be a number in \[-2, 2\] \(got "x"\)/,
      /--repetition-penalty must be a number > 0 \(got "0"\)/,
      /--request-seed must be a whole number \(got "1.5"\)/,
      /--stop-sequence must not be empty/,
      /--concurrency/,
    ]
  ) assert.match(text, want);
  assert.deepEqual(problems.length, 10, text);
});
