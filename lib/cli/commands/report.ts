import { rebuildMissingSummary } from "../../results/rebuild_summary.ts";
import { UsageError } from "../../config/usage_error.ts";
import { writeReports } from "../../results/write_reports.ts";
import { rewriteSearchReports } from "../../campaign/run_search.ts";
import { REPORT_HELP } from "../help.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";

/** `llmload report DIR`: rewrites report.md (and report.html) from the directory's raw files. */
export async function reportCommand(args: string[], cli: CliIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    cli.out(REPORT_HELP);
    return EXIT.ok;
  }
  const problems: string[] = [];
  const flags = args.filter((a) => a.startsWith("-"));
  if (flags.length > 0) problems.push(`llmload report takes no options (got ${flags.join(", ")})`);
  const dirs = args.filter((a) => !a.startsWith("-"));
  if (dirs.length !== 1) {
    problems.push(
      `llmload report takes one directory (got ${dirs.length}); e.g. llmload report results/<run-id>`,
    );
  }
  if (problems.length > 0) throw new UsageError(problems);
  // A search directory (search.json) is rendered from its own document.
  const search = await rewriteSearchReports(dirs[0], (l) => cli.err(l + "\n"));
  if (search) {
    for (const f of search) cli.out(`wrote ${f}\n`);
    return EXIT.ok;
  }
  const warn = (m: string) => cli.err(`warning: ${m}\n`);
  const rebuilt = await rebuildMissingSummary(dirs[0], { warn });
  if (rebuilt) cli.out(`wrote ${rebuilt}\n`);
  const written = await writeReports(dirs[0], { warn });
  for (const f of written.files) cli.out(`wrote ${f}\n`);
  return EXIT.ok;
}
