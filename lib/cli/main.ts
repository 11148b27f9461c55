import { redactText } from "../config/redact.ts";
import { UsageError } from "../config/usage_error.ts";
import { TargetError } from "../run/resolve_target.ts";
import { HookError } from "../run/scenario_hooks.ts";
import { RunLockBusy } from "../results/run_lock.ts";
import { type CliIo, processIo } from "./cli_io.ts";
import { EXIT } from "./exit_codes.ts";
import { closestFlag } from "./flag_suggestion.ts";
import { agentEntry } from "./commands/agent.ts";
import { calibrateCommand } from "./commands/calibrate.ts";
import { compareCommand } from "./commands/compare.ts";
import { demoCommand } from "./commands/demo.ts";
import { helpCommand, mainHelpCommand } from "./commands/help.ts";
import { historyCommand } from "./commands/history.ts";
import { mergeCommand } from "./commands/merge.ts";
import { reportCommand } from "./commands/report.ts";
import { runCommand } from "./commands/run.ts";
import { scenariosCommand } from "./commands/scenarios.ts";
import { searchCommand } from "./commands/search.ts";
import { simCommand } from "./commands/sim.ts";
import { sysinfoCommand } from "./commands/sysinfo.ts";
import { traceStatsCommand } from "./commands/trace_stats.ts";
import { variantsCommand } from "./commands/variants.ts";
import { versionCommand } from "./commands/version.ts";

export { EXIT };

/** One subcommand: its arguments (after the name) in, its exit code out. */
type Command = (args: string[], io: CliIo) => Promise<number>;

/** Commands with a help page of their own (`llmload help CMD`), in the order errors list them. */
const HELPED_COMMANDS = new Map<string, Command>([
  ["run", runCommand],
  ["search", searchCommand],
  ["report", reportCommand],
  ["compare", compareCommand],
  ["merge", mergeCommand],
  ["history", historyCommand],
  ["sim", simCommand],
  ["demo", demoCommand],
  ["sysinfo", sysinfoCommand],
  ["agent", agentEntry],
  ["calibrate", calibrateCommand],
  ["variants", variantsCommand],
  ["trace-stats", traceStatsCommand],
]);

/** Every command by name: the table `main` dispatches on. */
const COMMANDS = new Map<string, Command>([
  ...HELPED_COMMANDS,
  ["scenarios", scenariosCommand],
  ["version", versionCommand],
  [
    "help",
    (args, io) =>
      helpCommand(args, io, {
        helped: [...HELPED_COMMANDS.keys()],
        unknown: unknownCommand,
        dispatch: (line) => main(line, io),
      }),
  ],
]);

/** Flag spellings of commands; not listed as commands. */
const ALIASES = new Map<string, Command>([
  ["--help", mainHelpCommand],
  ["-h", mainHelpCommand],
  ["--version", versionCommand],
  ["-V", versionCommand],
]);

/** The usage error for an unknown command, with the closest one when it looks like a typo. */
function unknownCommand(command: string): string {
  const names = [...COMMANDS.keys()];
  const near = closestFlag(command, names);
  return `Unknown command "${command}"${near ? ` (did you mean ${near}?)` : ""}. ` +
    `Commands: ${names.join(", ")}.`;
}

/** The CLI: argv in, exit code out. The command table picks the command; errors become codes. */
export async function main(args: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    const run = command === undefined
      ? mainHelpCommand
      : COMMANDS.get(command) ?? ALIASES.get(command);
    if (!run) throw new UsageError(unknownCommand(command!));
    return await run(rest, io);
  } catch (e) {
    return exitCodeOf(e, io);
  }
}

/** Prints what stopped a command and returns its exit code (README "Exit codes"). */
function exitCodeOf(e: unknown, cliIo: CliIo): number {
  // A message may quote the flag that failed (`--url http://user:pass@…`): never print secrets.
  const io = { err: (text: string) => cliIo.err(redactText(text)) };
  if (e instanceof RunLockBusy) {
    // Exit 2 like a usage error: nothing was started or written (README "Exit codes").
    io.err(`error: ${e.message} (exit code 2)\n`);
    return EXIT.usage;
  }
  if (e instanceof UsageError) {
    io.err(e.problems.map((p) => `error: ${p}\n`).join(""));
    return EXIT.usage;
  }
  if (e instanceof TargetError) {
    io.err(`error: ${e.message}\n`);
    return EXIT.unreachable;
  }
  if (e instanceof HookError) {
    io.err(`error: ${e.message}\n`);
    return EXIT.failure;
  }
  io.err(`error: ${(e as Error).stack ?? e}\n`);
  return EXIT.failure;
}
