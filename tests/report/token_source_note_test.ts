import assert from "node:assert/strict";
import { summarize } from "../../lib/metrics/summary.ts";
import type { TokenSource } from "../../lib/metrics/record.ts";
import { renderSummaryTable } from "../../lib/report/terminal/terminal_table.ts";
import { renderRunMarkdown } from "../../lib/report/markdown/markdown_report.ts";
import { renderRunHtml } from "../../lib/report/html/run_html.ts";
import { summaryToJson } from "../../lib/report/files/summary_json.ts";
import { tokenSourceNote } from "../../lib/report/token_source_note.ts";
import { syntheticRun } from "../helpers/report_fixtures.ts";

/** The synthetic run with every `every`-th ok record's output count from `source`. */
function runWith(source: TokenSource, every = 1) {
  const run = syntheticRun();
  let i = 0;
  const records = run.records.map((r) =>
    r.error || r.dropped || i++ % every !== 0 ? r : { ...r, outputTokensSource: source }
  );
  return { ...run, records, summary: summarize(records, { loadMode: "open" }) };
}

const WARNING = "TPOT, ITL and tokens/s are estimates: the server sent no usage";

Deno.test("estimated output counts: summary.json, terminal, Markdown and HTML all say so", () => {
  const run = runWith("estimate");
  const ok = run.summary.requests.ok;
  assert.equal(run.summary.output_tokens_source, "estimate");
  assert.equal(run.summary.tokens.output_source.estimate, ok);
  assert.match(summaryToJson(run.summary), /"output_tokens_source": "estimate"/);
  const table = renderSummaryTable(run.summary);
  assert.ok(table.includes(`warning: ${WARNING} in any requests`), table);
  assert.ok(table.includes(`estimated in ${ok}`), table);
  assert.ok(table.includes("pass --tokenizer"), table);
  const md = renderRunMarkdown(run);
  assert.ok(md.includes(`> **Warning**: ${WARNING}`), md);
  const html = renderRunHtml(run);
  assert.match(
    html,
    /<p id="output-tokens-warning" class="warning"><strong>Warning:<\/strong> TPOT/,
  );
});

Deno.test("a run mixing usage and estimates is mixed, and the warning gives the share", () => {
  const run = runWith("estimate", 2);
  const est = run.summary.tokens.output_source.estimate;
  assert.equal(run.summary.output_tokens_source, "mixed");
  assert.ok(est > 0 && est < run.summary.requests.ok);
  assert.ok(
    renderSummaryTable(run.summary).includes(
      `${WARNING} in ${est} of ${run.summary.requests.ok} requests`,
    ),
  );
});

Deno.test("tokenizer counts get a plain note; usage counts get nothing", () => {
  const tok = runWith("tokenizer");
  assert.equal(tok.summary.output_tokens_source, "tokenizer");
  const note = tokenSourceNote(tok.summary.tokens.output_source);
  assert.equal(note?.level, "note");
  const table = renderSummaryTable(tok.summary);
  assert.ok(table.includes("output tokens counted with the local tokenizer"), table);
  assert.ok(!table.includes("warning:"), table);
  assert.match(renderRunHtml(tok), /id="output-tokens-note"/);

  const plain = syntheticRun();
  assert.equal(plain.summary.output_tokens_source, "usage");
  assert.equal(tokenSourceNote(plain.summary.tokens.output_source), undefined);
  assert.ok(!renderSummaryTable(plain.summary).includes("estimates"));
  assert.ok(!renderRunMarkdown(plain).includes("**Warning**"));
  assert.ok(!renderRunHtml(plain).includes("output-tokens-"));
});

Deno.test("a summary.json from before tokenizer and estimate existed still reads", () => {
  assert.equal(tokenSourceNote({ usage: 3, counted: 0 }), undefined);
  assert.equal(tokenSourceNote({ usage: 3, counted: 1 })?.level, "warning");
});
