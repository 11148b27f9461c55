import { UsageError } from "../../config/usage_error.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";
import { MAIN_HELP } from "../help.ts";

/** What `llmload help` needs from the command table. */
export interface HelpTable {
  /** Commands with a help page of their own (`llmload help CMD`). */
  helped: readonly string[];
  /** The usage error for a name that is no command. */
  unknown(name: string): string;
  /** Runs a command line through main (`llmload help run` is `llmload run --help`). */
  dispatch(args: string[]): Promise<number>;
}

/** `llmload` with no command, `--help` or `-h`: the main help, whatever follows. */
export function mainHelpCommand(_args: string[], io: CliIo): Promise<number> {
  io.out(MAIN_HELP);
  return Promise.resolve(EXIT.ok);
}

/** `llmload help [CMD] [--all]`. */
export async function helpCommand(args: string[], io: CliIo, table: HelpTable): Promise<number> {
  const [name] = args;
  // `llmload help run` is `llmload run --help`; `llmload help run --all` every option.
  if (name !== undefined && table.helped.includes(name)) {
    return await table.dispatch([name, "--help", ...(args.includes("--all") ? ["--all"] : [])]);
  }
  if (name !== undefined) throw new UsageError(table.unknown(name));
  io.out(MAIN_HELP);
  return EXIT.ok;
}
