import { UsageError } from "../config/usage_error.ts";
import { closestFlag } from "./flag_suggestion.ts";
import { renderSummaryTable } from "../report/terminal_table.ts";
import { TargetError } from "../run/resolve_target.ts";
import { runBenchmark, type RunOutcome } from "../run/run_benchmark.ts";
import { startSim } from "../sim/mod.ts";
import { loadLocalTokenizer } from "../workload/local_tokenizer.ts";
import { VERSION } from "../version.ts";
import {
  AGENT_HELP,
  CALIBRATE_HELP,
  DEMO_HELP,
  MAIN_HELP,
  RUN_HELP,
  RUN_HELP_BRIEF,
  SIM_HELP,
  SYSINFO_HELP,
  VARIANTS_HELP,
} from "./help.ts";
import { parseRunArgs } from "./run_args.ts";
import { parseSimArgs } from "./sim_args.ts";
import { demoPlans } from "./demo.ts";
import type { RunPlan } from "../config/run_plan.ts";
import { expandSweep, type Scenario } from "../config/scenario.ts";
import { renderSweepTable } from "../report/sweep_table.ts";
import { runSweep } from "../run/run_sweep.ts";
import { BUILTIN_SCENARIOS } from "../../scenarios/mod.ts";
import { loadScenario } from "./load_scenario.ts";
import { scenarioPlans, type ScenarioRun } from "./scenario_plans.ts";
import { configPlan, hasConfigFlag } from "./config_plans.ts";
import { allWorkloadsRun } from "./config_all_workloads.ts";
import { renderServerMetricsLine } from "../report/server_metrics_line.ts";
import { renderClientHealthLine } from "../report/client_health_report.ts";
import { HookError } from "../run/scenario_hooks.ts";
import { runWithHooks } from "../run/run_with_hooks.ts";
import { compareAndReport } from "./lora_command.ts";
import { renderAdapterTable } from "../report/adapter_stats_table.ts";
import { compareCommand, reportCommand } from "./report_commands.ts";
import { killTrackedChildren } from "../telemetry/child_processes.ts";
import { sysinfoCommand } from "./sysinfo_command.ts";
import { historyCommand } from "./history_command.ts";
import { renderSloLine, renderVerdictLines } from "../report/verdict_lines.ts";
import { releaseHeldLocks, RunLockBusy } from "../run/run_lock.ts";
import { guardRun } from "./run_guard.ts";
import { agentCommand } from "./agent_command.ts";
import { mergeCommand } from "./merge_command.ts";
import { searchCommand } from "./search_command.ts";
import { parseArgs } from "node:util";
import { RUN_OPTIONS } from "./run_args.ts";
import { variantsRequest } from "./variant_args.ts";
import { variantsAndReport } from "./variants_command.ts";
import { variantsCommand } from "./variants_cleanup_command.ts";
import { calibrateCommand } from "./calibrate_command.ts";

/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  gate: 3,
  unreachable: 4,
  interrupted: 130,
  terminated: 143,
} as const;

const encoder = new TextEncoder();

/**
 * A writer to `stream` that goes quiet once its reader has gone (`llmload run … | head -2`): a
 * closed pipe must neither crash a run nor change its exit code, and the results directory still
 * holds everything. Other write errors are thrown as before.
 */
export function quietOnClosedPipe(stream: { writeSync(p: Uint8Array): number }) {
  let closed = false;
  return (text: string): void => {
    if (closed) return;
    const bytes = encoder.encode(text);
    try {
      for (let o = 0; o < bytes.length;) o += stream.writeSync(bytes.subarray(o));
    } catch (e) {
      if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
      closed = true;
    }
  };
}

const out = quietOnClosedPipe(Deno.stdout);
const err = quietOnClosedPipe(Deno.stderr);

