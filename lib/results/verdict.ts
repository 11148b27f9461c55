/**
 * The end of a run's verdict: SLO attainment for summary.json, then the gates, the baseline
 * comparison, `verdict.json` and `--junit FILE`. The maths is in lib/metrics (gates.ts, slo.ts,
 * runs_comparison.ts); this reads the stored runs and writes the files.
 *
 * `--baseline latest`: the newest run directory directly under the results root (`--out`) with
 * the same recipe and target as this run: the same repeat key as `llmload compare` uses
 * (report/compared_runs.ts), computed from a command line without the verdict flags, and the
 * same model and URL (any `--target sim` counts as one target, its port changes every run).
 * The other matching runs in the baseline's directory are its repeats: they give the noise band.
 */

import { basename, dirname, join, resolve } from "node:path";
import type { RunPlan } from "../config/run_plan.ts";
import { DEFAULT_GATES, type GatesPlan } from "../config/gates_plan.ts";
import { UsageError } from "../config/usage_error.ts";
import type { RunDigest } from "../metrics/run_digest.ts";
import type { Summary } from "../metrics/summary.ts";
import { type GateExpression, parseGateList } from "../metrics/gate_expression.ts";
import type { SloSummary } from "../metrics/slo.ts";
import {
  baselineChecks,
  decideVerdict,
  DEFAULT_ERROR_GATE,
  evaluateGates,
  type GateResult,
  interruptedVerdict,
  type Verdict,
} from "../metrics/gates.ts";
import { compareRuns, type RunToCompare } from "../metrics/runs_comparison.ts";
import { repeatKey } from "../report/compared_runs.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { summaryToJson } from "../report/files/summary_json.ts";
import { verdictToJunit } from "../report/files/junit_xml.ts";
import { pathExists } from "../fs/path_exists.ts";
import { META_FILE, SUMMARY_FILE, SWEEP_JSON_FILE, VERDICT_FILE } from "./results_files.ts";
import { readJson } from "../fs/json_file.ts";

/** The verdict file of a run directory (results_files.ts). */
export { VERDICT_FILE };
/** At most this many stored repeats feed the noise band. */
const MAX_REPEATS = 10;
/** Flags that decide the verdict, not the load: left out when matching a baseline's recipe. */
const VERDICT_FLAGS = new Set([
  "--slo",
  "--fail-on",
  "--baseline",
  "--baseline-tolerance",
  "--junit",
]);

function parsedGates(
  gates: GatesPlan | undefined,
): { slo: GateExpression[]; failOn: GateExpression[] } {
  const g = gates ?? DEFAULT_GATES;
  const ignored: string[] = []; // checked when the flags were parsed
  return {
    slo: g.slo.flatMap((s) => parseGateList(s, "--slo", ignored)),
    failOn: g.failOn.flatMap((s) => parseGateList(s, "--fail-on", ignored)),
  };
}

/** The `--slo` objectives the verdict settings name (empty without `--slo`). */
export function sloObjectives(gates: GatesPlan | undefined): GateExpression[] {
  return parsedGates(gates).slo;
}

/**
 * summary.json's `slo`: attainment and goodput under `--slo`, from a digest that judged each
 * record against {@link sloObjectives} as it arrived; null without `--slo`.
 */
export function sloFromDigest(digest: RunDigest, summary: Summary): SloSummary | null {
  return digest.slo?.result({ windowS: summary.throughput.window_s }) ?? null;
}

/** The gates (default error gate, `--fail-on`, `--slo`) evaluated on `summary`; no baseline. */
export function gateResults(
  gates: GatesPlan | undefined,
  run: { summary: Summary; slo: SloSummary | null },
): GateResult[] {
  const g = gates ?? DEFAULT_GATES;
  const parsed = parsedGates(gates);
  const overridden = parsed.failOn.some((e) => e.metric === "error_rate_pct");
  const ignored: string[] = [];
  const defaultErrorGate = g.defaultGates && !overridden
    ? parseGateList(DEFAULT_ERROR_GATE, "--fail-on", ignored)[0]
    : null;
  return evaluateGates(run.summary, {
    failOn: parsed.failOn,
    slo: parsed.slo,
    sloSummary: run.slo,
    defaultErrorGate,
  });
}

/**
 * Checks `--baseline DIR` before anything starts: a directory that is not a run is a usage
 * error (naming the flag), not a failed verdict after the load.
 */
export async function checkBaselineFlag(plan: RunPlan): Promise<void> {
  const b = plan.gates?.baseline;
  if (b === undefined || b === "latest") return;
  if (!await isRunDir(b) && !await pathExists(join(b, SWEEP_JSON_FILE))) {
    throw new UsageError(
      `--baseline "${b}" is neither a run directory (meta.json and summary.json) nor a sweep directory (sweep.json); give one of those or "latest"`,
    );
  }
}

/**
 * Run directories under a results root: its runs, and the runs one level down in sweep
 * directories (a sweep point's baseline is last night's same point).
 */
async function runsUnder(root: string): Promise<{ dir: string; name: string }[]> {
  const found: { dir: string; name: string }[] = [];
  const dirs = async (dir: string) => {
    const out: string[] = [];
    try {
      for await (const e of Deno.readDir(dir)) if (e.isDirectory) out.push(e.name);
    } catch {
      // no results root yet: nothing to compare with
    }
    return out;
  };
  for (const name of await dirs(root)) {
    const dir = resolve(join(root, name));
    if (await pathExists(join(dir, META_FILE))) {
      found.push({ dir, name });
      continue;
    }
    if (!await pathExists(join(dir, SWEEP_JSON_FILE))) continue; // another results root, a compare
    for (const sub of await dirs(dir)) {
      const subDir = join(dir, sub);
      if (await pathExists(join(subDir, META_FILE))) found.push({ dir: subDir, name: sub });
    }
  }
  return found;
}

