/**
 * Loads a run's dataset before the load starts (like prompt calibration): reads and selects the
 * items, refuses chat conversations on the completions endpoint, and announces skipped records
 * once. Every refusal is a UsageError, so the CLI exits 2 before any request is sent.
 */
import { UsageError } from "../config/usage_error.ts";
import { type Dataset, type DatasetFormat, formatProblem, readDataset } from "./datasets/mod.ts";

/** The dataset part of a run plan (see `DatasetSource` in config/run_plan.ts). */
export interface DatasetRecipe {
  path: string;
  format?: DatasetFormat;
  take?: number;
  fraction?: number;
  shuffle: boolean;
  onError: "skip" | "fail";
  promptColumn?: string;
}

/** Chat-message lines named in the completions refusal; more would be noise. */
const MAX_NAMED_LINES = 5;

/**
 * Reads the dataset for a run. `seed` shuffles only when the recipe asks for it. Logs one warning
 * (with the first problems) when malformed records were skipped. Throws UsageError for a missing
 * or malformed file, bad selection options, or chat messages with `endpoint: "completions"`.
 */
export async function loadDatasetPrompts(
  recipe: DatasetRecipe,
  opts: { seed: number; endpoint: "chat" | "completions"; log(line: string): void },
): Promise<Dataset> {
  let dataset: Dataset;
  try {
    dataset = await readDataset(recipe.path, {
      format: recipe.format,
      take: recipe.take,
      fraction: recipe.fraction,
      seed: recipe.shuffle ? opts.seed : undefined,
      onError: recipe.onError,
      promptColumn: recipe.promptColumn,
    });
  } catch (e) {
    // The reader names its option; the user typed the flag.
    if (!(e instanceof UsageError)) throw e;
    throw new UsageError(
      e.problems.map((p) => p.replace(`(onError "skip")`, "(--dataset-on-error skip)")),
    );
  }
  if (opts.endpoint === "completions") {
    const chat = dataset.items.filter((item) => typeof item.prompt !== "string");
    if (chat.length > 0) {
      const where = chat.slice(0, MAX_NAMED_LINES).map((i) => i.line).join(", ");
      throw new UsageError(
        `dataset "${recipe.path}": ${chat.length} item${chat.length === 1 ? "" : "s"} ` +
          `(line/item ${where}${chat.length > MAX_NAMED_LINES ? ", …" : ""}) are chat ` +
          `conversations (messages), which /completions cannot take; use --endpoint chat`,
      );
    }
  }
  if (dataset.skippedCount > 0) {
    opts.log(
      `warning: dataset "${recipe.path}": skipped ${dataset.skippedCount} malformed record${
        dataset.skippedCount === 1 ? "" : "s"
      }; first:`,
    );
    for (const p of dataset.problems) opts.log(`  ${formatProblem(p)}`);
  }
  return dataset;
}

/** The meta.json `dataset` entry: where the prompts came from and what was skipped. */
export function describeDataset(dataset: Dataset, recipe: DatasetRecipe): Record<string, unknown> {
  return {
    path: dataset.source,
    format: dataset.format,
    items: dataset.items.length,
    valid: dataset.validCount,
    skipped: dataset.skippedCount,
    problems: dataset.problems.map(formatProblem),
    shuffle: recipe.shuffle,
    take: recipe.take ?? null,
    fraction: recipe.fraction ?? null,
    on_error: recipe.onError,
    adapters: [...new Set(dataset.items.flatMap((i) => i.adapter ? [i.adapter] : []))].sort(),
  };
}
