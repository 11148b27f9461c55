/**
 * The SLO search driver (`llmload search`): asks the strategy (lib/metrics/slo_search.ts) for
 * the next load, runs it with runBenchmark into `<out>/<search-id>/<run-id>/` (like a sweep's
 * points), judges it (lib/metrics/search_point.ts), and rewrites search.json and search.csv
 * after every point so an interrupted search keeps what finished. At the end: the answer in
 * search.json, then report.md and report.html. With `--target sim` one simulator serves every
 * point.
 */

import { join } from "node:path";
import type { RunPlan } from "../config/run_plan.ts";
import { UsageError } from "../config/usage_error.ts";
import {
  nextSearchStep,
  type SearchBounds,
  type SearchObservation,
  type SearchPhase,
} from "../metrics/slo_search.ts";
import { judgeSearchPoint, type SearchCriteria } from "../metrics/search_point.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { axisUnit, type SearchDoc, searchMeasured } from "../report/search_doc.ts";
import { searchToCsv, searchToJson } from "../report/files/search_json.ts";
import { renderSearchMarkdown } from "../report/markdown/search_markdown.ts";
import { startSharedSim } from "./shared_sim.ts";
import type { SimTarget } from "../run/sim_target.ts";
import { runBenchmark, type RunIo } from "../run/run_benchmark.ts";
import { makeRunId } from "../results/run_dir.ts";
import { redactUrl } from "../config/redact.ts";

/** search.json's name. */
export const SEARCH_FILE = "search.json";

/** What a finished (or interrupted) search produced. */
export interface SearchOutcome {
  searchDir: string;
  doc: SearchDoc;
  interrupted: boolean;
}

/** The plan of one point: `plan` with the axis set to `value`. */
export function planAt(plan: RunPlan, axis: SearchBounds["axis"], value: number): RunPlan {
  if (axis === "concurrency") {
    if (plan.load.mode !== "closed") throw new Error("planAt: concurrency needs a closed loop");
    return { ...plan, load: { ...plan.load, concurrency: value } };
  }
  if (plan.load.mode !== "open") throw new Error("planAt: rate needs an open loop");
  return { ...plan, load: { ...plan.load, rate: value } };
}

/**
 * Runs the search. `plan` is the run plan every point shares (its load is replaced by the
 * point's value); `precision` is the `--precision` text recorded in search.json.
 */
export async function runSearch(
  plan: RunPlan,
  io: RunIo,
  options: SearchOptions,
): Promise<SearchOutcome> {
  const { bounds } = options;
  if (plan.lora?.mode === "compare") {
    throw new UsageError(
      "--lora-mode compare makes three runs of one plan and cannot be searched; use --lora-mode multi (or baseline)",
    );
  }
  const searchId = `${makeRunId(new Date())}-search`;
  const searchDir = join(plan.out, searchId);
  const sim = await startSharedSim(plan, io.log);
  const doc = searchDoc(plan, options, { searchId, baseUrl: sim?.baseUrl });
  const write = async () => {
    await writeFileAtomic(join(searchDir, SEARCH_FILE), searchToJson(doc));
    await writeFileAtomic(join(searchDir, "search.csv"), searchToCsv(doc));
  };
  const observations: SearchObservation[] = [];
  try {
    for (;;) {
      const step = nextSearchStep(bounds, observations);
      if (step.kind === "done") {
        doc.answer = step.answer;
        break;
      }
      if (io.interrupt?.aborted) {
        doc.interrupted = true;
        break;
      }
      const pass = await measurePoint(plan, io, options, { doc, searchDir, sim, step });
      if (pass === undefined) {
        // A cut-short point proves nothing either way: it stays out of the answer.
        doc.interrupted = true;
        await write();
        break;
      }
      observations.push({ value: step.value, pass });
      await write();
    }
    if (doc.interrupted) {
      // The best answer so far: the strategy's, as if the run budget were spent now.
      const last = nextSearchStep({ ...bounds, maxPoints: observations.length }, observations);
      doc.answer = last.kind === "done"
        ? { ...last.answer, reason: "interrupted" }
        : { value: null, runs: 0, confirmed: false, firstFail: null, reason: "interrupted" };
    }
    if (doc.points.length > 0) {
      await write();
      await writeSearchReports(searchDir, doc, io.log);
    }
    return { searchDir, doc, interrupted: doc.interrupted };
  } finally {
    await sim?.close();
  }
}

/** Options of {@link runSearch}. */
export interface SearchOptions {
  bounds: SearchBounds;
  criteria: SearchCriteria;
  /** The `--precision` text recorded in search.json. */
  precision: string;
}

