/**
 * Reads a run, sweep or comparison directory into the typed inputs of the report renderers
 * (lib/report/report_input.ts). The only place reports touch the filesystem: renderers stay
 * pure, and `llmload report <dir>` redraws everything from the raw files alone.
 *
 * Runs made before telemetry existed simply have no `gpu.csv` / `server_metrics.jsonl` (empty
 * sample lists) and fewer meta.json keys; renderers say "not recorded".
 */

import { basename, join } from "node:path";
import { UsageError } from "../config/usage_error.ts";
import { compareLoraRuns, type LoraRunName } from "../metrics/lora_comparison.ts";
import { RunDigest } from "../metrics/run_digest.ts";
import type { Summary } from "../metrics/summary.ts";
import type {
  ComparedRunInput,
  CompareReportInput,
  RunReportInput,
  SweepReportInput,
} from "../report/report_input.ts";
import { tokenTimesOff } from "../report/files/record_jsonl.ts";
import { findRecordsFile, forEachRecord, RECORDS_FILE, RECORDS_FILE_GZ } from "./records_file.ts";
import { round3 } from "../report/files/summary_json.ts";
import { gpuSamplesFromCsv, serverSamplesFromJsonl } from "../report/files/telemetry_files.ts";
import { CLIENT_HEALTH_FILE, windowsFromJsonl } from "../report/files/client_health_jsonl.ts";
import { clientHealth } from "../metrics/client_health.ts";
import type { SweepValues } from "../report/sweep_row.ts";
import type { AdapterStats } from "../metrics/adapter_stats.ts";
import { pathExists } from "../fs/path_exists.ts";
import {
  COMPARISON_FILE,
  META_FILE,
  SUMMARY_FILE,
  SWEEP_JSON_FILE,
  VERDICT_FILE,
} from "./results_files.ts";
import { readJsonObject } from "../fs/json_file.ts";

/** What kind of results directory a path is, by the files it holds. */
export type ReportDirKind = "run" | "sweep" | "lora-compare" | "compare";

/**
 * Tells a run directory (meta.json + requests.jsonl), a sweep (sweep.json), a LoRA compare
 * (comparison.json with `run_ids`) and an `llmload compare` directory (comparison.json with
 * `kind: "runs"`) apart. Throws a UsageError naming the path when it is none of them.
 */
export async function reportDirKind(dir: string): Promise<ReportDirKind> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(dir);
  } catch {
    throw new UsageError(`"${dir}" does not exist; give a run, sweep or comparison directory`);
  }
  if (!stat.isDirectory) {
    throw new UsageError(`"${dir}" is not a directory; give a run, sweep or comparison directory`);
  }
  if (await pathExists(join(dir, META_FILE)) && await findRecordsFile(dir) !== null) {
    return "run";
  }
  if (await pathExists(join(dir, SWEEP_JSON_FILE))) return "sweep";
  if (await pathExists(join(dir, COMPARISON_FILE))) {
    const c = await readJsonObject(join(dir, COMPARISON_FILE));
    if (c.kind === "runs") return "compare";
    if (c.run_ids) return "lora-compare";
  }
  throw new UsageError(
    `"${dir}" is not an llmload results directory: it has no meta.json and requests.jsonl ` +
      `(a run), sweep.json (a sweep) or comparison.json (a comparison)`,
  );
}

/**
 * The summary keys that differ between `recomputed` and `written` (summary.json), comparing
 * numbers after summary.json's 3-decimal rounding with a slack of 0.002 plus 1e-4 relative:
 * requests.jsonl stores times to 0.001 ms, so a latency recomputed from the file may move in the
 * last digit, and a rate by a few millionths of itself (its window moved by up to 0.001 ms).
 */
export function summaryDifferences(
  recomputed: Summary,
  written: Record<string, unknown>,
): string[] {
  const diffs: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (typeof a === "number" || typeof b === "number") {
      const ra = typeof a === "number" ? round3(a) : a;
      if (typeof ra === "number" && typeof b === "number") {
        if (Math.abs(ra - b) > 0.002 + Math.abs(b) * 1e-4) diffs.push(path);
      } else if (ra !== b) diffs.push(path);
      return;
    }
    if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
      for (const k of Object.keys(a)) {
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      }
      return;
    }
    if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) diffs.push(path);
  };
  for (const k of Object.keys(recomputed)) {
    walk((recomputed as unknown as Record<string, unknown>)[k], written[k], k);
  }
  return diffs.map((p) => p.replace(/^\./, ""));
}

