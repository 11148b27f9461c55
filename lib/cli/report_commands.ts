import { rebuildMissingSummary } from "../run/rebuild_summary.ts";
import { parseFlags } from "./flag_suggestion.ts";
import { UsageError } from "../config/usage_error.ts";
import {
  renderRunsComparisonMarkdown,
  renderRunsComparisonTable,
  runsComparisonToCsv,
} from "../report/runs_comparison_report.ts";
import { compareRunDirs } from "../run/compare_runs.ts";
import { writeReports } from "../run/write_reports.ts";
import { rewriteSearchReports } from "../run/run_search.ts";
import { COMPARE_HELP, REPORT_HELP } from "./help.ts";

/** What the report commands need from main.ts: output streams and exit codes. */
export interface ReportCli {
  out(text: string): void;
  err(text: string): void;
  exit: { ok: number };
}

/** `llmload report DIR`: rewrites report.md (and report.html) from the directory's raw files. */
export async function reportCommand(args: string[], cli: ReportCli): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    cli.out(REPORT_HELP);
    return cli.exit.ok;
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
    return cli.exit.ok;
  }
  const warn = (m: string) => cli.err(`warning: ${m}\n`);
  const rebuilt = await rebuildMissingSummary(dirs[0], { warn });
  if (rebuilt) cli.out(`wrote ${rebuilt}\n`);
  const written = await writeReports(dirs[0], { warn });
  for (const f of written.files) cli.out(`wrote ${f}\n`);
  return cli.exit.ok;
}

const FORMATS = ["terminal", "md", "json", "csv"] as const;

/** `llmload compare A B [more] [--format F] [--out DIR]`. */
export async function compareCommand(args: string[], cli: ReportCli): Promise<number> {
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
    return cli.exit.ok;
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
  return cli.exit.ok;
}
