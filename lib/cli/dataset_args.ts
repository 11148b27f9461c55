import type { RunPlan } from "../config/run_plan.ts";
import type { FlagReaders, FlagValues } from "./flag_readers.ts";

/** Flags that only make sense with --dataset. */
const DATASET_ONLY = [
  "dataset-format",
  "dataset-take",
  "dataset-fraction",
  "dataset-shuffle",
  "dataset-on-error",
  "prompt-column",
] as const;
/** Synthetic-prompt flags: a dataset brings its own prompts, so these would be silently unused. */
const SYNTHETIC_ONLY = [
  "prompt-tokens",
  "shared-prefix-tokens",
  "text-source",
  "tokenizer",
] as const;
const DATASET_FORMAT_VALUES = ["jsonl", "json", "sharegpt", "csv", "prompts", "adapters"] as const;

/**
 * The --dataset group, checked as a whole; problems are appended to `problems`. The file is only
 * checked for existence here; its records are read (and a malformed one rejected) by the run,
 * before anything is sent.
 */
export function datasetSource(
  values: FlagValues,
  problems: string[],
  parse: FlagReaders,
): RunPlan["dataset"] {
  const path = values.dataset as string | undefined;
  if (path === undefined) {
    for (const flag of DATASET_ONLY) {
      if (values[flag] !== undefined) problems.push(`--${flag} needs --dataset FILE`);
    }
    return undefined;
  }
  for (const flag of SYNTHETIC_ONLY) {
    if (values[flag] !== undefined) {
      problems.push(`--${flag} builds synthetic prompts and cannot be combined with --dataset`);
    }
  }
  try {
    if (!Deno.statSync(path).isFile) throw new Error("not a file");
  } catch {
    problems.push(`--dataset must be the path of a dataset file (no file "${path}")`);
  }
  const format = values["dataset-format"] === undefined
    ? undefined
    : parse.oneOf("dataset-format", DATASET_FORMAT_VALUES, "jsonl");
  const take = parse.posInt("dataset-take");
  const fraction = parse.num("dataset-fraction", (n) => n > 0 && n <= 1, "a number in (0, 1]");
  if (values["dataset-take"] !== undefined && values["dataset-fraction"] !== undefined) {
    problems.push("--dataset-take and --dataset-fraction cannot be combined; use one of them");
  }
  const onError = parse.oneOf("dataset-on-error", ["skip", "fail"] as const, "fail");
  const promptColumn = values["prompt-column"] as string | undefined;
  if (promptColumn !== undefined) {
    if (promptColumn.trim() === "") problems.push("--prompt-column must not be empty");
    const csv = format === "csv" || (format === undefined && /\.csv$/i.test(path));
    if (!csv) problems.push("--prompt-column applies to CSV datasets only");
  }
  return {
    path,
    format,
    take,
    fraction,
    shuffle: values["dataset-shuffle"] === true,
    onError,
    promptColumn,
  };
}
