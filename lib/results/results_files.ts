/**
 * The run directory as a contract: the names of its files, spelled here only, and the typed
 * reads and writes of meta.json through {@link MetaJson}. Plain JSON files: lib/fs/json_file.ts.
 */

import { join } from "node:path";
import { writeJsonFile } from "../fs/json_file.ts";
import type { MetaJson } from "./meta_json.ts";

/** What ran, against what, when (meta.ts). */
export const META_FILE = "meta.json";
/** The run's statistics (report/files/summary_json.ts). */
export const SUMMARY_FILE = "summary.json";
/** summary.json's headline numbers as one CSV row. */
export const SUMMARY_CSV_FILE = "summary.csv";
/** The plain records file's name. */
export const RECORDS_FILE = "requests.jsonl";
/** The gzip-compressed records file's name (`--gzip-records`). */
export const RECORDS_FILE_GZ = "requests.jsonl.gz";
/** Gates, SLOs and baseline of a run (verdict.ts). */
export const VERDICT_FILE = "verdict.json";
/** A sweep directory's points (run_sweep.ts), as JSON and as one CSV row per point. */
export const SWEEP_JSON_FILE = "sweep.json";
export const SWEEP_CSV_FILE = "sweep.csv";
/** A comparison directory's runs (`llmload compare`, LoRA compare). */
export const COMPARISON_FILE = "comparison.json";
/** A server-variants sweep's servers (run_variants.ts), and each variant's state when done. */
export const VARIANTS_FILE = "variants.json";
export const VARIANT_STATE_FILE = "variant.json";

/** Writes run directory `runDir`'s meta.json. */
export async function writeMeta(runDir: string, meta: MetaJson): Promise<void> {
  await writeJsonFile(join(runDir, META_FILE), meta);
}

/** Reads run directory `runDir`'s meta.json (throws when absent or not JSON). */
export async function readMeta(runDir: string): Promise<MetaJson> {
  return JSON.parse(await Deno.readTextFile(join(runDir, META_FILE)));
}

/** Rewrites `runDir`'s meta.json with `patch`'s keys replaced or added. */
export async function patchMeta(runDir: string, patch: Partial<MetaJson>): Promise<void> {
  await writeMeta(runDir, { ...await readMeta(runDir), ...patch });
}
