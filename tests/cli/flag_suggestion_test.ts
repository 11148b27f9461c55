import assert from "node:assert/strict";
import { closestFlag, flagErrorMessage, parseFlags } from "../../lib/cli/flag_suggestion.ts";
import { RUN_OPTIONS } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { llmload } from "../helpers/llmload_cli.ts";

const RUN = Object.keys(RUN_OPTIONS);

Deno.test("closestFlag: typos, swaps and prefixes find the flag; unrelated words find nothing", () => {
  const cases: [string, string | undefined][] = [
    ["--requestz", "requests"],
    ["--concurency", "concurrency"],
    ["--promt-tokens", "prompt-tokens"],
    ["--max-tokesn", "max-tokens"],
    ["--duratio", "duration"],
    ["--gzip", "gzip-records"],
    ["--banana", undefined],
    ["--x", undefined],
  ];
  for (const [given, want] of cases) assert.equal(closestFlag(given, RUN), want, given);
});

Deno.test("a bad flag is a UsageError naming it, the suggestion and the help", () => {
  assert.throws(
    () => parseFlags("run", { args: ["--requestz", "3"], options: RUN_OPTIONS, strict: true }),
    (e: unknown) =>
      e instanceof UsageError &&
      e.problems[0] ===
        "Unknown option '--requestz' (did you mean --requests?). See `llmload run --help`.",
  );
  const ambiguous = flagErrorMessage(
    new TypeError("Option '--x' argument is ambiguous.\nDid you forget…\nTo specify an option…"),
    { command: "sim", known: ["x"] },
  );
  assert.match(ambiguous, /^Option '--x' argument is ambiguous.*See `llmload sim --help`\.$/s);
});

Deno.test("llmload help CMD prints CMD's help; a mistyped command gets a suggestion, exit 2", async () => {
  const help = await llmload(["help", "run"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^llmload run — /);
  const typo = await llmload(["rnu"]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /Unknown command "rnu" \(did you mean run\?\)/);
  const flag = await llmload(["run", "--concurency", "4"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /did you mean --concurrency\?/);
});
