import { parseFlags } from "../flag_suggestion.ts";
import { UsageError } from "../../config/usage_error.ts";
import { renderSummaryTable } from "../../report/terminal/terminal_table.ts";
import { renderVerdictLines } from "../../report/terminal/verdict_lines.ts";
import { mergeRunDirs } from "../../results/merge_runs.ts";
import { MERGE_HELP } from "../help.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";

/**
 * `llmload merge DIR... [--out DIR]`: the shards of one plan into one run directory, then its
 * summary table; exit 3 when the merged verdict fails (as a run would).
 */
export async function mergeCommand(args: string[], cli: CliIo): Promise<number> {
  const parsed = parseFlags("merge", {
    args,
    allowPositionals: true,
    strict: true,
    options: { out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (parsed.values.help) {
    cli.out(MERGE_HELP);
    return EXIT.ok;
  }
  if (parsed.positionals.length === 0) {
    throw new UsageError(
      "llmload merge needs the run directory of every shard, e.g. llmload merge shards/* --out merged",
    );
  }
  const outcome = await mergeRunDirs(parsed.positionals, {
    out: parsed.values.out,
    log: (line) => cli.err(line + "\n"),
  });
  const title = `llmload ${outcome.runId} · ${outcome.shards} shards merged · ` +
    `${outcome.model} @ ${outcome.baseUrl}`;
  cli.out(renderSummaryTable(outcome.summary, { color: cli.color, title }) + "\n");
  cli.out(`results: ${outcome.dir}\n`);
  if (outcome.verdict.verdict === "fail") {
    cli.err(renderVerdictLines(outcome.verdict));
    return EXIT.gate;
  }
  if (outcome.verdict.verdict === "interrupted") {
    // verdict.json's exit_code and the process's agree: the interrupted shard's own code.
    cli.err(renderVerdictLines(outcome.verdict));
    return outcome.verdict.exit_code;
  }
  return EXIT.ok;
}
