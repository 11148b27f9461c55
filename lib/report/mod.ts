/**
 * How to show it: statistics in, text out (terminal table, summary.json, summary.csv,
 * requests.jsonl lines), plus an atomic file writer. Never computes statistics; never imports
 * the client.
 * @module
 */

export * from "../fs/atomic_write.ts";
export * from "./record_jsonl.ts";
export * from "./summary_csv.ts";
export * from "./summary_json.ts";
export * from "./terminal_table.ts";
export * from "./lora_comparison_report.ts";
export * from "./adapter_stats_table.ts";
