import assert from "node:assert/strict";
import { DIRECTORY_REPORTERS } from "../../lib/results/write_reports.ts";
import { renderRunMarkdown } from "../../lib/report/markdown/markdown_report.ts";
import { renderHtmlReport } from "../../lib/report/html/html_report.ts";
import { syntheticRun, syntheticSweep } from "../helpers/report_fixtures.ts";

Deno.test("every results directory gets report.md then report.html, one reporter each", () => {
  assert.deepEqual(
    DIRECTORY_REPORTERS.map((r) => [r.medium, r.fileName]),
    [["markdown", "report.md"], ["html", "report.html"]],
  );
});

Deno.test("the reporters render what the medium's renderers render", async () => {
  const [md, html] = DIRECTORY_REPORTERS;
  const run = syntheticRun();
  assert.equal(await md.render({ kind: "run", run }), renderRunMarkdown(run));
  assert.equal(await html.render({ kind: "run", run }), renderHtmlReport(run));
  const sweep = syntheticSweep();
  assert.equal(await html.render({ kind: "sweep", sweep }), renderHtmlReport(sweep));
});
