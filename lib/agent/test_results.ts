/**
 * A test's results over HTTP, for each kind of results directory: a single run, a sweep (one
 * sub-run per point) or a LoRA comparison (one sub-run per compared run). Sub-runs are matched to
 * the test's recorded parts by start time (meta.json's `time_origin_epoch_ms`), since they run
 * one after another; so this works for a finished, cancelled or interrupted test alike, also
 * after the agent restarted.
 */
import {
  COMPARISON_FILE,
  META_FILE,
  readMeta,
  RECORDS_FILE,
  SUMMARY_FILE,
  SWEEP_CSV_FILE,
  SWEEP_JSON_FILE,
} from "../results/results_files.ts";
import { readJson } from "../fs/json_file.ts";
import { join } from "node:path";
import { writeReports } from "../results/write_reports.ts";
import type { JobPart, ResultKind } from "./job.ts";
import { fileResponse, json } from "./responses.ts";
import { seedReport } from "./seed_report.ts";
import { pathExists } from "../fs/path_exists.ts";

/** What the results routes need to know about a test. */
export interface ResultsOf {
  kind?: ResultKind;
  run_dir: string;
  parts?: JobPart[];
}

const TYPES = {
  md: "text/markdown; charset=utf-8",
  html: "text/html; charset=utf-8",
  csv: "text/csv; charset=utf-8",
} as const;

/** The report formats `GET /tests/{id}/report?format=` serves. */
export const REPORT_FORMATS = ["json", "md", "html", "csv"] as const;

/**
 * `report?format=`: json is the seed report beside llmload's own JSON (summary.json for a run;
 * per point beside sweep.json for a sweep; per compared run beside comparison.json for a LoRA
 * comparison); md/html are the directory's report.md/report.html (rendered now if the run
 * stopped before writing them); csv is summary.csv, sweep.csv, or the compared runs'
 * summary.csv rows under a leading `run` column.
 */
export async function reportResponse(
  t: ResultsOf,
  format: (typeof REPORT_FORMATS)[number],
): Promise<Response> {
  const kind = t.kind ?? "run";
  const dir = t.run_dir;
  if (format === "json") {
    if (kind === "run") return await runJson(dir);
    return await partsJson(t, kind);
  }
  if (format === "md" || format === "html") {
    const file = join(dir, `report.${format}`);
    if (!(await pathExists(file))) await writeReports(dir).catch(() => {});
    return await fileResponse(file, TYPES[format]);
  }
  if (kind === "run") return await fileResponse(join(dir, "summary.csv"), TYPES.csv);
  if (kind === "sweep") return await fileResponse(join(dir, SWEEP_CSV_FILE), TYPES.csv);
  return await compareCsv(t);
}

/**
 * `requests.jsonl`: a run's file as written; for a sweep or comparison every sub-run's records
 * in order, each line with the part it came from first (`"point": 2, "point_label":
 * "concurrency=2"`, or `"run": "baseline"`).
 */
export async function requestsResponse(t: ResultsOf): Promise<Response> {
  const type = "application/x-ndjson";
  if ((t.kind ?? "run") === "run") {
    return await fileResponse(join(t.run_dir, "requests.jsonl"), type);
  }
  const subs = await subRuns(t);
  const enc = new TextEncoder();
  let i = 0;
  // One sub-run's file in memory at a time.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i >= subs.length) return controller.close();
      const { part, dir } = subs[i++];
      const text = await Deno.readTextFile(join(dir, RECORDS_FILE)).catch(() => "");
      const head = t.kind === "sweep"
        ? `{"point":${part.index},"point_label":${JSON.stringify(part.label)},`
        : `{"run":${JSON.stringify(part.label)},`;
      const lines = text.split("\n").filter((l) => l !== "")
        .map((l) => l.startsWith("{") && l !== "{}" ? head + l.slice(1) : l);
      controller.enqueue(enc.encode(lines.map((l) => l + "\n").join("")));
    },
  });
  return new Response(body, { headers: { "content-type": type } });
}

/** The sub-runs on disk with their parts, in the order they ran. */
async function subRuns(t: ResultsOf): Promise<{ part: JobPart; dir: string }[]> {
  const found: { origin: number; dir: string }[] = [];
  try {
    for await (const e of Deno.readDir(t.run_dir)) {
      if (!e.isDirectory) continue;
      const dir = join(t.run_dir, e.name);
      try {
        const meta = await readMeta(dir);
        found.push({ origin: Number(meta.time_origin_epoch_ms), dir });
      } catch {
        // Not started yet (no meta.json): it holds no records.
      }
    }
  } catch {
    return [];
  }
  found.sort((a, b) => a.origin - b.origin);
  const parts = t.parts ?? [];
  return found.slice(0, parts.length).map((f, i) => ({ part: parts[i], dir: f.dir }));
}

/** A single run: the seed's fields beside summary.json's full object. */
async function runJson(dir: string): Promise<Response> {
  const summary = await readJson(join(dir, SUMMARY_FILE));
  if (!summary) {
    return json(404, { error: "summary.json is missing: the run ended before writing it" });
  }
  const jsonl = await Deno.readTextFile(join(dir, RECORDS_FILE)).catch(() => "");
  return json(200, { ...seedReport(jsonl, summary), summary });
}

/** A sweep or comparison: the seed's fields per sub-run, beside the parent's own JSON. */
async function partsJson(t: ResultsOf, kind: ResultKind): Promise<Response> {
  const rows = [];
  for (const { part, dir } of await subRuns(t)) {
    const summary = await readJson(join(dir, SUMMARY_FILE));
    if (!summary) continue; // stopped before its summary: its records are in requests.jsonl
    const jsonl = await Deno.readTextFile(join(dir, RECORDS_FILE)).catch(() => "");
    const meta = await readJson(join(dir, META_FILE));
    const name = kind === "sweep" ? { point: part.index, label: part.label } : { run: part.label };
    rows.push({ ...name, run_id: meta?.run_id ?? null, ...seedReport(jsonl, summary), summary });
  }
  if (rows.length === 0) {
    return json(404, { error: "no point finished with a summary yet: see requests.jsonl" });
  }
  if (kind === "sweep") {
    return json(200, {
      points: rows,
      sweep: await readJson(join(t.run_dir, SWEEP_JSON_FILE)) ?? null,
    });
  }
  return json(200, {
    runs: rows,
    comparison: await readJson(join(t.run_dir, COMPARISON_FILE)) ?? null,
  });
}

/** The compared runs' summary.csv rows under one header, a `run` column first. */
async function compareCsv(t: ResultsOf): Promise<Response> {
  let header: string | undefined;
  const rows: string[] = [];
  for (const { part, dir } of await subRuns(t)) {
    const text = await Deno.readTextFile(join(dir, "summary.csv")).catch(() => undefined);
    if (text === undefined) continue;
    const [h, ...lines] = text.split("\n").filter((l) => l !== "");
    header ??= `run,${h}`;
    for (const l of lines) rows.push(`${part.label},${l}`);
  }
  if (header === undefined) return json(404, { error: "no compared run has a summary.csv yet" });
  return new Response([header, ...rows].join("\n") + "\n", {
    headers: { "content-type": TYPES.csv },
  });
}
