/**
 * Server variants: for each server configuration in turn, start the server (its own process
 * group, output to `server.log`), wait until it answers, run the scenario against it (one run,
 * or every point of the scenario's sweep), stop it (SIGTERM, SIGKILL after the grace period, to
 * the whole group) and make sure its port is free, then go on to the next. A server that exits
 * early, never becomes ready or dies mid-run is a result, not a crash: its kind and the last
 * lines of its log are recorded and the sweep goes on.
 *
 * Secrets: the server is started with its argv as given, but everything written or printed here
 * (argv, `server_cmd`, the log's header and lines, failure messages, log tails) shows the secret
 * values of the command and the API key as `***` (config/redact.ts). `server.log` holds the
 * server's own output, copied line by line through the same redaction; a secret the server
 * makes up itself cannot be known and is not hidden.
 *
 * Layout of `<out>/<sweep-id>/`: `variants.json` (every variant, its status and failure, each
 * point's summary), `comparison.md`, `comparison.html`, and one directory per variant holding
 * `server.log`, `variant.json` (written atomically when the variant is done: `--resume` skips
 * variants that have it) and one ordinary run directory per point.
 */

import { VARIANT_STATE_FILE, VARIANTS_FILE } from "../results/results_files.ts";
import { TargetGone } from "../client/target_gone.ts";
import { dirname, join } from "node:path";
import type { RunPlan } from "../config/run_plan.ts";
import {
  expandServerArgv,
  type ServerVariant,
  type ServerVariantsPlan,
  variantDirName,
} from "../config/server_variants.ts";
import { UsageError } from "../config/usage_error.ts";
import { redactArgv, redactKnown, redactText, secretsInArgv } from "../config/redact.ts";
import { classifyServerFailure, findOomLine, type ServerPhase } from "../metrics/server_failure.ts";
import type { Summary } from "../metrics/summary.ts";
import { compareVariants, type VariantComparison } from "../metrics/variant_comparison.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import type { ComparisonReportInput } from "../report/variant_comparison_rows.ts";
import { renderComparisonHtml } from "../report/html/variant_comparison_html.ts";
import { renderComparisonMarkdown } from "../report/markdown/variant_comparison_markdown.ts";
import type { SweepValues } from "../report/sweep_row.ts";
import { TargetError } from "../run/resolve_target.ts";
import { runBenchmark, type RunIo } from "../run/run_benchmark.ts";
import { makeRunId } from "../results/run_dir.ts";
import { stopOrphanServers } from "./orphan_servers.ts";
import { sweepValues } from "./run_sweep.ts";
import {
  freeLoopbackPort,
  logTail,
  type ServerExit,
  type ServerProcess,
  startServer,
  waitPortFree,
  waitServerReady,
} from "./server_process.ts";

/** Lines of the server log kept with a failure. */
const LOG_TAIL_LINES = 30;
/** How long a stopped server's port may take to become free, ms. */
const PORT_FREE_LIMIT_MS = 10_000;

/** One scenario point to run against every variant. */
export interface VariantPoint {
  index: number;
  /** Name in the comparison: the point's label or its swept values (`3000`); "" for none. */
  name: string;
  plan: RunPlan;
}

/** A finished point of a variant. */
export interface VariantPointResult {
  index: number;
  name: string;
  values: SweepValues;
  run_id: string;
  interrupted: boolean;
  summary: Summary;
}

/** Why a variant has no complete result (`variants.json` `failure`). */
export interface VariantFailure {
  kind: string;
  phase: ServerPhase;
  message: string;
  exit_code: number | null;
  signal: string | null;
  /** The first out-of-memory line of the log, when there is one. */
  oom_line: string | null;
  log_tail: string[];
}

/** One variant's record (its `variant.json`, and an entry of `variants.json`). */
export interface VariantRecord {
  index: number;
  label: string;
  params: Record<string, string>;
  /** The argv the server was started with, secret values shown as `***` (null until started). */
  argv: string[] | null;
  dir: string;
  port: number | null;
  /** The server's process id, also its process group id (null until started). */
  pid: number | null;
  /** `pending`, `ok`, `failed` or `interrupted`. */
  status: "pending" | "ok" | "failed" | "interrupted";
  failure: VariantFailure | null;
  ready_ms: number | null;
  stop: { forced: boolean; port_free: boolean } | null;
  started_at: string | null;
  ended_at: string | null;
  points: VariantPointResult[];
}

