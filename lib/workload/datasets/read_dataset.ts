/**
 * Reading a dataset file (the I/O edge): detect the format, stream rows, handle malformed
 * records, select items.
 *
 * Memory: JSONL and CSV are streamed (`Deno.open`, one line or chunk at a time). The JSON formats
 * (prompts.json, adapters.json, ShareGPT) are read whole: that costs a few times the file size,
 * and V8 cannot hold a string over ~512 MiB, so larger JSON files are refused with a hint to
 * convert them to JSONL (`jq -c '.[]' big.json > big.jsonl`; ShareGPT rows work in JSONL too).
 *
 * Selection (see `select_items.ts`): shuffle with `seed`, then take `take` or `fraction`.
 * - `take` with `seed`: reservoir sampling, memory O(take) however large the file.
 * - `take` without `seed`: the first `take` valid items; reading stops there, so later lines are
 *   never checked.
 * - `fraction`, or no subset: every valid item is held in memory (then shuffled and cut).
 *
 * Malformed records (`onError`): "fail" (default) throws one {@link UsageError} listing the first
 * 10 problems with file, line, field and fix (reading stops at the 10th); "skip" drops them,
 * counting all and keeping the first 5 messages. A file with no usable item always fails.
 */
import { UsageError } from "../../config/usage_error.ts";
import { createCsvParser } from "./csv_parser.ts";
import { type CsvColumns, csvColumns, csvRecordToRow } from "./csv_dataset.ts";
import {
  type DatasetItem,
  type DatasetProblem,
  type DatasetRow,
  formatProblem,
} from "./dataset_item.ts";
import { DATASET_FORMATS, type DatasetFormat, detectFormat } from "./detect_format.ts";
import { parseJsonDataset } from "./json_dataset.ts";
import { splitLines, textChunks } from "./line_splitter.ts";
import type { RecordOptions } from "./record_item.ts";
import { recordToRow } from "./record_item.ts";
import { createReservoir, type Selection, selectionProblems, selectItems } from "./select_items.ts";

/** Options for {@link datasetRows}. */
export interface DatasetRowsOptions extends RecordOptions {
  /** Format override; default: detected from the name and first bytes (`detect_format.ts`). */
  format?: DatasetFormat;
  /** CSV prompt column name; default "prompt". */
  promptColumn?: string;
}

/** Options for {@link readDataset}. */
export interface ReadDatasetOptions extends DatasetRowsOptions, Selection {
  /** What to do with malformed records; default "fail". */
  onError?: "skip" | "fail";
}

/** A dataset read and selected, with what was skipped. */
export interface Dataset {
  /** Selected items, in run order. */
  items: DatasetItem[];
  /** The path as given. */
  source: string;
  /** Format used (after detection; "json" resolved to its shape). */
  format: DatasetFormat;
  /** Valid items read before selection (only those before the stop with `take` and no seed). */
  validCount: number;
  /** Malformed records skipped (onError "skip"). */
  skippedCount: number;
  /** The first few skipped records' problems. */
  problems: DatasetProblem[];
}

/** Problems listed in a fatal error; more would be noise. */
export const MAX_LISTED_PROBLEMS = 10;
/** Skipped problems kept for the report. */
export const MAX_KEPT_PROBLEMS = 5;
/** Largest JSON-format file read whole, bytes (under V8's ~512 MiB string limit). */
export const MAX_JSON_BYTES = 480 * 1024 * 1024;

/**
 * Streams the rows (items or problems) of a dataset file in file order, with no selection.
 * The format is reported through `onFormat` before the first row. Throws {@link UsageError} for
 * problems with the file as a whole (missing, unknown format, CSV without a prompt column).
 */
export async function* datasetRows(
  path: string,
  options: DatasetRowsOptions & { onFormat?: (format: DatasetFormat) => void } = {},
): AsyncGenerator<DatasetRow> {
  const source = path;
  const format = options.format ?? await sniffFormat(path);
  if (!DATASET_FORMATS.includes(format)) {
    throw new UsageError(
      `dataset "${source}": format must be one of ${DATASET_FORMATS.join(", ")} (got "${format}")`,
    );
  }
  if (format === "jsonl") {
    options.onFormat?.(format);
    const file = await open(path);
    for await (const { text, line } of splitLines(file.readable)) {
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        yield {
          problem: {
            source,
            line,
            unit: "line",
            message: `is not valid JSON (${(e as Error).message}); each line must be one object`,
          },
        };
        continue;
      }
      yield recordToRow(value, { source, line, unit: "line" }, options);
    }
    return;
  }
  if (format === "csv") {
    options.onFormat?.(format);
    const file = await open(path);
    const parser = createCsvParser();
    let columns: CsvColumns | undefined;
    const rowsOf = function* (records: ReturnType<typeof parser.push>) {
      for (const record of records) {
        if (!columns) {
          const c = csvColumns(record, options.promptColumn);
          if (typeof c === "string") throw new UsageError(`dataset "${source}" ${c}`);
          columns = c;
          continue;
        }
        yield csvRecordToRow(record, columns, { ...options, source });
      }
    };
    for await (const chunk of textChunks(file.readable)) yield* rowsOf(parser.push(chunk));
    yield* rowsOf(parser.end());
    return;
  }
  const size = (await stat(path)).size;
  if (size > MAX_JSON_BYTES) {
    throw new UsageError(
      `dataset "${source}" is ${Math.round(size / 2 ** 20)} MiB; JSON formats are read whole ` +
        `(limit ${MAX_JSON_BYTES / 2 ** 20} MiB): convert it to JSONL, e.g. ` +
        `jq -c '.[]' "${source}" > data.jsonl`,
    );
  }
  const parsed = parseJsonDataset(await Deno.readTextFile(path), { ...options, source, format });
  options.onFormat?.(parsed.format);
  yield* parsed.rows;
}