/** Commands with a help page of their own (`llmload help CMD`). */
const HELPED_COMMANDS = [
  "run",
  "search",
  "report",
  "compare",
  "merge",
  "history",
  "sim",
  "demo",
  "sysinfo",
  "agent",
  "calibrate",
  "variants",
];
const COMMANDS = [...HELPED_COMMANDS, "scenarios", "version", "help"];

/** The usage error for an unknown command, with the closest one when it looks like a typo. */
function unknownCommand(command: string): string {
  const near = closestFlag(command, COMMANDS);
  return `Unknown command "${command}"${near ? ` (did you mean ${near}?)` : ""}. ` +
    `Commands: ${COMMANDS.join(", ")}.`;
}

/** The CLI: argv in, exit code out. The only place (with run/) that touches signals and stdio. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case "help":
        // `llmload help run` is `llmload run --help`; `llmload help run --all` every option.
        if (rest[0] !== undefined && HELPED_COMMANDS.includes(rest[0])) {
          return await main([rest[0], "--help", ...(rest.includes("--all") ? ["--all"] : [])]);
        }
        if (rest[0] !== undefined) throw new UsageError(unknownCommand(rest[0]));
        out(MAIN_HELP);
        return EXIT.ok;
      case undefined:
      case "--help":
      case "-h":
        out(MAIN_HELP);
        return EXIT.ok;
      case "version":
      case "--version":
      case "-V":
        out(`llmload ${VERSION}\n`);
        return EXIT.ok;
      case "run":
        return await runCommand(rest);
      case "search":
        return await searchCommand(rest, { out, err, exit: EXIT, exitNow });
      case "scenarios":
        out(listScenarios());
        return EXIT.ok;
      case "demo":
        return await demoCommand(rest);
      case "sim":
        return await simCommand(rest);
      case "report":
        return await reportCommand(rest, { out, err, exit: EXIT });
      case "compare":
        return await compareCommand(rest, { out, err, exit: EXIT });
      case "merge":
        return await mergeCommand(rest, {
          out,
          err,
          color: Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR"),
          exit: EXIT,
        });
      case "history":
        return await historyCommand(rest, {
          out,
          err,
          color: Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR"),
          exit: EXIT,
        });
      case "sysinfo":
        return await sysinfoCommand(rest, { out, env: Deno.env.toObject(), help: SYSINFO_HELP });
      case "agent":
        return await agentCommand(rest, { out, err, env: Deno.env.toObject(), help: AGENT_HELP });
      case "calibrate":
        return await calibrateCommand(rest, { out, err, help: CALIBRATE_HELP });
      case "variants":
        return await variantsCommand(rest, { out, help: VARIANTS_HELP, exit: EXIT });
      default:
        throw new UsageError(unknownCommand(command));
    }
  } catch (e) {
    if (e instanceof RunLockBusy) {
      // Exit 2 like a usage error: nothing was started or written (README "Exit codes").
      err(`error: ${e.message} (exit code 2)\n`);
      return EXIT.usage;
    }
    if (e instanceof UsageError) {
      err(e.problems.map((p) => `error: ${p}\n`).join(""));
      return EXIT.usage;
    }
    if (e instanceof TargetError) {
      err(`error: ${e.message}\n`);
      return EXIT.unreachable;
    }
    if (e instanceof HookError) {
      err(`error: ${e.message}\n`);
      return EXIT.failure;
    }
    err(`error: ${(e as Error).stack ?? e}\n`);
    return EXIT.failure;
  }
}

async function runCommand(args: string[]): Promise<number> {
  // `--all` is no run option: only `--help --all` (or `-h --all`) takes it, for every option.
  if (args.includes("--all") && (args.includes("--help") || args.includes("-h"))) {
    out(RUN_HELP);
    return EXIT.ok;
  }
  // `llmload run --config DIR --target NAME --model NAME --workload NAME [flags]`.
  if (hasConfigFlag(args) && (args[0] === undefined || args[0].startsWith("-"))) {
    if (args.includes("--help") || args.includes("-h")) {
      out(RUN_HELP_BRIEF);
      return EXIT.ok;
    }
    const all = allWorkloadsRun(args, { env: Deno.env.toObject() });
    if (all) return await sweepAndReport(all);
    const run = configPlan(args, { env: Deno.env.toObject() });
    return await runAndReport(run.plan, run.quiet);
  }
  // `llmload run <scenario|./file.ts> [flags]`: the first argument, when not a flag.
  if (args[0] !== undefined && !args[0].startsWith("-")) {
    return await scenarioCommand(args[0], args.slice(1));
  }
  const parsed = parseRunArgs(args, Deno.env.toObject());
  if (parsed.help) {
    out(RUN_HELP_BRIEF);
    return EXIT.ok;
  }
  // Server variants: `--server-cmd` and friends (parseRunArgs has already checked the flags).
  const { values } = parseArgs({ args, options: RUN_OPTIONS, strict: true });
  const variants = variantsRequest(values, { model: parsed.plan.target.model });
  if (variants) {
    return await variantsAndReport(variants, {
      scenario: "variants",
      points: [{ index: 1, plan: parsed.plan }],
      axes: [],
      quiet: parsed.quiet,
      hasHooks: false,
    }, variantsCli("run"));
  }
  return await runAndReport(parsed.plan, parsed.quiet);
}

/** What variants_command.ts needs from here. */
function variantsCli(lock: string) {
  return {
    out,
    err,
    guard: (plan: RunPlan) => guardRun(plan, { name: lock, err, exitNow }),
    exit: EXIT,
  };
}

