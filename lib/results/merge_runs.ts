/**
 * `llmload merge`: the run directories of N shards (`llmload run --shard i/N`) into one run
 * directory whose statistics are those of the whole plan. Records are concatenated (streamed
 * shard by shard into one file and one set of histograms), never summaries: every percentile is
 * computed again from all records (an average of per-shard percentiles is not a percentile of
 * anything).
 *
 * Clocks: each shard's record times are ms from its own time 0, whose wall-clock anchor is
 * meta.json's `time_origin_epoch_ms`. Records are shifted onto the first shard's axis by the
 * difference of anchors; with a shared `--start-at` every anchor is that instant and the shift
 * is 0 (the hosts' agreement is then NTP's, typically well under a millisecond).
 *
 * Nothing half-written: the result is built in a sibling temporary directory and renamed into
 * place at the end; an existing output directory is never written over.
 */

import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../config/usage_error.ts";
import type { GatesPlan } from "../config/gates_plan.ts";
import type { RequestRecord } from "../metrics/record.ts";
import type { Summary } from "../metrics/summary.ts";
import { RunDigest } from "../metrics/run_digest.ts";
import {
  decideVerdict,
  DEFAULT_TOLERANCE_PCT,
  interruptedVerdict,
  type Verdict,
} from "../metrics/gates.ts";
import { roundedRecordToJsonl, tokenTimesOff } from "../report/files/record_jsonl.ts";
import { summaryToJson } from "../report/files/summary_json.ts";
import { summaryToCsv } from "../report/files/summary_csv.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { loadRunInput } from "./load_report_input.ts";
import { checkShardSet, type ShardRun } from "./merge_check.ts";
import { gateResults, sloFromDigest, sloObjectives, VERDICT_FILE } from "./verdict.ts";
import { SUMMARY_CSV_FILE, SUMMARY_FILE, writeMeta } from "./results_files.ts";
import type { MetaJson } from "./meta_json.ts";
import {
  findRecordsFile,
  forEachRecord,
  openRecordsWriter,
  RECORDS_FILE,
  RECORDS_FILE_GZ,
} from "./records_file.ts";
import { writeReports } from "./write_reports.ts";
import { pathExists } from "../fs/path_exists.ts";

/** Where each shard's own files (gpu.csv, server_metrics.jsonl, meta.json, …) are kept. */
export const HOSTS_DIR = "hosts";
/** Shard files not copied under hosts/: the records are merged, the reports redrawn. */
const NOT_COPIED = new Set([RECORDS_FILE, RECORDS_FILE_GZ, "report.md", "report.html"]);
/** Flags that differ between shards: left out of the merged run's command line. */
const SHARD_FLAGS = new Set(["--shard", "--start-at"]);

/** What {@link mergeRunDirs} produced. */
export interface MergeOutcome {
  dir: string;
  runId: string;
  shards: number;
  model: string;
  baseUrl: string;
  summary: Summary;
  verdict: Verdict;
  /** Largest clock shift applied to a shard's records, ms (≈ 0 with `--start-at`). */
  maxShiftMs: number;
}

/** `time` moved by `shift` ms, rounded to requests.jsonl's 0.001 ms. */
function shifted(time: number, shift: number): number {
  return Math.round((time + shift) * 1000) / 1000;
}

function shiftRecord(r: RequestRecord, shift: number): RequestRecord {
  if (shift === 0) return r;
  return {
    ...r,
    scheduledAt: shifted(r.scheduledAt, shift),
    sentAt: shifted(r.sentAt, shift),
    endAt: shifted(r.endAt, shift),
    ...(r.headersAt !== undefined ? { headersAt: shifted(r.headersAt, shift) } : {}),
    ...(r.firstAnswerAt !== undefined ? { firstAnswerAt: shifted(r.firstAnswerAt, shift) } : {}),
    tokenTimes: r.tokenTimes.map((t) => shifted(t, shift)),
  };
}

/** The merged meta.json's verdict settings, as the shards recorded them (meta.json `gates`). */
function gatesOf(meta: Record<string, unknown>): GatesPlan | undefined {
  const g = meta.gates as Record<string, unknown> | undefined;
  if (!g || typeof g !== "object") return undefined;
  const list = (v: unknown) => Array.isArray(v) ? v.map(String) : [];
  return {
    slo: list(g.slo),
    failOn: list(g.fail_on),
    defaultGates: g.default_gates !== false,
    tolerancePct: DEFAULT_TOLERANCE_PCT,
  };
}

/** The command line as typed on shard 0, without the flags that differ between shards. */
function withoutShardFlags(argv: unknown): unknown {
  if (!Array.isArray(argv)) return argv;
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = String(argv[i]);
    if (SHARD_FLAGS.has(a.split("=")[0])) {
      if (!a.includes("=")) i++;
    } else kept.push(a);
  }
  return kept;
}

/**
 * Merges shard run directories into `options.out` (default: `merged-<shard 0's run id>` beside
 * the first directory). Throws a UsageError listing every problem (a directory that is not a
 * shard's run, missing or duplicated shards, differing plans, an existing output directory,
 * a record index two shards share) before anything is written.
 */