/**
 * Reads, checks and selects a dataset (see the module comment for memory, selection and
 * malformed-record rules). Throws {@link UsageError} listing every option problem, or the
 * first malformed records with onError "fail".
 */
export async function readDataset(
  path: string,
  options: ReadDatasetOptions = {},
): Promise<Dataset> {
  const { onError = "fail" } = options;
  const optionProblems = selectionProblems(options).map((p) => `dataset "${path}": ${p}`);
  if (onError !== "skip" && onError !== "fail") {
    optionProblems.push(`dataset "${path}": onError must be "skip" or "fail" (got "${onError}")`);
  }
  if (optionProblems.length > 0) throw new UsageError(optionProblems);

  let format: DatasetFormat = options.format ?? "json";
  const problems: DatasetProblem[] = [];
  let skippedCount = 0;
  let validCount = 0;
  const all: DatasetItem[] = [];
  const reservoir = options.take !== undefined && options.seed !== undefined
    ? createReservoir<DatasetItem>(options.take, options.seed)
    : undefined;
  const firstOnly = options.take !== undefined && options.seed === undefined;

  const rows = datasetRows(path, { ...options, onFormat: (f) => (format = f) });
  for await (const row of rows) {
    if ("problem" in row) {
      skippedCount++;
      if (problems.length < (onError === "fail" ? MAX_LISTED_PROBLEMS : MAX_KEPT_PROBLEMS)) {
        problems.push(row.problem);
      }
      if (onError === "fail" && problems.length >= MAX_LISTED_PROBLEMS) break;
      continue;
    }
    validCount++;
    if (reservoir) reservoir.offer(row.item);
    else all.push(row.item);
    if (firstOnly && all.length >= options.take!) break;
  }
  if (onError === "fail" && problems.length > 0) throw fatal(path, problems, skippedCount);
  if (validCount === 0) {
    throw new UsageError([
      `dataset "${path}" has no usable items (${skippedCount} malformed records)`,
      ...problems.map(formatProblem),
    ]);
  }
  const items = reservoir ? reservoir.result() : selectItems(all, options);
  return { items, source: path, format, validCount, skippedCount, problems };
}

function fatal(path: string, problems: DatasetProblem[], count: number): UsageError {
  const lines = problems.map(formatProblem);
  const more = count >= MAX_LISTED_PROBLEMS
    ? ` (stopped reading after ${MAX_LISTED_PROBLEMS})`
    : "";
  lines.push(
    `dataset "${path}": ${count} malformed record${count === 1 ? "" : "s"}${more}; fix them, ` +
      `or skip malformed records (onError "skip")`,
  );
  return new UsageError(lines);
}

async function open(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, { read: true });
  } catch (e) {
    throw new UsageError(`dataset "${path}" cannot be opened: ${(e as Error).message}`);
  }
}

async function stat(path: string): Promise<Deno.FileInfo> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    throw new UsageError(`dataset "${path}" cannot be opened: ${(e as Error).message}`);
  }
}

async function sniffFormat(path: string): Promise<DatasetFormat> {
  const file = await open(path);
  try {
    const buf = new Uint8Array(4096);
    const n = (await file.read(buf)) ?? 0;
    // A multi-byte character cut at the end of the buffer decodes to U+FFFD; harmless for sniffing.
    const head = new TextDecoder().decode(buf.subarray(0, n));
    const format = detectFormat(path, head);
    if (!format) {
      throw new UsageError(
        `dataset "${path}": cannot tell its format from the name or content; name it .jsonl, ` +
          `.json or .csv, or give the format (one of ${DATASET_FORMATS.join(", ")})`,
      );
    }
    return format;
  } finally {
    file.close();
  }
}