/** search.json before its first point: the search's settings, no points, no answer. */
function searchDoc(
  plan: RunPlan,
  options: SearchOptions,
  found: { searchId: string; baseUrl?: string },
): SearchDoc {
  const { bounds, criteria } = options;
  return {
    search_id: found.searchId,
    axis: bounds.axis,
    unit: axisUnit(bounds.axis),
    slo: criteria.slo.map((g) => g.expression),
    criteria: {
      attainment_pct: criteria.attainmentPct,
      max_error_rate_pct: criteria.maxErrorRatePct,
      fail_on: criteria.failOn.map((g) => g.expression),
    },
    bounds: {
      min: bounds.min,
      max: bounds.max,
      start: bounds.start,
      precision: options.precision,
      max_points: bounds.maxPoints,
    },
    per_point: {
      duration_ms: plan.stop.durationMs ?? null,
      requests: plan.stop.requests ?? null,
      warmup_ms: plan.warmup?.durationMs ?? null,
      warmup_requests: plan.warmup?.requests ?? null,
    },
    model: plan.target.model ?? "",
    base_url: found.baseUrl ?? redactUrl(plan.target.url),
    interrupted: false,
    points: [],
    answer: null,
  };
}

/**
 * Runs one search point and adds it to `doc`; resolves whether it met the criteria, or
 * undefined when it was interrupted.
 */
async function measurePoint(
  plan: RunPlan,
  io: RunIo,
  options: SearchOptions,
  at: {
    doc: SearchDoc;
    searchDir: string;
    sim?: SimTarget;
    step: { value: number; phase: SearchPhase };
  },
): Promise<boolean | undefined> {
  const { bounds, criteria } = options;
  const { doc, step } = at;
  const index = doc.points.length + 1;
  if (!io.quiet) {
    io.log(
      `search point ${index}/${bounds.maxPoints}: ${bounds.axis} ${step.value} (${step.phase})`,
    );
  }
  const outcome = await runBenchmark(
    {
      ...planAt(plan, bounds.axis, step.value),
      out: at.searchDir,
      history: {
        root: plan.out,
        parent: {
          kind: "search",
          id: doc.search_id,
          index,
          label: `${bounds.axis}=${step.value}`,
        },
      },
    },
    io,
    { sim: at.sim },
  );
  doc.model = outcome.model;
  doc.base_url = outcome.baseUrl;
  const slo = outcome.verdict.slo;
  const judged = judgeSearchPoint(outcome.summary, { criteria, slo });
  doc.points.push({
    point: index,
    value: step.value,
    phase: step.phase,
    run_id: outcome.runId,
    pass: judged.pass && !outcome.interrupted,
    objectives: judged.objectives,
    measured: searchMeasured(outcome.summary, slo),
    interrupted: outcome.interrupted,
  });
  if (outcome.interrupted) return undefined;
  if (!io.quiet) {
    const missed = judged.objectives.filter((o) => !o.met).map((o) => o.objective);
    io.log(`  ${judged.pass ? "pass" : `FAIL (${missed.join(", ")})`}`);
  }
  return judged.pass;
}

/**
 * Writes report.md and report.html of a search directory from its search.json document. A
 * report that cannot be rendered is logged, never a failed search (search.json is complete).
 */
export async function writeSearchReports(
  searchDir: string,
  doc: SearchDoc,
  log: (line: string) => void,
): Promise<string[]> {
  const files = [join(searchDir, "report.md"), join(searchDir, "report.html")];
  try {
    await writeFileAtomic(files[0], renderSearchMarkdown(doc));
    // Loaded on first use: the chart library adds ~170 ms to every CLI start.
    const { renderSearchHtml } = await import("../report/html/search_html.ts");
    await writeFileAtomic(files[1], renderSearchHtml(doc));
  } catch (e) {
    log(`warning: reports not written in ${searchDir}: ${(e as Error).message}`);
  }
  return files;
}

/**
 * `llmload report DIR` on a search directory: re-renders its reports from search.json alone;
 * undefined when DIR holds no search.json (not a search).
 */
export async function rewriteSearchReports(
  dir: string,
  log: (line: string) => void,
): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, SEARCH_FILE));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  let doc: SearchDoc | undefined;
  try {
    const v = JSON.parse(text);
    if (v && typeof v === "object" && Array.isArray(v.points) && v.axis) doc = v;
  } catch { /* reported below */ }
  if (!doc) {
    throw new UsageError(
      `Cannot read "${join(dir, SEARCH_FILE)}": not a search document; the file is damaged`,
    );
  }
  return await writeSearchReports(dir, doc, log);
}
