/**
 * Dataset readers: JSONL, CSV, prompts.json, adapters.json and ShareGPT files turned into
 * {@link DatasetItem}s, selected (seeded shuffle, then a subset) and handed out per request.
 */
export type {
  ChatMessage,
  ChatRole,
  ConversationTurn,
  DatasetItem,
  DatasetProblem,
  DatasetPrompt,
  DatasetRow,
} from "./dataset_item.ts";
export { formatProblem } from "./dataset_item.ts";
export { DATASET_FORMATS, type DatasetFormat, detectFormat } from "./detect_format.ts";
export { estimateTokens } from "./estimate_tokens.ts";
export { type JsonFormat, parseJsonDataset } from "./json_dataset.ts";
export { createCsvParser, type CsvParser, type CsvRecord, parseCsv } from "./csv_parser.ts";
export { recordToRow } from "./record_item.ts";
export {
  createReservoir,
  type Selection,
  selectionProblems,
  selectItems,
  shuffleItems,
  subsetSize,
} from "./select_items.ts";
export {
  type Dataset,
  datasetRows,
  type DatasetRowsOptions,
  MAX_LISTED_PROBLEMS,
  readDataset,
  type ReadDatasetOptions,
} from "./read_dataset.ts";
export {
  createDatasetCursor,
  type DatasetCursor,
  type DatasetPick,
  pickForRequest,
} from "./dataset_cursor.ts";
