import { VERSION } from "../../version.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";

/** `llmload version` (`--version`, `-V`). */
export function versionCommand(_args: string[], io: CliIo): Promise<number> {
  io.out(`llmload ${VERSION}\n`);
  return Promise.resolve(EXIT.ok);
}