/**
 * Decides the run's verdict and writes `verdict.json` (and the JUnit file); call after
 * summary.json and meta.json are written. A run stopped early (`interrupted`: its stop reason)
 * is "interrupted" with its exit code: gates evaluated for information, no baseline compared.
 */
export async function writeVerdict(
  runDir: string,
  options: {
    plan: RunPlan;
    summary: Summary;
    slo: SloSummary | null;
    log: (line: string) => void;
    /** The stop reason (SIGINT, SIGTERM, max-runtime) of a run stopped early. */
    interrupted?: string;
  },
): Promise<Verdict> {
  const { plan, summary, slo } = options;
  const g = plan.gates ?? DEFAULT_GATES;
  const gates = gateResults(plan.gates, { summary, slo });
  let baseline: Parameters<typeof decideVerdict>[1]["baseline"];
  if (g.baseline !== undefined && options.interrupted === undefined) {
    const found = await findBaseline(runDir, { plan, which: g.baseline });
    if (!found) options.log(`baseline: no earlier run of this recipe and target in ${plan.out}`);
    else {
      const current: RunToCompare = { name: basename(runDir), summary };
      const comparison = compareRuns([...found.runs, current]);
      baseline = {
        runDir: found.runs[0].name,
        repeats: found.runs.length - 1,
        checks: baselineChecks(comparison, { tolerancePct: g.tolerancePct }),
      };
    }
  }
  const judged = decideVerdict(gates, { slo, baseline });
  const verdict = options.interrupted === undefined
    ? judged
    : interruptedVerdict(judged, options.interrupted);
  await writeFileAtomic(join(runDir, VERDICT_FILE), summaryToJson(verdict as never));
  if (g.junit) {
    await writeFileAtomic(g.junit, verdictToJunit(verdict, { runId: basename(runDir) }));
  }
  return verdict;
}

async function isRunDir(dir: string): Promise<boolean> {
  for (const f of [META_FILE, SUMMARY_FILE]) {
    try {
      if (!(await Deno.stat(join(dir, f))).isFile) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The key two runs must share to compare as baseline and repeat: compare's repeat key over the
 * command line without verdict flags, plus the target (model, and URL unless simulated).
 */
export function recipeKey(meta: Record<string, unknown>): string | undefined {
  const argv = Array.isArray(meta.command_line) ? meta.command_line.map(String) : undefined;
  const kept: string[] = [];
  for (let i = 0; argv && i < argv.length; i++) {
    const flag = argv[i].split("=")[0];
    // `--sim-*` flags configure the simulated server, not the recipe: a slower simulator
    // against last night's run is the regression `latest` exists to find.
    if (VERDICT_FLAGS.has(flag) || flag.startsWith("--sim-")) {
      if (!argv[i].includes("=")) i++;
    } else if (argv[i] !== "--no-default-gates") kept.push(argv[i]);
  }
  const key = repeatKey(argv ? { ...meta, command_line: kept } : meta);
  if (key === undefined) return undefined;
  const t = (meta.target ?? {}) as Record<string, unknown>;
  return `${key} target:${t.sim ? "sim" : String(t.url)} model:${String(t.model)}`;
}

/**
 * The baseline (first) and its stored repeats, as compareRuns takes them; undefined when
 * `latest` finds no matching run.
 */
async function findBaseline(
  runDir: string,
  options: { plan: RunPlan; which: string },
): Promise<{ runs: RunToCompare[] } | undefined> {
  const self = resolve(runDir);
  let root: string;
  let key: string | undefined;
  let first: string | undefined;
  const own = await readJson(join(runDir, META_FILE));
  if (options.which === "latest") {
    // A sweep point's `out` is its sweep directory; history.root is the results root.
    root = options.plan.history?.root ?? options.plan.out;
    key = own && recipeKey(own);
  } else if (await pathExists(join(options.which, SWEEP_JSON_FILE))) {
    // A stored sweep: this point's baseline is the point of that sweep with the same recipe.
    root = options.which;
    key = own && recipeKey(own);
  } else {
    first = resolve(options.which);
    root = dirname(first);
    const meta = await readJson(join(first, META_FILE));
    key = meta && recipeKey(meta);
  }
  const candidates = await runsUnder(root);
  // Run ids start with the UTC time: newest first by name.
  candidates.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  const runs: RunToCompare[] = [];
  const load = async (dir: string): Promise<RunToCompare | undefined> => {
    const meta = await readJson(join(dir, META_FILE));
    const summary = await readJson(join(dir, SUMMARY_FILE));
    if (!meta || !summary || key === undefined || recipeKey(meta) !== key) return undefined;
    // Partial results are no yardstick for `latest` or the noise band.
    if (meta.interrupted === true) return undefined;
    return { name: dir, summary: summary as unknown as Summary, repeatKey: "baseline" };
  };
  if (first) {
    const meta = await readJson(join(first, META_FILE));
    const summary = await readJson(join(first, SUMMARY_FILE));
    if (!meta || !summary) return undefined;
    runs.push({ name: first, summary: summary as unknown as Summary, repeatKey: "baseline" });
  }
  for (const c of candidates) {
    if (runs.length > MAX_REPEATS || c.dir === self || c.dir === first) continue;
    const run = await load(c.dir);
    if (run) runs.push(run);
  }
  return runs.length > 0 ? { runs } : undefined;
}