/** What a variants sweep produced. */
export interface VariantsOutcome {
  sweepId: string;
  sweepDir: string;
  records: VariantRecord[];
  comparison: VariantComparison;
  report: ComparisonReportInput;
  interrupted: boolean;
}

/**
 * Runs every variant of `variants` against every point, in order, into `<out>/<sweep-id>/` (or
 * the directory given as `resume`, skipping variants already done there).
 */
export async function runVariants(
  variants: ServerVariantsPlan,
  points: readonly VariantPoint[],
  options: VariantsOptions,
): Promise<VariantsOutcome> {
  const { io } = options;
  if (points.length === 0) throw new Error("runVariants: no points");
  const previous = options.resume ? await readResume(options.resume, variants) : undefined;
  // A server an earlier run left behind may hold the GPU or memory this run's servers need.
  await stopOrphanServers(
    options.resume ? [options.out, dirname(options.resume)] : [options.out],
    { log: io.log },
  );
  const sweepDir = options.resume ??
    join(options.out, `${makeRunId(new Date())}-${options.scenario}`);
  const sweepId = sweepDir.split(/[\\/]/).filter(Boolean).pop()!;
  await Deno.mkdir(sweepDir, { recursive: true });
  const n = variants.variants.length;
  const sweep: VariantsSweep = {
    sweepId,
    sweepDir,
    records: variants.variants.map((v) =>
      previous?.get(v.index) ?? pendingRecord(v, variantDirName(v, n))
    ),
    interrupted: false,
    writeAll: () => writeVariantsFile(variants, points, options.scenario, sweep),
  };
  await sweep.writeAll();
  await runPending(variants, points, options, sweep);
  await sweep.writeAll();
  const { comparison, report } = variantsReport(points, options, sweep);
  await writeFileAtomic(join(sweepDir, "comparison.md"), renderComparisonMarkdown(report));
  await writeFileAtomic(join(sweepDir, "comparison.html"), renderComparisonHtml(report));
  const { records, interrupted } = sweep;
  return { sweepId, sweepDir, records, comparison, report, interrupted };
}

/** Options of {@link runVariants}. */
export interface VariantsOptions {
  io: RunIo;
  scenario: string;
  out: string;
  /** Heading of the point column in the comparison ("input tokens"). */
  pointHeading: string;
  /** The words `{llmload}` expands to (selfCommand()). */
  llmload: string[];
  /** A sweep directory to continue. */
  resume?: string;
}

/** A variants sweep in progress: its directory, every variant's record, and variants.json. */
interface VariantsSweep {
  sweepId: string;
  sweepDir: string;
  records: VariantRecord[];
  interrupted: boolean;
  /** Rewrites variants.json as the records stand. */
  writeAll(): Promise<void>;
}

function writeVariantsFile(
  variants: ServerVariantsPlan,
  points: readonly VariantPoint[],
  scenario: string,
  sweep: VariantsSweep,
): Promise<void> {
  return writeFileAtomic(
    join(sweep.sweepDir, VARIANTS_FILE),
    JSON.stringify(
      {
        sweep_id: sweep.sweepId,
        scenario,
        // Whose servers these are: the next run stops the ones left running (orphan_servers.ts).
        llmload_pid: Deno.pid,
        host: Deno.hostname(),
        server_cmd: redactText(variants.template),
        params: Object.fromEntries(variants.params.map((p) => [p.name, p.values])),
        links: variants.links,
        points: points.map((p) => ({ index: p.index, name: p.name })),
        interrupted: sweep.interrupted,
        variants: sweep.records,
      },
      null,
      2,
    ) + "\n",
  );
}

/**
 * Runs each variant not done yet (`--resume` skips the ones that ended ok or failed), writing
 * its variant.json when it is done; stops at an interrupt.
 */
