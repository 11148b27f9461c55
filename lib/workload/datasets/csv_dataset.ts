/**
 * CSV rows to dataset items (pure). The first record is the header; column names are matched
 * case-insensitively after trimming. The prompt column is `prompt` unless `promptColumn` names
 * another; `adapter_name`/`adapter`/`lora_name`, `adapter_path`/`lora_path`/`path`, `max_tokens`
 * and `output_tokens` are read when present (as in `record_item.ts`); other columns are ignored.
 * An empty cell is an absent field. A row with a different number of cells than the header is
 * malformed (usually a stray comma or an unquoted line break).
 */
import type { DatasetRow } from "./dataset_item.ts";
import type { CsvRecord } from "./csv_parser.ts";
import { type RecordOptions, recordToRow } from "./record_item.ts";

/** The header, resolved: column names (lower case) and which column holds the prompt. */
export interface CsvColumns {
  names: string[];
  promptIndex: number;
}

const NUMERIC = new Set(["max_tokens", "output_tokens"]);

/** Resolves the header record, or returns a message saying which column is missing. */
export function csvColumns(header: CsvRecord, promptColumn = "prompt"): CsvColumns | string {
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const wanted = promptColumn.trim().toLowerCase();
  const promptIndex = names.indexOf(wanted);
  if (promptIndex < 0) {
    return `has no "${promptColumn}" column in its header (line ${header.line}: ` +
      `${header.fields.map((f) => JSON.stringify(f)).join(", ")}); ` +
      `add a header row or name the prompt column`;
  }
  return { names, promptIndex };
}

/** Converts one data record to an item or a problem. */
export function csvRecordToRow(
  record: CsvRecord,
  columns: CsvColumns,
  options: RecordOptions & { source: string },
): DatasetRow {
  const place = { source: options.source, line: record.line, unit: "line" as const };
  if (record.error) return { problem: { ...place, message: record.error } };
  if (record.fields.length !== columns.names.length) {
    return {
      problem: {
        ...place,
        message: `has ${record.fields.length} cells but the header has ${columns.names.length}; ` +
          `quote cells that contain commas or line breaks ("a, b")`,
      },
    };
  }
  const obj: Record<string, unknown> = {};
  columns.names.forEach((name, i) => {
    const cell = record.fields[i];
    // Only the chosen prompt column feeds "prompt"; CSV cannot carry chat lists.
    if (i !== columns.promptIndex && ["prompt", "messages", "conversations"].includes(name)) return;
    const key = i === columns.promptIndex ? "prompt" : name;
    if (cell === "" || key in obj) return;
    obj[key] = NUMERIC.has(key) && /^\s*-?\d+(\.\d+)?\s*$/.test(cell) ? Number(cell) : cell;
  });
  return recordToRow(obj, place, options);
}
