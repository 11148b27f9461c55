import { searchAnswerLine } from "../../report/search_text.ts";
import { renderSearchTable } from "../../report/terminal/search_table.ts";
import { runSearch } from "../../campaign/run_search.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";
import { SEARCH_HELP } from "../help.ts";
import { guardRun } from "../run_guard.ts";
import { runIo } from "../run_io.ts";
import { parseSearchArgs, searchBoundLine } from "../search_args.ts";

/**
 * Runs `llmload search`: prints the bound, runs the points, prints the table, the directory and
 * the answer last. Exit 0 with an answer, 3 when no load met the SLOs, 130 when interrupted.
 */
export async function searchCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseSearchArgs(args, io.env);
  if (parsed.help) {
    io.out(SEARCH_HELP);
    return EXIT.ok;
  }
  const { plan } = parsed;
  const guard = await guardRun(plan, { name: "search", err: io.err, exitNow: io.exitNow });
  const shutdown = guard.shutdown;
  try {
    io.err(searchBoundLine(parsed) + "\n");
    const outcome = await runSearch(plan, runIo(io, parsed.quiet, shutdown), {
      bounds: parsed.bounds,
      criteria: parsed.criteria,
      precision: parsed.precision,
    });
    const doc = outcome.doc;
    const title = `llmload search ${doc.search_id} · ${doc.model} @ ${doc.base_url}`;
    io.out(renderSearchTable(doc, { title }) + "\n");
    io.out(`results: ${outcome.searchDir}\n`);
    io.out(searchAnswerLine(doc) + "\n");
    if (outcome.interrupted) return shutdown.exitCode(EXIT.interrupted);
    return doc.answer?.value == null ? EXIT.gate : EXIT.ok;
  } catch (e) {
    return guard.stopped(e);
  } finally {
    guard.dispose();
  }
}
