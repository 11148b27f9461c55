/**
 * The run directory as a contract: the names of its files, spelled here only, and the typed
 * reads and writes of its JSON files (meta.json through {@link MetaJson}).
 */

import { join } from "node:path";
import { UsageError } from "../config/usage_error.ts";
import { writeFileAtomic } from "../report/atomic_write.ts";
import type { MetaJson } from "./meta.ts";

/** What ran, against what, when (meta.ts). */
export const META_FILE = "meta.json";
/** The run's statistics (summary_json.ts). */
export const SUMMARY_FILE = "summary.json";
/** summary.json's headline numbers as one CSV row. */
export const SUMMARY_CSV_FILE = "summary.csv";
/** The plain records file's name. */
export const RECORDS_FILE = "requests.jsonl";
/** The gzip-compressed records file's name (`--gzip-records`). */
export const RECORDS_FILE_GZ = "requests.jsonl.gz";
/** Gates, SLOs and baseline of a run (verdict.ts). */
export const VERDICT_FILE = "verdict.json";

/** Writes `value` as indented JSON with a final newline, atomically. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

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

/**
 * A JSON file read as an object; undefined when it is missing or not JSON (`onError` hears why,
 * except for a missing file).
 */
export async function readJson(
  path: string,
  onError?: (message: string) => void,
): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      onError?.(`${path} not read: ${(e as Error).message}`);
    }
    return undefined;
  }
}

/** A JSON file that must hold an object: a UsageError naming it when it is damaged. */
export async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  const text = await Deno.readTextFile(path);
  try {
    const v = JSON.parse(text);
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v;
  } catch { /* reported below */ }
  throw new UsageError(`Cannot read "${path}": not a JSON object; the file is damaged`);
}