async function runPending(
  variants: ServerVariantsPlan,
  points: readonly VariantPoint[],
  options: VariantsOptions,
  sweep: VariantsSweep,
): Promise<void> {
  const { io } = options;
  const { records } = sweep;
  const n = variants.variants.length;
  for (const [i, v] of variants.variants.entries()) {
    if (io.interrupt?.aborted) {
      sweep.interrupted = true;
      break;
    }
    if (records[i].status === "ok" || records[i].status === "failed") {
      io.log(
        `variant ${v.index}/${n} (${v.label}): ${records[i].status} earlier, skipped (--resume)`,
      );
      continue;
    }
    records[i] = await runVariant(v, points, {
      ...options,
      sweepId: sweep.sweepId,
      dir: join(sweep.sweepDir, records[i].dir),
      dirName: records[i].dir,
      plan: variants,
      count: n,
      onUpdate: async (r) => {
        records[i] = r;
        await sweep.writeAll();
      },
    });
    if (records[i].status !== "interrupted") {
      await writeFileAtomic(
        join(sweep.sweepDir, records[i].dir, VARIANT_STATE_FILE),
        JSON.stringify(records[i], null, 2) + "\n",
      );
    } else sweep.interrupted = true;
    await sweep.writeAll();
    if (sweep.interrupted) break;
  }
}

/** The comparison of every variant at every point, and the report drawn from it. */
function variantsReport(
  points: readonly VariantPoint[],
  options: VariantsOptions,
  sweep: VariantsSweep,
): { comparison: VariantComparison; report: ComparisonReportInput } {
  const { records } = sweep;
  const comparison = compareVariants(
    records.map((r) => ({
      label: r.label,
      status: r.status === "failed" ? r.failure!.kind : r.status,
      points: new Map(r.points.map((p) => [p.name, p.summary])),
    })),
    { points: points.map((p) => p.name) },
  );
  const report: ComparisonReportInput = {
    title: `llmload ${options.scenario} · server variants · ${sweep.sweepId}`,
    pointHeading: options.pointHeading,
    comparison,
    variants: records.map((r) => ({
      index: r.index,
      label: r.label,
      status: r.status === "failed" ? `failed (${r.failure!.kind})` : r.status,
      argv: r.argv ?? [],
      failure: r.failure
        ? { kind: r.failure.kind, message: r.failure.message, logTail: r.failure.log_tail }
        : null,
    })),
  };
  return { comparison, report };
}

function pendingRecord(v: ServerVariant, dir: string): VariantRecord {
  return {
    index: v.index,
    label: v.label,
    params: v.params,
    argv: null,
    dir,
    port: null,
    pid: null,
    status: "pending",
    failure: null,
    ready_ms: null,
    stop: null,
    started_at: null,
    ended_at: null,
    points: [],
  };
}

/**
 * The variants already done in a sweep directory, by index; a UsageError when the directory is
 * not a variants sweep or was made with another server command or parameters.
 */
async function readResume(
  dir: string,
  plan: ServerVariantsPlan,
): Promise<Map<number, VariantRecord>> {
  let saved: { server_cmd?: string; variants?: { index: number; label: string; dir: string }[] };
  try {
    saved = JSON.parse(await Deno.readTextFile(join(dir, VARIANTS_FILE)));
  } catch (e) {
    throw new UsageError(
      `--resume ${dir}: no readable ${VARIANTS_FILE} there (${
        (e as Error).message
      }); give the directory of a server-variants sweep`,
    );
  }
  const labels = plan.variants.map((v) => v.label).join(" | ");
  const savedLabels = (saved.variants ?? []).map((v) => v.label).join(" | ");
  // variants.json keeps the command redacted: compare it as written.
  const template = redactText(plan.template);
  if (saved.server_cmd !== template || labels !== savedLabels) {
    throw new UsageError(
      `--resume ${dir}: that sweep ran --server-cmd "${saved.server_cmd}" over [${savedLabels}], ` +
        `not "${template}" over [${labels}]; give the same --server-cmd and --server-param flags`,
    );
  }
  const done = new Map<number, VariantRecord>();
  for (const v of saved.variants ?? []) {
    try {
      const r = JSON.parse(
        await Deno.readTextFile(join(dir, v.dir, VARIANT_STATE_FILE)),
      ) as VariantRecord;
      if (r.status === "ok" || r.status === "failed") done.set(r.index, r);
    } catch {
      // not finished: it runs again
    }
  }
  return done;
}

/** What one variant's steps share. */
interface VariantCtx {
  io: RunIo;
  out: string;
  llmload: string[];
  sweepId: string;
  dir: string;
  dirName: string;
  plan: ServerVariantsPlan;
  count: number;
  /** Told when the server has started and after each point, to rewrite variants.json. */
  onUpdate(record: VariantRecord): Promise<void>;
}

