import { parseFlags } from "../flag_suggestion.ts";
import { UsageError } from "../../config/usage_error.ts";
import { renderRunsComparisonMarkdown } from "../../report/markdown/runs_comparison_markdown.ts";
import { renderRunsComparisonTable } from "../../report/terminal/runs_comparison_table.ts";
import { runsComparisonToCsv } from "../../report/files/runs_comparison_files.ts";
import { compareRunDirs } from "../../results/compare_runs.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";
import { COMPARE_HELP } from "../help.ts";

const FORMATS = ["terminal", "md", "json", "csv"] as const;

/** `llmload compare A B [more] [--format F] [--out DIR]`. */
export async function compareCommand(args: string[], cli: CliIo): Promise<number> {
  const parsed = parseFlags("compare", {
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: "string", default: "terminal" },
      out: { type: "string", default: "results" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (parsed.values.help) {
    cli.out(COMPARE_HELP);
    return EXIT.ok;
  }
  const format = parsed.values.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(", ")} (got "${format}")`);
  }
  const outcome = await compareRunDirs(parsed.positionals, {
    out: parsed.values.out as string,
    warn: (m) => cli.err(`warning: ${m}\n`),
  });
  const c = outcome.comparison;
  if (format === "terminal") cli.out(renderRunsComparisonTable(c) + "\n");
  else if (format === "md") cli.out(renderRunsComparisonMarkdown(c));
  else if (format === "csv") cli.out(runsComparisonToCsv(c));
  else cli.out(await Deno.readTextFile(`${outcome.compareDir}/comparison.json`));
  // Data formats keep stdout parseable: the directory goes to stderr there.
  (format === "terminal" ? cli.out : cli.err)(`results: ${outcome.compareDir}\n`);
  return EXIT.ok;
}