async function scenarioCommand(ref: string, args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    out(RUN_HELP_BRIEF);
    return EXIT.ok;
  }
  const scenario = await loadScenario(ref);
  const run = scenarioPlans(scenario, args, { env: Deno.env.toObject(), ref });
  const variants = variantsRequest(run.given, {
    scenario: scenario.server,
    model: run.points[0].plan.target.model,
  });
  if (variants) {
    return await variantsAndReport(variants, {
      scenario: scenario.name,
      points: run.points,
      axes: run.axes,
      quiet: run.quiet,
      hasHooks: run.hooks !== undefined,
    }, variantsCli(lockName(run)));
  }
  if (!scenario.sweep) {
    return await runAndReport(run.points[0].plan, run.quiet, undefined, run.hooks, lockName(run));
  }
  return await sweepAndReport(run);
}

/** `llmload scenarios`: the built-ins, one per line, with their sweep sizes. */
function listScenarios(): string {
  const width = Math.max(...BUILTIN_SCENARIOS.map((s) => s.name.length));
  const lines = BUILTIN_SCENARIOS.map((s) => {
    const n = s.sweep ? expandSweep(s).length : 1;
    const servers = s.server ? serverCount(s.server) : 1;
    const points = n > 1 || servers > 1
      ? ` [${n} point${n > 1 ? "s" : ""}${servers > 1 ? ` × ${servers} servers` : ""}]`
      : "";
    return `  ${s.name.padEnd(width)}  ${s.description}${points}`;
  });
  return `Built-in scenarios (llmload run NAME [flags]; flags override the scenario):\n${
    lines.join("\n")
  }\nA scenario file: llmload run ./my_scenario.ts (see docs/scenarios.md).\n`;
}

/** How many servers a scenario's `server` block starts: a linked group counts once. */
function serverCount(server: NonNullable<Scenario["server"]>): number {
  const seen = new Set<string>();
  let n = 1;
  for (const [name, values] of Object.entries(server.params ?? {})) {
    if (seen.has(name)) continue;
    for (const m of server.link?.find((l) => l.includes(name)) ?? [name]) seen.add(m);
    n *= values.length;
  }
  return n;
}