/** A variant's server, started, with its record and how to report its failure. */
interface LiveVariant {
  v: ServerVariant;
  record: VariantRecord;
  server: ServerProcess;
  port: number;
  argv: string[];
  baseUrl: string;
  apiKey?: string;
  /** `variant i/n (label): text` */
  say(text: string): void;
  /** Marks the variant failed in `phase`, with the log's tail and what it says. */
  fail(phase: ServerPhase, reason: string): Promise<void>;
}

/** Starts, measures and stops one variant; never throws for a server's failure. */
async function runVariant(
  v: ServerVariant,
  points: readonly VariantPoint[],
  ctx: VariantCtx,
): Promise<VariantRecord> {
  await Deno.mkdir(ctx.dir, { recursive: true });
  const live = await launchVariant(v, points, ctx);
  // Aborts the run in progress when the server dies, so it does not keep failing requests.
  const died = new AbortController();
  live.server.exited.then(() => died.abort(new TargetGone("the server process exited")));
  try {
    if (await becameReady(live, ctx)) await measurePoints(live, points, ctx, died.signal);
    return live.record;
  } finally {
    await stopVariant(live, ctx);
  }
}

/** Starts the variant's server on a free port, logging to server.log through the redaction. */
async function launchVariant(
  v: ServerVariant,
  points: readonly VariantPoint[],
  ctx: VariantCtx,
): Promise<LiveVariant> {
  const port = freeLoopbackPort();
  const model = points[0].plan.target.model;
  const argv = expandServerArgv(ctx.plan.argv, {
    ...v.params,
    port: String(port),
    host: "127.0.0.1",
    ...(model !== undefined ? { model } : {}),
    llmload: ctx.llmload,
  });
  const logPath = join(ctx.dir, "server.log");
  // What we gave the server that it may echo: the secrets of its argv and the API key.
  const apiKey = points[0].plan.target.apiKey;
  const secrets = [...secretsInArgv(argv), ...(apiKey ? [apiKey] : [])];
  const scrub = (text: string) =>
    text.split("\n").map((line) => redactKnown(line, secrets)).join("\n");
  const shownArgv = redactArgv(argv);
  const record: VariantRecord = {
    ...pendingRecord(v, ctx.dirName),
    argv: shownArgv,
    port,
    started_at: new Date().toISOString(),
  };
  const say = (text: string) => ctx.io.log(`variant ${v.index}/${ctx.count} (${v.label}): ${text}`);
  say(`starting ${shownArgv.join(" ")}`);
  const server = await startServer(argv, { logPath, redact: scrub });
  record.pid = server.pid < 0 ? null : server.pid;
  // On disk before anything can hang: a run killed now still names the server it leaves.
  await ctx.onUpdate(record);
  const fail = async (phase: ServerPhase, reason: string): Promise<void> => {
    const message = scrub(reason);
    // The log is complete once the process has ended; a live one is read as it stands.
    const exit = server.exit();
    // server.log is already scrubbed; again here for a log written before it was (--resume).
    const tail = (await logTail(logPath, LOG_TAIL_LINES)).map(scrub);
    const kind = classifyServerFailure(phase, { exited: exit !== undefined, logTail: tail });
    record.status = "failed";
    record.failure = {
      kind,
      phase,
      message,
      exit_code: exit?.code ?? null,
      signal: exit?.signal ?? null,
      oom_line: findOomLine(tail) ?? null,
      log_tail: tail,
    };
    say(`failed (${kind}): ${message}`);
  };
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  return { v, record, server, port, argv, baseUrl, apiKey, say, fail };
}

/** How a server's exit reads in a failure message. */
function exitText(e: ServerExit): string {
  return `the server exited (code ${e.code}${e.signal ? `, signal ${e.signal}` : ""})`;
}

/**
 * Waits until the server answers; false (the record says why: failed or interrupted) when it
 * exited, timed out or the sweep was interrupted first.
 */