export async function mergeRunDirs(
  dirs: readonly string[],
  options: { out?: string; log(line: string): void },
): Promise<MergeOutcome> {
  if (dirs.length === 0) {
    throw new UsageError("llmload merge needs the run directories of every shard");
  }
  const warn = (m: string) => options.log(`warning: ${m}`);
  const { check, first, loaded, outDir } = await loadShardSet(dirs, { out: options.out, warn });

  const meta0 = first.meta;
  const anchor0 = Number(meta0.time_origin_epoch_ms);
  if (meta0.start_at === undefined) {
    warn(
      "the shards were not started with --start-at: their clocks are aligned by each run's " +
        "start time, but their schedules began at different moments",
    );
  }
  const summaryJson0 = loaded.get(first.dir)!.summaryJson;
  const tokens = summaryJson0.tokens as Record<string, unknown> | undefined;
  const mode = tokens?.prompt_length_mode;
  const loadMode = (meta0.load as { mode?: string } | undefined)?.mode === "closed"
    ? "closed"
    : "open";
  const target = (meta0.target ?? {}) as Record<string, unknown>;
  const model = String(target.model ?? "");
  const baseUrl = String(target.url ?? "");
  const gates = gatesOf(meta0);
  if (check.ordered.some((r) => tokenTimesOff(r.meta))) {
    warn(
      "a shard kept first and last token times only (--token-times off): the merged ITL " +
        "statistics are per-request mean gaps, not per-token ones",
    );
  }
  const digest = new RunDigest({ baseModel: model, slo: sloObjectives(gates) });

  const runId = basename(outDir);
  const tmp = `${outDir}.partial-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(tmp, { recursive: true });
  let outcome: Pick<MergeOutcome, "summary" | "verdict" | "maxShiftMs">;
  try {
    const { from, maxShiftMs } = await streamShards(check.ordered, {
      anchorMs: anchor0,
      out: tmp,
      digest,
      warn,
    });
    const summary = digest.summary.result({
      loadMode,
      promptLengths: typeof mode === "string"
        ? { mode, approximate: tokens?.prompt_lengths_approximate === true }
        : undefined,
    });
    const adapters = digest.otherModels ? digest.adapters.result() : undefined;
    const slo = sloFromDigest(digest, summary);
    const verdict = mergedVerdict(
      decideVerdict(gateResults(gates, { summary, slo }), { slo }),
      check.ordered,
    );
    outcome = { summary, verdict, maxShiftMs };
    await writeFileAtomic(
      join(tmp, SUMMARY_FILE),
      // Server metrics are per host (hosts/<i>/server_metrics.jsonl), not merged.
      summaryToJson({ ...summary, ...(adapters ? { adapters } : {}), server_metrics: null, slo }),
    );
    await writeFileAtomic(
      join(tmp, SUMMARY_CSV_FILE),
      summaryToCsv(summary, { run_id: runId, model, url: baseUrl }),
    );
    await writeMeta(tmp, mergedMeta(meta0, check, { runId, from }));
    await writeFileAtomic(join(tmp, VERDICT_FILE), summaryToJson(verdict as never));
    await copyShardFiles(tmp, check.ordered);
    await writeReports(tmp, { warn });
    await Deno.rename(tmp, outDir);
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
  return { dir: outDir, runId, shards: check.count, model, baseUrl, ...outcome };
}

/**
 * Loads every shard's run directory and checks they form one whole plan; throws a UsageError
 * listing every problem, the output directory existing included, before anything is written.
 */
async function loadShardSet(
  dirs: readonly string[],
  options: { out?: string; warn(message: string): void },
): Promise<{
  check: ReturnType<typeof checkShardSet>;
  first: ShardRun;
  loaded: Map<string, Awaited<ReturnType<typeof loadRunInput>>>;
  outDir: string;
}> {
  const problems: string[] = [];
  const inputs: ShardRun[] = [];
  const loaded = new Map<string, Awaited<ReturnType<typeof loadRunInput>>>();
  for (const dir of dirs) {
    try {
      const run = await loadRunInput(dir, { warn: options.warn });
      loaded.set(dir, run);
      inputs.push({ dir, meta: run.meta });
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      problems.push(...e.problems);
    }
  }
  const check = checkShardSet(inputs);
  problems.push(...check.problems);
  const first = check.ordered[0] ?? inputs[0];
  const outDir = resolve(
    options.out ??
      join(dirname(resolve(dirs[0])), `merged-${String(first?.meta.run_id ?? "run")}`),
  );
  if (await pathExists(outDir)) {
    problems.push(
      `--out "${outDir}" already exists: give a new directory (merge never writes over one)`,
    );
  }
  if (problems.length > 0) throw new UsageError(problems);
  return { check, first, loaded, outDir };
}

/** The merged meta.json: shard 0's, with the whole plan's command line, end and shards. */
function mergedMeta(
  meta0: ShardRun["meta"],
  check: ReturnType<typeof checkShardSet>,
  merge: { runId: string; from: unknown[] },
): MetaJson {
  const { shard: _, ...rest } = meta0;
  const ends = check.ordered.map((r) => r.meta.ended_at).filter((e) => typeof e === "string");
  return {
    ...rest,
    run_id: merge.runId,
    command_line: withoutShardFlags(rest.command_line),
    ended_at: ends.length === check.ordered.length ? ends.sort().at(-1) : null,
    interrupted: check.ordered.some((r) => r.meta.interrupted === true),
    shards: check.count,
    merged_from: merge.from,
  } as MetaJson;
}

/** Each shard's own files, kept under hosts/<i>/ (records are merged, reports redrawn). */
async function copyShardFiles(out: string, ordered: readonly ShardRun[]): Promise<void> {
  for (const { dir, meta } of ordered) {
    const hostDir = join(out, HOSTS_DIR, String(meta.shard).split("/")[0]);
    await Deno.mkdir(hostDir, { recursive: true });
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && !NOT_COPIED.has(e.name)) {
        await Deno.copyFile(join(dir, e.name), join(hostDir, e.name));
      }
    }
  }
}

/** A growable bit set of record indexes, so a duplicate is found without keeping records. */
class IndexSet {
  #bits = new Uint8Array(1024);
  /** Adds `i`; false when it was already there. */
  add(i: number): boolean {
    if (i >> 3 >= this.#bits.length) {
      const bigger = new Uint8Array(Math.max(this.#bits.length * 2, (i >> 3) + 1));
      bigger.set(this.#bits);
      this.#bits = bigger;
    }
    const had = (this.#bits[i >> 3] & (1 << (i & 7))) !== 0;
    this.#bits[i >> 3] |= 1 << (i & 7);
    return !had;
  }
}

/**
 * Streams every shard's records, shifted onto the first shard's clock, into `<out>`'s records
 * file (gzip when any shard's was) and into `digest`, one line at a time. Throws a UsageError
 * when two shards share a record index (they are not one plan's shards).
 */
async function streamShards(
  ordered: readonly ShardRun[],
  options: { anchorMs: number; out: string; digest: RunDigest; warn(m: string): void },
): Promise<{ from: Record<string, unknown>[]; maxShiftMs: number }> {
  const files = await Promise.all(ordered.map((r) => findRecordsFile(r.dir)));
  const writer = await openRecordsWriter(options.out, {
    gzip: files.some((f) => f?.endsWith(".gz")),
  });
  const seen = new IndexSet();
  const duplicated: string[] = [];
  const from: Record<string, unknown>[] = [];
  let maxShiftMs = 0;
  try {
    for (const [k, { dir, meta }] of ordered.entries()) {
      const shift = Math.round((Number(meta.time_origin_epoch_ms) - options.anchorMs) * 1000) /
        1000;
      maxShiftMs = Math.max(maxShiftMs, Math.abs(shift));
      if (meta.interrupted === true) options.warn(`"${dir}" (shard ${meta.shard}) was interrupted`);
      const records = await forEachRecord(files[k]!, (r) => {
        if (!seen.add(r.index) && duplicated.length < 5) {
          duplicated.push(`record index ${r.index} is in "${dir}" and an earlier shard`);
        }
        const moved = shiftRecord(r, shift);
        // Read back to 0.001 ms and shifted by a rounded amount: already as the file writes it.
        writer.write(roundedRecordToJsonl(moved));
        options.digest.add(moved);
      });
      const client = meta.client as Record<string, unknown> | undefined;
      from.push({
        dir: resolve(dir),
        shard: meta.shard,
        run_id: meta.run_id ?? null,
        host: client?.hostname ?? null,
        time_origin_epoch_ms: meta.time_origin_epoch_ms,
        shift_ms: shift,
        records,
        interrupted: meta.interrupted === true,
        files: `${HOSTS_DIR}/${String(meta.shard).split("/")[0]}/`,
      });
    }
  } finally {
    await writer.close();
  }
  if (duplicated.length > 0) {
    throw new UsageError([
      ...duplicated,
      "shards of one plan never share a record index: these directories are not one run's shards",
    ]);
  }
  return { from, maxShiftMs };
}

/**
 * A merged run is judged like one run: when a shard was stopped early its part of the load is
 * missing, so the whole is "interrupted" (exit code of that shard's stop), never a pass or a
 * regression.
 */
function mergedVerdict(
  judged: Verdict,
  shards: readonly { meta: Record<string, unknown> }[],
): Verdict {
  const cut = shards.find((s) => s.meta.interrupted === true);
  if (!cut) return judged;
  const reason = typeof cut.meta.interrupt_reason === "string"
    ? cut.meta.interrupt_reason
    : "SIGINT";
  const v = interruptedVerdict(judged, reason);
  return {
    ...v,
    reasons: [`shard ${cut.meta.shard} was interrupted (${reason}): partial results, not judged`],
  };
}