/** Options of the loaders. */
export interface LoadOptions {
  /** Told about anything odd that does not stop the report (summary.json disagreeing, …). */
  warn?: (message: string) => void;
}

/**
 * Loads one run directory: meta.json, requests.jsonl (or requests.jsonl.gz; streamed into a
 * {@link RunDigest}, never held whole), summary.json, and gpu.csv / server_metrics.jsonl when
 * present. The summary is recomputed from the records with the run's load mode and prompt-length
 * mode; when it disagrees with summary.json, `warn` is told which keys differ. Throws a
 * UsageError naming the file for a missing or damaged file.
 */
export async function loadRunInput(
  dir: string,
  options: LoadOptions = {},
): Promise<RunReportInput> {
  const problems: string[] = [];
  for (const f of [META_FILE, SUMMARY_FILE]) {
    if (!await pathExists(join(dir, f))) problems.push(`"${dir}" has no ${f}: not a run directory`);
  }
  const recordsPath = await findRecordsFile(dir);
  if (recordsPath === null) {
    problems.push(`"${dir}" has no ${RECORDS_FILE} (or ${RECORDS_FILE_GZ}): not a run directory`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  const meta = await readJsonObject(join(dir, META_FILE));
  const summaryJson = await readJsonObject(join(dir, SUMMARY_FILE));
  if (summaryJson.interrupted === true && meta.interrupted !== true) {
    // A run killed before its end wrote meta.json once, at its start: the summary knows better.
    meta.interrupted = true;
    meta.interrupt_reason = summaryJson.interrupt_reason ?? null;
  }
  const readOrUsage = async <T>(file: string, parse: (text: string) => T): Promise<T> => {
    try {
      return parse(await Deno.readTextFile(join(dir, file)));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`Cannot read "${join(dir, file)}": ${(e as Error).message}`);
    }
  };
  const target = meta.target as { model?: unknown } | undefined;
  const digest = new RunDigest({
    baseModel: typeof target?.model === "string" ? target.model : undefined,
  });
  await forEachRecord(recordsPath!, (r) => digest.add(r), { onTruncated: options.warn }).catch(
    (e) => {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`Cannot read "${recordsPath}": ${(e as Error).message}`);
    },
  );
  const gpuCsv = await pathExists(join(dir, "gpu.csv"));
  const serverMetrics = await pathExists(join(dir, "server_metrics.jsonl"));
  const gpuSamples = gpuCsv ? await readOrUsage("gpu.csv", gpuSamplesFromCsv) : [];
  const serverSamples = serverMetrics
    ? await readOrUsage("server_metrics.jsonl", serverSamplesFromJsonl)
    : [];

  const load = meta.load as { mode?: string } | undefined;
  const loadMode = (summaryJson.load_mode ?? load?.mode) === "closed" ? "closed" : "open";
  const tokens = summaryJson.tokens as Record<string, unknown> | undefined;
  const mode = tokens?.prompt_length_mode;
  const summary = digest.summary.result({
    loadMode,
    promptLengths: typeof mode === "string"
      ? { mode, approximate: tokens?.prompt_lengths_approximate === true }
      : undefined,
  });
  if (tokenTimesOff(meta) && typeof summaryJson.itl_ms === "object" && summaryJson.itl_ms) {
    // The file kept first and last token times only; the run measured ITL from every token.
    summary.itl_ms = summaryJson.itl_ms as Summary["itl_ms"];
  }
  const diffs = summaryDifferences(summary, summaryJson);
  if (diffs.length > 0) {
    options.warn?.(
      `${join(dir, SUMMARY_FILE)} differs from the statistics recomputed from requests.jsonl ` +
        `in ${diffs.slice(0, 5).join(", ")}${diffs.length > 5 ? ", …" : ""}; ` +
        `the report uses the recomputed ones`,
    );
  }
  const verdict = await pathExists(join(dir, VERDICT_FILE))
    ? await readOrUsage(VERDICT_FILE, (t) => JSON.parse(t))
    : undefined;
  const health = await pathExists(join(dir, CLIENT_HEALTH_FILE))
    ? await readOrUsage(CLIENT_HEALTH_FILE, windowsFromJsonl)
    : undefined;
  const workers = meta.workers as { count?: number; cores?: number } | undefined;
  const clientHealthRecomputed = health && clientHealth(health, summary.send_lateness_ms, {
    workers: workers?.count,
    cores: workers?.cores,
  });
  return {
    ...(verdict ? { verdict } : {}),
    ...(clientHealthRecomputed ? { clientHealth: clientHealthRecomputed } : {}),
    runId: typeof meta.run_id === "string" ? meta.run_id : basename(dir),
    meta,
    summary,
    summaryJson,
    digest,
    gpuSamples,
    serverSamples,
    files: { gpuCsv, serverMetrics },
  };
}

