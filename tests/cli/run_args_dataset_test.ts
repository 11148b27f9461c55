import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const FIXTURES = new URL("../../fixtures/datasets/", import.meta.url).pathname;
const LORA = join(FIXTURES, "lora_prompts.jsonl");
const CSV = join(FIXTURES, "prompts.csv");

function problemsOf(args: string[]): string[] {
  try {
    parseRunArgs(args, {});
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  throw new Error(`expected a usage error for ${args.join(" ")}`);
}

Deno.test("dataset flags normalise into the plan; defaults are file order and fail on errors", () => {
  const bare = parseRunArgs(["--dataset", LORA], {}).plan;
  assert.deepEqual(bare.dataset, {
    path: LORA,
    format: undefined,
    take: undefined,
    fraction: undefined,
    shuffle: false,
    onError: "fail",
    promptColumn: undefined,
  });
  const full = parseRunArgs(
    [
      ...["--dataset", CSV, "--dataset-format", "csv", "--dataset-fraction", "0.5"],
      ...["--dataset-shuffle", "--dataset-on-error", "skip", "--prompt-column", "text"],
    ],
    {},
  ).plan;
  assert.deepEqual(full.dataset, {
    path: CSV,
    format: "csv",
    take: undefined,
    fraction: 0.5,
    shuffle: true,
    onError: "skip",
    promptColumn: "text",
  });
  assert.equal(parseRunArgs(["--dataset", LORA, "--dataset-take", "3"], {}).plan.dataset?.take, 3);
  assert.equal(parseRunArgs([], {}).plan.dataset, undefined);
});

Deno.test("bad dataset flags are all listed in one usage error", () => {
  const problems = problemsOf([
    ...["--dataset", "/no/such/file.jsonl", "--dataset-format", "xml"],
    ...["--dataset-take", "0", "--dataset-fraction", "1.5", "--dataset-on-error", "ignore"],
    ...["--prompt-column", "text", "--prompt-tokens", "100", "--text-source", "korean"],
    ...["--shared-prefix-tokens", "10"],
  ]);
  const expected = [
    /--dataset must be the path of a dataset file \(no file "\/no\/such\/file.jsonl"\)/,
    /--dataset-format must be one of jsonl, json, sharegpt, csv, prompts, adapters \(got "xml"\)/,
    /--dataset-take must be a whole number > 0 \(got "0"\)/,
    /--dataset-fraction must be a number in \(0, 1\] \(got "1.5"\)/,
    /--dataset-take and --dataset-fraction cannot be combined/,
    /--dataset-on-error must be one of skip, fail \(got "ignore"\)/,
    /--prompt-column applies to CSV datasets only/,
    /--prompt-tokens builds synthetic prompts and cannot be combined with --dataset/,
    /--shared-prefix-tokens builds synthetic prompts and cannot be combined with --dataset/,
    /--text-source builds synthetic prompts and cannot be combined with --dataset/,
  ];
  for (const re of expected) assert.ok(problems.some((p) => re.test(p)), `missing ${re}`);
});

Deno.test("dataset options without --dataset are usage errors", () => {
  const problems = problemsOf(["--dataset-take", "5", "--dataset-shuffle", "--prompt-column", "q"]);
  assert.deepEqual(problems, [
    "--dataset-take needs --dataset FILE",
    "--dataset-shuffle needs --dataset FILE",
    "--prompt-column needs --dataset FILE",
  ]);
});
