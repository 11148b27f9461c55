/**
 * The end-of-run history step: appends the run's line to `<results root>/history.jsonl`, writes
 * the `--prom-file` page (and pushes it with `--pushgateway`), and rewrites
 * `<results root>/history.html`. Called once per run (every sweep point and compared run too),
 * after verdict.json and before the reports. Nothing here fails a finished run: a problem is
 * logged as a warning, since the run's own files are already complete.
 */

import { join, relative } from "node:path";
import { META_FILE, SUMMARY_FILE, VERDICT_FILE } from "./results_files.ts";
import { readJson } from "../fs/json_file.ts";
import type { RunPlan } from "../config/run_plan.ts";
import {
  filterHistory,
  type HistoryRecord,
  historyRecord,
  historyTrend,
  parseHistory,
} from "../metrics/run_history.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { promLabels, renderPromText } from "../report/files/prom_export.ts";
import { pushgatewayUrl, pushToGateway } from "./pushgateway.ts";

/** The history file's name in the results root (a contract). */
export const HISTORY_FILE = "history.jsonl";
/** The history page rewritten after every run, beside history.jsonl. */
export const HISTORY_HTML_FILE = "history.html";
/**
 * Runs on the page rewritten after every run: the last 200 (0.16 s warm, 0.3 s cold, 0.4 MB; all
 * 1000 of a long history take 0.43 s warm and 1.8 MB, bench/history_render.ts). `llmload history
 * --html` draws any selection.
 */
export const HISTORY_HTML_MAX_RUNS = 200;

/**
 * Appends one record as one line. The whole line goes to the kernel in a single `write` on a
 * file opened with O_APPEND, so two processes appending at once (two cron jobs sharing a
 * results root) each land a whole line: on a local filesystem the kernel moves the end-of-file
 * and writes under one lock. (NFS does not honour O_APPEND across hosts: keep the root local.)
 */
export async function appendHistory(root: string, record: HistoryRecord): Promise<void> {
  await Deno.mkdir(root, { recursive: true });
  const bytes = new TextEncoder().encode(JSON.stringify(record) + "\n");
  const file = await Deno.open(join(root, HISTORY_FILE), { append: true, create: true });
  try {
    // A regular file takes the whole buffer in one write; the loop only guards a short write
    // (a full disk), after which the line may be torn and parseHistory skips it.
    let off = await file.write(bytes);
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
  } finally {
    file.close();
  }
}

/** Reads `<root>/history.jsonl` (an absent file is an empty history). */
export async function readHistory(
  root: string,
): Promise<{ records: HistoryRecord[]; skipped: number[] }> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(root, HISTORY_FILE));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { records: [], skipped: [] };
    throw e;
  }
  return parseHistory(text);
}

/**
 * Renders the history page of `records` (lazily imported, like the HTML report: the chart
 * library costs ~170 ms to load) and writes it atomically.
 */
export async function writeHistoryHtml(
  path: string,
  records: readonly HistoryRecord[],
  options: { title?: string } = {},
): Promise<void> {
  const { renderHistoryHtml } = await import("../report/html/history_html.ts");
  await writeFileAtomic(path, renderHistoryHtml(historyTrend(records), options));
}

/**
 * Writes the Prometheus page for `records` to `path` atomically (a temporary file in the same
 * directory, flushed, then renamed: node_exporter's textfile collector never sees half a page,
 * and it ignores the temporary name, which does not end in `.prom`), then pushes it when a
 * Pushgateway is given. Returns problems to log.
 */
export async function exportProm(
  records: readonly HistoryRecord[],
  options: { promFile?: string; pushgateway?: string },
): Promise<string[]> {
  const problems: string[] = [];
  const text = renderPromText(records);
  if (options.promFile) {
    try {
      await writeFileAtomic(options.promFile, text);
    } catch (e) {
      problems.push(`--prom-file ${options.promFile} not written: ${(e as Error).message}`);
    }
  }
  if (options.pushgateway) {
    const problem = await pushToGateway(
      pushgatewayUrl(options.pushgateway, promLabels({ ...records[0], parent: null })),
      text,
    );
    if (problem) problems.push(`--pushgateway: ${problem}`);
  }
  return problems;
}

/**
 * The history step of a finished run in `runDir`: reads its summary.json, meta.json and
 * verdict.json (absent: no verdict), appends the history line, exports it, rewrites
 * history.html. A sweep point's (or compared run's) export holds every point of its parent so
 * far, read back from history.jsonl. Returns the record (undefined when it could not be made).
 */
export async function recordRunHistory(
  runDir: string,
  plan: Pick<RunPlan, "out" | "scenario" | "exports" | "history">,
  log: (line: string) => void,
): Promise<HistoryRecord | undefined> {
  const warn = (m: string) => log(`warning: ${m}`);
  const root = plan.history?.root ?? plan.out;
  const parent = plan.history?.parent ?? null;
  let record: HistoryRecord;
  try {
    record = historyRecord({
      // A file absent or unreadable reads as null.
      summary: await readJson(join(runDir, SUMMARY_FILE), warn) ?? null,
      meta: await readJson(join(runDir, META_FILE), warn) ?? null,
      verdict: await readJson(join(runDir, VERDICT_FILE), warn) ?? null,
    }, { runDir: relative(root, runDir), scenario: plan.scenario ?? null, parent });
    await appendHistory(root, record);
  } catch (e) {
    warn(`history line not written to ${join(root, HISTORY_FILE)}: ${(e as Error).message}`);
    return undefined;
  }
  let history: HistoryRecord[] | undefined;
  const all = async () => history ??= (await readHistory(root)).records;
  if (plan.exports?.promFile || plan.exports?.pushgateway) {
    const records = parent
      ? (await all()).filter((r) => r.parent?.kind === parent.kind && r.parent.id === parent.id)
      : [record];
    for (const p of await exportProm(records, plan.exports)) warn(p);
  }
  try {
    await writeHistoryHtml(
      join(root, HISTORY_HTML_FILE),
      filterHistory(await all(), { last: HISTORY_HTML_MAX_RUNS }),
    );
  } catch (e) {
    warn(`${join(root, HISTORY_HTML_FILE)} not written: ${(e as Error).message}`);
  }
  return record;
}
