/**
 * Whole-file JSON dataset formats (pure: text in, rows out):
 * - `prompts.json`: a list of prompt strings, `["Hello", "안녕하세요"]`.
 * - `adapters.json`: a list of objects, each an adapter plus the prompt to send to it. Our
 *   reading of the Ascend multi-LoRA benchmark's file (its README says only "the adapter's path
 *   and the prompt ... for that specific request"): `{"adapter_path": "/loras/sql", "prompt":
 *   "..."}`, where the adapter may also be named with `adapter_name`/`adapter`/`lora_name` or
 *   located with `lora_path`/`path`, and `max_tokens` is allowed (fields as in `record_item.ts`).
 * - ShareGPT: a list of `{"conversations": [{"from": "human"|"gpt", "value": "..."}]}`.
 * A top-level object holding exactly one list (`{"prompts": [...]}`) is read as that list.
 * Positions (`line`) are 1-based places in the list, since JSON.parse keeps no line numbers.
 */
import type { DatasetProblem, DatasetRow } from "./dataset_item.ts";
import { type RecordOptions, recordToRow } from "./record_item.ts";

/** The JSON shapes; "json" means "decide from the content". */
export type JsonFormat = "json" | "prompts" | "adapters" | "sharegpt";

/** Options for {@link parseJsonDataset}. */
export interface JsonDatasetOptions extends RecordOptions {
  /** File name for items and messages. */
  source: string;
  /** Shape to read; default "json" (detected from the first element). */
  format?: JsonFormat;
}

/** Result of {@link parseJsonDataset}: the shape used, and one row per list element. */
export interface JsonDataset {
  format: Exclude<JsonFormat, "json">;
  rows: DatasetRow[];
}

/**
 * Parses a whole JSON dataset. A file that is not JSON, or not a list, yields a single problem
 * at line 0 (the file as a whole): there is nothing to skip to.
 */
export function parseJsonDataset(text: string, options: JsonDatasetOptions): JsonDataset {
  const { source } = options;
  const whole = (message: string): JsonDataset => ({
    format: options.format === "json" || !options.format ? "adapters" : options.format,
    rows: [{ problem: { source, line: 0, unit: "item", message } }],
  });
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return whole(
      `is not valid JSON (${(e as Error).message}); a file with one object per line is JSONL: ` +
        `name it .jsonl or set the format to "jsonl"`,
    );
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const lists = Object.values(value).filter(Array.isArray);
    if (lists.length === 1) value = lists[0];
  }
  if (!Array.isArray(value)) {
    return whole(`must be a JSON list of prompts or of objects (got ${typeof value})`);
  }
  const format = options.format && options.format !== "json"
    ? options.format
    : detectJsonShape(value);
  const rows = value.map((element, i): DatasetRow => {
    const place = { source, line: i + 1, unit: "item" as const };
    if (format === "prompts") {
      if (typeof element === "string" && element.length > 0) {
        return { item: { prompt: element, line: i + 1, source } };
      }
      const problem: DatasetProblem = {
        ...place,
        message: `must be a non-empty prompt string (got ${
          typeof element === "string" ? "an empty string" : typeof element
        }); prompts.json is a list of strings`,
      };
      return { problem };
    }
    if (
      format === "sharegpt" && (element === null || typeof element !== "object" ||
        !("conversations" in element))
    ) {
      return {
        problem: {
          ...place,
          field: "conversations",
          message: `is missing; a ShareGPT entry is {"conversations": [{"from": "human", ` +
            `"value": "..."}, {"from": "gpt", "value": "..."}]}`,
        },
      };
    }
    return recordToRow(element, place, options);
  });
  return { format, rows };
}

/** Shape of a JSON list, from its first element (an empty list reads as prompts). */
export function detectJsonShape(list: readonly unknown[]): Exclude<JsonFormat, "json"> {
  const first = list[0];
  if (first === undefined || typeof first === "string") return "prompts";
  if (first !== null && typeof first === "object" && "conversations" in first) return "sharegpt";
  return "adapters";
}
