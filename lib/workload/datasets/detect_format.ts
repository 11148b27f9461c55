/**
 * Picks a dataset format from the file name, then from the first bytes when the extension says
 * nothing. `.jsonl`/`.ndjson` → jsonl; `.csv` → csv; `.json` → a whole-file JSON shape (decided
 * by content in `json_dataset.ts`), except that a `.json` file whose first line is a complete
 * object followed by another is read as JSONL (a common mislabel). Otherwise: `[` → json, `{` → jsonl; anything else
 * is unknown and the caller must ask for an explicit format.
 */
import type { JsonFormat } from "./json_dataset.ts";

/** Every format a dataset file can have; "json" means a JSON shape detected from content. */
export type DatasetFormat = "jsonl" | "csv" | JsonFormat;

/** All accepted values of an explicit format override. */
export const DATASET_FORMATS: readonly DatasetFormat[] = [
  "jsonl",
  "csv",
  "json",
  "prompts",
  "adapters",
  "sharegpt",
];

/** Detects a format from `path` and the file's first characters (`head`, a few KiB). */
export function detectFormat(path: string, head: string): DatasetFormat | undefined {
  const ext = path.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext === "jsonl" || ext === "ndjson") return "jsonl";
  if (ext === "csv") return "csv";
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (ext === "json") return text.startsWith("{") && firstLineIsObject(text) ? "jsonl" : "json";
  if (text.startsWith("[")) return "json";
  if (text.startsWith("{")) return "jsonl";
  return undefined;
}

function firstLineIsObject(text: string): boolean {
  const nl = text.indexOf("\n");
  // One object alone is a whole-file JSON object; JSONL has a second object line.
  if (nl < 0 || !text.slice(nl + 1).trimStart().startsWith("{")) return false;
  try {
    const v = JSON.parse(text.slice(0, nl));
    return v !== null && typeof v === "object" && !Array.isArray(v);
  } catch {
    return false;
  }
}