/** Runs every point of a sweep, then prints one table (a row per point) and the sweep path. */
async function sweepAndReport(run: ScenarioRun): Promise<number> {
  // The lock, SIGINT/SIGTERM with --grace, and --max-runtime (run_guard.ts).
  const guard = await guardRun(run.points[0].plan, { name: lockName(run), err, exitNow });
  const shutdown = guard.shutdown;
  try {
    const outcome = await runSweep(run.points, {
      log: (line) => err(line + "\n"),
      status: (line) => err(`\r\x1b[2K${line}`),
      isTty: Deno.stderr.isTerminal(),
      quiet: run.quiet,
      interrupt: shutdown.stop,
      cancel: shutdown.cancel,
      stopReason: shutdown.reason,
    }, {
      scenario: run.scenario.name,
      axes: run.axes,
      out: run.points[0].plan.out,
      hooks: run.hooks,
    });
    const title = `llmload ${run.scenario.name} · ${outcome.model} @ ${outcome.baseUrl} · ` +
      `${outcome.rows.length}/${run.points.length} points`;
    out(renderSweepTable(outcome.rows, { axes: run.axes, title }) + "\n");
    out(`results: ${outcome.sweepDir}\n`);
    if (outcome.teardownError) {
      err(`error: ${outcome.teardownError.message}\n`);
      return EXIT.failure;
    }
    if (outcome.interrupted) return shutdown.exitCode(EXIT.interrupted);
    // Which points failed, and why, last (as a single run's verdict).
    for (const row of outcome.failedPoints) {
      const name = row.label ? `${row.index} (${row.label})` : String(row.index);
      err(
        `point ${name} ${row.runId}: FAIL\n${row.verdict!.reasons.map((r) => `  ${r}\n`).join("")}`,
      );
    }
    if (outcome.failedPoints.length > 0) {
      err(
        `verdict: FAIL (exit 3): ${outcome.failedPoints.length} of ${outcome.rows.length} points failed\n`,
      );
      return EXIT.gate;
    }
    return EXIT.ok;
  } catch (e) {
    return guard.stopped(e);
  } finally {
    guard.dispose();
  }
}

async function demoCommand(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    out(DEMO_HELP);
    return EXIT.ok;
  }
  const plans = demoPlans(args, Deno.env.toObject());
  const dirs: string[] = [];
  for (const [i, demo] of plans.entries()) {
    out(`\n== demo ${i + 1}/${plans.length}: ${demo.title}\n   ${demo.command}\n`);
    const code = await runAndReport(demo.plan, demo.quiet, (dir) => dirs.push(dir));
    if (code !== EXIT.ok) return code;
  }
  out(`\ndemo done; results in:\n${dirs.map((d) => `  ${d}\n`).join("")}`);
  return EXIT.ok;
}

