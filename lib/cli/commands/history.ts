import { parseFlags } from "../flag_suggestion.ts";
import { UsageError } from "../../config/usage_error.ts";
import { filterHistory, historyTrend } from "../../metrics/run_history.ts";
import { historyToCsv, historyToJson } from "../../report/files/history_files.ts";
import { renderHistoryMarkdown } from "../../report/markdown/history_markdown.ts";
import { renderHistoryTable } from "../../report/terminal/history_table.ts";
import { HISTORY_FILE, readHistory, writeHistoryHtml } from "../../results/record_history.ts";
import { HISTORY_HELP } from "../help.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";

const FORMATS = ["terminal", "md", "json", "csv"] as const;

/**
 * `llmload history [--out DIR] [--scenario X] [--target URL] [--last N] [--format F] [--html FILE]`:
 * the trend of `<out>/history.jsonl`, one row per run, oldest first.
 */
export async function historyCommand(args: string[], cli: CliIo): Promise<number> {
  const parsed = parseFlags("history", {
    args,
    allowPositionals: false,
    strict: true,
    options: {
      out: { type: "string", default: "results" },
      scenario: { type: "string" },
      target: { type: "string" },
      last: { type: "string" },
      format: { type: "string", default: "terminal" },
      html: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const v = parsed.values;
  if (v.help) {
    cli.out(HISTORY_HELP);
    return EXIT.ok;
  }
  const problems: string[] = [];
  const format = v.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) {
    problems.push(`--format must be one of ${FORMATS.join(", ")} (got "${format}")`);
  }
  let last: number | undefined;
  if (v.last !== undefined) {
    last = Number(v.last);
    if (!Number.isInteger(last) || last <= 0) {
      problems.push(`--last must be a whole number > 0 (got "${v.last}")`);
    }
  }
  if (v.html !== undefined && !v.html.endsWith(".html")) {
    problems.push(`--html must name a .html file (got "${v.html}")`);
  }
  const root = v.out as string;
  let dirOk = false;
  try {
    dirOk = Deno.statSync(root).isDirectory;
  } catch {
    // reported below
  }
  if (!dirOk) {
    problems.push(
      `--out ${root}: no such results directory; give the --out your runs used (default "results")`,
    );
  }
  if (problems.length) throw new UsageError(problems);

  const { records, skipped } = await readHistory(root);
  if (skipped.length) {
    cli.err(
      `warning: ${root}/${HISTORY_FILE}: skipped unreadable line(s) ${skipped.join(", ")}\n`,
    );
  }
  const kept = filterHistory(records, { scenario: v.scenario, target: v.target, last });
  const rows = historyTrend(kept);
  if (format === "terminal") {
    const title =
      `llmload history · ${root}/${HISTORY_FILE} · ${rows.length} of ${records.length} runs`;
    cli.out(renderHistoryTable(rows, { color: cli.color, title }) + "\n");
  } else if (format === "md") cli.out(renderHistoryMarkdown(rows));
  else if (format === "csv") cli.out(historyToCsv(rows));
  else cli.out(historyToJson(rows));
  if (v.html !== undefined) {
    await writeHistoryHtml(v.html, kept);
    // Data formats keep stdout parseable.
    (format === "terminal" ? cli.out : cli.err)(`wrote ${v.html}\n`);
  }
  return EXIT.ok;
}
