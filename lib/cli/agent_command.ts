import { resolve } from "node:path";
/**
 * `llmload agent`: flags → a running agent (lib/agent). The CLI's own run parsers are handed to
 * it, so a registration is validated exactly as `llmload run` would validate its flags.
 */
import { parseFlags } from "./flag_suggestion.ts";
import { onStopSignals } from "./stop_signals.ts";
import { EXIT } from "./exit_codes.ts";
import { type AgentJob, startAgent } from "../agent/mod.ts";
import { UsageError } from "../config/usage_error.ts";
import { BUILTIN_SCENARIOS } from "../../scenarios/mod.ts";
import { builtinScenario } from "./load_scenario.ts";
import { parseRunArgs } from "./run_args.ts";
import { VARIANT_OPTIONS } from "./variant_args.ts";
import { scenarioPlans } from "./scenario_plans.ts";

/** Where the agent command talks to. */
export interface AgentCommandIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  help: string;
}

/** Runs the agent until SIGINT/SIGTERM; returns the exit code. */
export async function agentCommand(args: string[], io: AgentCommandIo): Promise<number> {
  const values = parseAgentFlags(args);
  if (values.help) {
    io.out(io.help);
    return 0;
  }
  const s = await agentSettings(values, io.env);
  const agent = await startAgent({
    readRules: { dirs: s.allowDirs, targets: s.allowTargets },
    hostname: s.hostname,
    port: s.port,
    dataDir: s.dataDir,
    token: s.token,
    runners: s.runners,
    maxTests: s.maxTests,
    registrationsPerMinute: s.perMinute,
    plan: runPlanner(io.env),
    log: (line) => io.err(line + "\n"),
  });
  io.err(
    `llmload agent listening on http://${s.hostname}:${agent.port} (data: ${s.dataDir}${
      s.token === undefined ? ", no token" : ", bearer token required"
    })\n`,
  );
  await untilStopSignal(io);
  await agent.close();
  return 0;
}

type AgentFlags = Record<string, string | boolean | string[] | undefined>;

function parseAgentFlags(args: string[]): AgentFlags {
  return parseFlags("agent", {
    args,
    strict: true,
    options: {
      listen: { type: "string" },
      "data-dir": { type: "string" },
      "token-file": { type: "string" },
      runners: { type: "string" },
      "max-tests": { type: "string" },
      "registrations-per-minute": { type: "string" },
      "allow-dir": { type: "string", multiple: true },
      "allow-target": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  }).values;
}

/** The agent's flags checked and resolved; throws UsageError with every problem. */
async function agentSettings(values: AgentFlags, env: Record<string, string | undefined>) {
  const problems: string[] = [];
  const listen = (values.listen as string | undefined) ?? "127.0.0.1:8787";
  const m = /^(.+):(\d+)$/.exec(listen);
  if (!m) problems.push(`--listen "${listen}" must be HOST:PORT, e.g. 127.0.0.1:8787`);
  const hostname = m?.[1].replace(/^\[|\]$/g, "") ?? "";
  const port = Number(m?.[2]);
  const dataDir = (values["data-dir"] as string | undefined) ?? "./agent-data";
  let token = env.LLMLOAD_AGENT_TOKEN;
  const tokenFile = values["token-file"] as string | undefined;
  if (tokenFile !== undefined) {
    try {
      token = (await Deno.readTextFile(tokenFile)).trim();
      if (token === "") problems.push(`--token-file ${tokenFile} is empty: write a token in it`);
    } catch (e) {
      problems.push(`--token-file ${tokenFile}: ${(e as Error).message}`);
    }
  }
  if (token === "") token = undefined;
  const loopback = ["127.0.0.1", "localhost", "::1"].includes(hostname) ||
    hostname.startsWith("127.");
  if (m && !loopback && token === undefined) {
    problems.push(
      `--listen ${listen} is not a loopback address: give a token with --token-file FILE or LLMLOAD_AGENT_TOKEN`,
    );
  }
  const int = (name: string, fallback: number) => {
    const raw = values[name] as string | undefined;
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) problems.push(`--${name} must be an integer ≥ 1`);
    return n;
  };
  const runners = int("runners", 1);
  const maxTests = int("max-tests", 100);
  const perMinute = int("registrations-per-minute", 60);
  const allowDirs = ((values["allow-dir"] as string[] | undefined) ?? []).map((d) => resolve(d));
  for (const d of allowDirs) {
    if (!(await Deno.stat(d).then((s) => s.isDirectory, () => false))) {
      problems.push(`--allow-dir ${d} is not a directory: give a directory registrations may read`);
    }
  }
  const allowTargets = (values["allow-target"] as string[] | undefined) ?? [];
  if (problems.length) throw new UsageError(problems);
  return { hostname, port, dataDir, token, runners, maxTests, perMinute, allowDirs, allowTargets };
}