/** Runs one plan with progress and Ctrl-C handling, prints the summary table and the path. */
async function runAndReport(
  plan: RunPlan,
  quiet: boolean,
  onDir?: (dir: string) => void,
  hooks?: ScenarioRun["hooks"],
  lock = "run",
): Promise<number> {
  // The lock, SIGINT/SIGTERM with --grace, and --max-runtime (run_guard.ts).
  const guard = await guardRun(plan, { name: lock, err, exitNow });
  const shutdown = guard.shutdown;
  if (plan.lora?.mode === "compare") {
    return await compareAndReport(plan, quiet, {
      out,
      err,
      shutdown,
      exit: EXIT,
      run: hooks && ((p, io) => runWithHooks(p, io, { hooks })),
    }).catch(guard.stopped).finally(guard.dispose);
  }
  const isTty = Deno.stderr.isTerminal();
  const color = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
  try {
    const io = {
      log: (line: string) => err(line + "\n"),
      status: (line: string) => err(`\r\x1b[2K${line}`),
      isTty,
      quiet,
      interrupt: shutdown.stop,
      cancel: shutdown.cancel,
      stopReason: shutdown.reason,
    };
    const outcome: RunOutcome & { teardownError?: HookError } = hooks
      ? await runWithHooks(plan, io, { hooks })
      : await runBenchmark(plan, io);
    const title = `llmload ${outcome.runId} · ${outcome.model} @ ${outcome.baseUrl}`;
    out(renderSummaryTable(outcome.summary, { color, title, endpoint: plan.endpoint }) + "\n");
    if (outcome.adapters) out("\n" + renderAdapterTable(outcome.adapters) + "\n");
    if (outcome.serverMetrics) out(renderServerMetricsLine(outcome.serverMetrics) + "\n");
    if (outcome.client) out(renderClientHealthLine(outcome.client) + "\n");
    if (outcome.verdict.slo) out(renderSloLine(outcome.verdict.slo) + "\n");
    out(`results: ${outcome.runDir}\n`);
    onDir?.(outcome.runDir);
    if (outcome.teardownError) {
      err(`error: ${outcome.teardownError.message}\n`);
      return EXIT.failure;
    }
    if (outcome.interrupted) {
      // verdict.json holds the same exit code: both come from the stop reason.
      err(renderVerdictLines(outcome.verdict));
      return shutdown.exitCode(EXIT.interrupted);
    }
    // The reason goes last: what a cron mail or CI log shows at its end.
    if (outcome.verdict.verdict === "fail" || plan.gates) err(renderVerdictLines(outcome.verdict));
    return outcome.verdict.verdict === "fail" ? EXIT.gate : EXIT.ok;
  } catch (e) {
    return guard.stopped(e);
  } finally {
    guard.dispose();
  }
}

/** The lock name of a scenario run: the scenario's name. */
function lockName(run: ScenarioRun): string {
  return run.scenario.name;
}

async function simCommand(args: string[]): Promise<number> {
  const parsed = parseSimArgs(args);
  if (parsed.help) {
    out(SIM_HELP);
    return EXIT.ok;
  }
  // Read before anything opens or listens: a bad tokenizer is a usage error.
  const tokenizer = parsed.tokenizer ? await loadLocalTokenizer(parsed.tokenizer) : undefined;
  const truthFile = parsed.truthLog
    ? await Deno.open(parsed.truthLog, { create: true, append: true })
    : undefined;
  const encoder = new TextEncoder();
  const crash = parsed.crash;
  const crashNow = () => {
    // A dying server prints its last words to stderr and exits non-zero, as vLLM does.
    err(`${crash!.message}\n`);
    truthFile?.close();
    Deno.exit(1);
  };
  if (crash?.afterRequests === 0) crashNow();
  let sim;
  try {
    sim = await startSim({
      ...parsed.options,
      onGenerationRequest: crash && ((n) => {
        if (n >= crash.afterRequests) crashNow();
      }),
      tokenizer: tokenizer?.files,
      truthLog: truthFile
        ? (entry) => truthFile.writeSync(encoder.encode(JSON.stringify(entry) + "\n"))
        : undefined,
    });
  } catch (e) {
    truthFile?.close();
    // Profile and fault validation name every bad parameter: a usage error, not a crash.
    if (e instanceof RangeError) throw new UsageError(e.message.split("\n"));
    throw e;
  }
  err(`llmload sim listening: ${sim.baseUrl} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = onInterrupt(() => {
      stop();
      resolve();
    });
  });
  await sim.close();
  truthFile?.close();
  return EXIT.ok;
}

/** A third Ctrl-C: leave at once, killing the GPU sampler first (Deno would orphan it). */
function exitNow(code: number): never {
  killTrackedChildren();
  releaseHeldLocks();
  Deno.exit(code);
}

/** Calls `handler` on SIGINT/SIGTERM; returns a function that removes the listeners. */
function onInterrupt(handler: () => void): () => void {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, handler);
  return () => {
    for (const s of signals) Deno.removeSignalListener(s, handler);
  };
}