async function becameReady(live: LiveVariant, ctx: VariantCtx): Promise<boolean> {
  const { io } = ctx;
  const ready = await waitServerReady(live.baseUrl, live.server, {
    timeoutMs: ctx.plan.readyTimeoutMs,
    signal: io.interrupt,
    apiKey: live.apiKey,
  });
  if (ready.ready) {
    live.record.ready_ms = Math.round(ready.waitedMs);
    live.say(`ready after ${live.record.ready_ms} ms`);
    return true;
  }
  if (!ready.exited && io.interrupt?.aborted) {
    live.record.status = "interrupted";
  } else if (ready.exited) {
    await live.server.exited;
    await live.fail(
      "starting",
      `${exitText(live.server.exit()!)} before it answered /health or /v1/models`,
    );
  } else {
    await live.fail(
      "starting",
      `not ready after ${ctx.plan.readyTimeoutMs} ms (--ready-timeout); last: ${ready.lastError}`,
    );
  }
  return false;
}

/**
 * Runs every point against the ready server, recording each; sets the record's status: ok,
 * failed (the server died or refused a run) or interrupted.
 */
async function measurePoints(
  live: LiveVariant,
  points: readonly VariantPoint[],
  ctx: VariantCtx,
  died: AbortSignal,
): Promise<void> {
  const { io } = ctx;
  const { record, server } = live;
  const interrupt = io.interrupt ? AbortSignal.any([io.interrupt, died]) : died;
  const cancel = io.cancel ? AbortSignal.any([io.cancel, died]) : interrupt;
  for (const p of points) {
    if (server.exit()) break;
    const plan = variantPointPlan(live, p, ctx);
    if (points.length > 1 && !io.quiet) io.log(`  point ${p.index}/${points.length} ${p.name}`);
    let outcome;
    try {
      outcome = await runBenchmark(plan, {
        ...io,
        interrupt,
        cancel,
        stopReason: () =>
          died.aborted && !io.interrupt?.aborted ? "server exited" : io.stopReason?.(),
      });
    } catch (e) {
      if (!(e instanceof TargetError)) throw e;
      // Answered /health, then refused the run: it died, or it is not an OpenAI server.
      // A dying server's exit may trail its refusal a little: let the log say why.
      await Promise.race([server.exited, new Promise((r) => setTimeout(r, 2_000))]);
      await live.fail("running", e.message);
      return;
    }
    record.points.push({
      index: p.index,
      name: p.name,
      values: sweepValues(plan),
      run_id: outcome.runId,
      interrupted: outcome.interrupted,
      summary: outcome.summary,
    });
    await ctx.onUpdate(record);
    if (died.aborted) break;
    if (io.interrupt?.aborted) {
      record.status = "interrupted";
      return;
    }
  }
  if (server.exit()) {
    await live.fail(
      "running",
      `${exitText(server.exit()!)} during the run ` +
        `(${record.points.length} of ${points.length} points recorded)`,
    );
    return;
  }
  record.status = "ok";
}

/** A point's plan aimed at the variant's server, its runs filed under the variant. */
function variantPointPlan(live: LiveVariant, p: VariantPoint, ctx: VariantCtx): RunPlan {
  const { v } = live;
  return {
    ...p.plan,
    target: { ...p.plan.target, url: live.baseUrl, sim: false, simOptions: undefined },
    out: ctx.dir,
    history: {
      root: ctx.out,
      parent: {
        kind: "sweep",
        id: ctx.sweepId,
        index: p.index,
        label: [v.label, p.name].filter(Boolean).join(" · "),
      },
    },
    serverVariant: {
      sweepId: ctx.sweepId,
      index: v.index,
      label: v.label,
      params: v.params,
      argv: live.argv,
      template: ctx.plan.template,
      port: live.port,
    },
  };
}

/** Stops the server (SIGKILL after the grace period) and checks that its port is free. */
async function stopVariant(live: LiveVariant, ctx: VariantCtx): Promise<void> {
  const stop = await live.server.stop(ctx.plan.stopGraceMs);
  const portFree = await waitPortFree(live.port, PORT_FREE_LIMIT_MS);
  live.record.stop = { forced: stop.forced, port_free: portFree };
  live.record.ended_at = new Date().toISOString();
  if (!portFree) ctx.io.log(`warning: port ${live.port} still in use after the server stopped`);
  live.say(
    "server stopped" + (stop.forced ? ` (SIGKILL after ${ctx.plan.stopGraceMs} ms)` : ""),
  );
}
