import { UsageError } from "../../config/usage_error.ts";
import { stopOrphanServers } from "../../campaign/orphan_servers.ts";
import { parseFlags } from "../flag_suggestion.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";
import { VARIANTS_HELP } from "../help.ts";

/** The flags of `llmload variants`. */
const VARIANTS_OPTIONS = {
  cleanup: { type: "boolean" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The results root when `--out` is not given: the default of `llmload run`. */
const DEFAULT_OUT = "results";

/**
 * `llmload variants --cleanup [--out DIR]`: stops every server a variants run under DIR recorded
 * and left running (orphan_servers.ts), one line each, or says there was none. Exit 0 either
 * way: finding nothing to stop is the good outcome.
 */
export async function variantsCommand(
  args: string[],
  cli: CliIo,
): Promise<number> {
  const { values } = parseFlags("variants", {
    args,
    options: VARIANTS_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    cli.out(VARIANTS_HELP);
    return EXIT.ok;
  }
  if (!values.cleanup) {
    throw new UsageError(
      "llmload variants: nothing to do; give --cleanup to stop the servers earlier variants " +
        "runs recorded in variants.json and left running (see llmload help variants)",
    );
  }
  const root = values.out ?? DEFAULT_OUT;
  if (values.out !== undefined && !(await isDirectory(root))) {
    throw new UsageError(
      `--out "${root}": no such directory; give the results root the variants runs wrote to`,
    );
  }
  let lines = 0;
  await stopOrphanServers([root], {
    log: (line) => {
      lines++;
      cli.out(line + "\n");
    },
  });
  if (lines === 0) cli.out(`no recorded servers running (results root ${root})\n`);
  return EXIT.ok;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
