/** JSON files, read and written once for all of lib/: atomic writes, tolerant and strict reads. */

import { UsageError } from "../config/usage_error.ts";
import { writeFileAtomic } from "./atomic_write.ts";

/** Writes `value` as indented JSON with a final newline, atomically. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
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