/**
 * Loads a sweep's parent directory: sweep.json and the run directory of every point it lists
 * (`<dir>/<run_id>`). A point whose directory is missing is a UsageError naming it.
 */
export async function loadSweepInput(
  dir: string,
  options: LoadOptions = {},
): Promise<SweepReportInput> {
  const sweep = await readJsonObject(join(dir, SWEEP_JSON_FILE));
  const points = Array.isArray(sweep.points) ? sweep.points as Record<string, unknown>[] : [];
  const out: SweepReportInput["points"] = [];
  for (const p of points) {
    const run = await loadRunInput(join(dir, String(p.run_id)), options);
    out.push({
      index: Number(p.point),
      ...(typeof p.label === "string" ? { label: p.label } : {}),
      values: (p.values ?? {}) as SweepValues,
      run,
    });
  }
  return {
    sweepId: typeof sweep.sweep_id === "string" ? sweep.sweep_id : basename(dir),
    sweep,
    axes: Array.isArray(sweep.axes) ? sweep.axes.map(String) : [],
    points: out,
  };
}

/**
 * Loads a `--lora-mode compare` directory: comparison.json's `run_ids` name each compared run's
 * directory; the LoRA comparison is recomputed from their summaries and adapter statistics.
 */
export async function loadLoraCompareInput(
  dir: string,
  options: LoadOptions = {},
): Promise<CompareReportInput> {
  const c = await readJsonObject(join(dir, COMPARISON_FILE));
  const ids = (c.run_ids ?? {}) as Record<string, string>;
  const runs: ComparedRunInput[] = [];
  for (const name of ["baseline", "multi", "base"] as LoraRunName[]) {
    if (ids[name] === undefined) continue;
    runs.push({ name, run: await loadRunInput(join(dir, ids[name]), options) });
  }
  const byName = (n: LoraRunName) => {
    const r = runs.find((x) => x.name === n)?.run;
    if (!r) return undefined;
    const adapters = r.summaryJson.adapters as AdapterStats[] | undefined;
    return { summary: r.summary, ...(adapters ? { adapters } : {}) };
  };
  const baseline = byName("baseline");
  const multi = byName("multi");
  if (!baseline || !multi) {
    throw new UsageError(
      `"${join(dir, COMPARISON_FILE)}" lacks run_ids.baseline or run_ids.multi`,
    );
  }
  return {
    kind: "lora",
    runs,
    lora: compareLoraRuns({ baseline, multi, base: byName("base") }),
  };
}

/**
 * Loads the runs of an `llmload compare` directory (comparison.json `runs[].dir`, absolute or
 * relative to the comparison directory) in their saved order; the first is the baseline.
 */
export async function loadRunsCompareInput(
  dir: string,
  options: LoadOptions = {},
): Promise<CompareReportInput> {
  const c = await readJsonObject(join(dir, COMPARISON_FILE));
  const listed = Array.isArray(c.runs) ? c.runs as { name: string; dir: string }[] : [];
  const runs: ComparedRunInput[] = [];
  for (const r of listed) {
    const path = r.dir.startsWith("/") ? r.dir : join(dir, r.dir);
    runs.push({ name: r.name, run: await loadRunInput(path, options) });
  }
  return { kind: "runs", runs };
}
