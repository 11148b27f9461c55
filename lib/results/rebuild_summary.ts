/**
 * A run that died before writing summary.json (`kill -9`, a power cut) still has its meta.json
 * and its records, flushed line by line: `llmload report` rebuilds the summary from them, marked
 * interrupted, instead of refusing the directory.
 */

import { join } from "node:path";
import { RunDigest } from "../metrics/run_digest.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { summaryToJson } from "../report/files/summary_json.ts";
import { findRecordsFile, forEachRecord } from "./records_file.ts";
import { pathExists } from "../fs/path_exists.ts";
import { META_FILE, readMeta, SUMMARY_FILE } from "./results_files.ts";

/** Why a rebuilt summary exists, as summary.json `interrupt_reason` says it. */
export const REBUILT_REASON = "the run ended without writing its summary (killed?); " +
  "rebuilt from requests.jsonl by llmload report";

/**
 * When `dir` is a run directory (meta.json and a records file) without summary.json, writes
 * one from its records (`interrupted: true`) and returns its path; otherwise undefined.
 */
export async function rebuildMissingSummary(
  dir: string,
  options: { warn(message: string): void },
): Promise<string | undefined> {
  const path = join(dir, SUMMARY_FILE);
  if (await pathExists(path) || !await pathExists(join(dir, META_FILE))) return undefined;
  const records = await findRecordsFile(dir);
  if (records === null) return undefined;
  const meta = await readMeta(dir);
  const model = typeof meta.target?.model === "string" ? meta.target.model : undefined;
  const digest = new RunDigest({ baseModel: model });
  await forEachRecord(records, (r) => digest.add(r), { onTruncated: options.warn });
  const summary = digest.summary.result({
    loadMode: meta.load?.mode === "closed" ? "closed" : "open",
  });
  const adapters = digest.otherModels ? digest.adapters.result() : undefined;
  await writeFileAtomic(
    path,
    summaryToJson({
      ...summary,
      ...(adapters ? { adapters } : {}),
      server_metrics: null,
      slo: null,
      interrupted: true,
      interrupt_reason: REBUILT_REASON,
    }),
  );
  options.warn(`${dir} had no summary.json: ${REBUILT_REASON}`);
  return path;
}