/**
 * The first signal stops running tests (they end as interrupted, results written) and leaves
 * queued ones for the next agent; a second one exits at once (a restarted agent marks what was
 * running as interrupted).
 */
function untilStopSignal(io: AgentCommandIo): Promise<void> {
  let signals = 0;
  return new Promise<void>((resolve) => {
    onStopSignals((signal) => {
      if (++signals === 1) {
        io.err(`${signal} received: stopping running tests (they end as interrupted)…\n`);
        return resolve();
      }
      io.err(`${signal} again: exiting now\n`);
      Deno.exit(signal === "SIGINT" ? EXIT.interrupted : EXIT.terminated);
    });
  });
}

/**
 * Server variants start server processes from a command line, which nothing a registration
 * says may do: their flags, and a built-in scenario's `server` block unless `--target sim`
 * replaces it, are refused (rather than silently ignored).
 */
function refuseServerVariants(scenario: string | undefined, args: readonly string[]): void {
  const given = (name: string) => args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const problems = Object.keys(VARIANT_OPTIONS).filter(given).map((name) =>
    `--${name} is not allowed through the agent (server variants start server processes); ` +
    "run them with llmload run on the box"
  );
  if (builtinScenario(scenario ?? "")?.server && !given("target")) {
    problems.push(
      `scenario "${scenario}" starts its own server per variant, which the agent does not do; ` +
        "run it with llmload run on the box, or give --target sim in its args",
    );
  }
  if (problems.length > 0) throw new UsageError(problems);
}

/**
 * The agent's validator: a built-in scenario name (never a file) and flags, or flags alone,
 * through the same parsers as `llmload run`; throws UsageError with every problem. A sweeping
 * scenario becomes a sweep job; a scenario's hooks come along only because it is a built-in.
 */
export function runPlanner(
  env: Record<string, string | undefined>,
): (scenario: string | undefined, args: string[]) => AgentJob {
  return (scenario, runArgs) => {
    refuseServerVariants(scenario, runArgs);
    if (scenario === undefined) return { kind: "run", plan: parseRunArgs(runArgs, env).plan };
    const found = builtinScenario(scenario);
    if (!found) {
      throw new UsageError(
        `scenario "${scenario}" is not a built-in scenario (${
          BUILTIN_SCENARIOS.map((s) => s.name).join(", ")
        })`,
      );
    }
    const run = scenarioPlans(found, runArgs, { env, ref: scenario });
    if (!found.sweep) return { kind: "run", plan: run.points[0].plan, hooks: run.hooks };
    if (run.points.some((p) => p.plan.lora?.mode === "compare")) {
      // Checked here so the registration gets it as a 400, not the run as a failure.
      throw new UsageError(
        "--lora-mode compare makes three runs of one plan and cannot be swept; use --lora-mode multi (or baseline) with a sweep",
      );
    }
    return {
      kind: "sweep",
      scenario: run.scenario.name,
      axes: run.axes,
      points: run.points,
      hooks: run.hooks,
    };
  };
}
