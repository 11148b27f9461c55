import assert from "node:assert/strict";
import { type HistoryRecord, historyRecord, historyTrend } from "../../lib/metrics/run_history.ts";
import {
  HISTORY_CSV_COLUMNS,
  historyToCsv,
  historyToJson,
} from "../../lib/report/files/history_files.ts";
import { renderHistoryMarkdown } from "../../lib/report/markdown/history_markdown.ts";
import { renderHistoryTable } from "../../lib/report/terminal/history_table.ts";
import { PROM_FAMILIES, renderPromText } from "../../lib/report/files/prom_export.ts";
import { renderHistoryHtml } from "../../lib/report/html/history_html.ts";
import { parsePromText } from "../../lib/telemetry/prom_text.ts";
import { externalReferences, wellFormedProblems } from "../helpers/html_checks.ts";

function rec(time: string, over: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    ...historyRecord({
      summary: {
        requests: { total: 100, ok: 98, failed: 2, dropped: 0 },
        throughput: { requests_per_s: 4, output_tokens_per_s: 500 },
        ttft_ms: { p50: 100, p99: 800 },
        tpot_ms: { p50: 10, p99: 20 },
        e2e_ms: { p50: 1000, p99: 2000 },
      },
      meta: {
        run_id: time,
        started_at: time,
        target: { url: "http://gpu:8000/v1", model: "llama-3", sim: false },
      },
      verdict: null,
    }, { runDir: `runs/${time}`, scenario: "nightly" }),
    ...over,
  };
}

const PASS = rec("2026-11-25T03:00:00.000Z", { verdict: "pass" });
const FAIL = rec("2026-11-26T03:00:00.000Z", {
  verdict: "fail",
  verdict_reasons: ["ttft.p99 1000 ms > 800 ms"],
  ttft_p99_ms: 1000,
});

Deno.test("terminal trend: FAIL and ✗ mark the failing run, its change shown against the previous", () => {
  const text = renderHistoryTable(historyTrend([PASS, FAIL]));
  const lines = text.split("\n");
  const failLine = lines.find((l) => l.includes("2026-11-26"))!;
  assert.match(failLine, /^✗ /);
  assert.match(failLine, /FAIL/);
  assert.match(failLine, /1000 \+25\.0%/); // TTFT p99 800 → 1000
  assert.doesNotMatch(lines.find((l) => l.includes("2026-11-25"))!, /✗|FAIL/);
  assert.ok(!text.includes("\x1b["), "no colour unless asked");
  const colored = renderHistoryTable(historyTrend([PASS, FAIL]), { color: true });
  assert.equal(colored.split("\n").filter((l) => l.includes("\x1b[31m")).length, 1);
});

Deno.test("markdown and CSV trends carry the same rows; CSV columns are the contract", () => {
  const rows = historyTrend([PASS, FAIL]);
  const md = renderHistoryMarkdown(rows);
  assert.match(md, /\*\*FAIL\*\* ✗/);
  const [head, first, second] = historyToCsv(rows).trimEnd().split("\n");
  assert.deepEqual(head.split(","), HISTORY_CSV_COLUMNS);
  const col = (line: string, name: string) => line.split(",")[HISTORY_CSV_COLUMNS.indexOf(name)];
  assert.equal(col(first, "ttft_p99_ms_change_pct"), "");
  assert.equal(col(second, "ttft_p99_ms"), "1000");
  assert.equal(col(second, "ttft_p99_ms_change_pct"), "25");
  assert.equal(col(second, "verdict"), "fail");
  const json = JSON.parse(historyToJson(rows));
  assert.equal(json.runs[1].change_pct.ttft_p99_ms, 25);
  assert.equal(json.runs[1].previous_run_id, PASS.run_id);
});

Deno.test("prom text parses strictly, with units in names, labels and the verdict as 0/1", () => {
  const text = renderPromText([FAIL]);
  const families = parsePromText(text); // throws on any grammar or HELP/TYPE problem
  const ttft = families.get("llmload_ttft_seconds")!;
  assert.equal(ttft.type, "gauge");
  const p99 = ttft.samples.find((s) => s.labels.quantile === "0.99")!;
  assert.equal(p99.value, 1); // 1000 ms
  assert.deepEqual(
    { scenario: p99.labels.scenario, target: p99.labels.target, model: p99.labels.model },
    { scenario: "nightly", target: "http://gpu:8000/v1", model: "llama-3" },
  );
  assert.equal(families.get("llmload_verdict_pass")!.samples[0].value, 0);
  assert.equal(
    parsePromText(renderPromText([PASS])).get("llmload_verdict_pass")!.samples[0].value,
    1,
  );
  assert.equal(families.get("llmload_error_ratio")!.samples[0].value, 0.02);
  for (const name of families.keys()) assert.ok(PROM_FAMILIES.includes(name), name);
});

Deno.test("prom text leaves out what a run lacks and escapes awkward label values", () => {
  const odd = rec("2026-11-27T03:00:00.000Z", {
    scenario: 'my "odd"\\scenario\nx',
    verdict: null,
    ttft_p50_ms: null,
    ttft_p99_ms: null,
  });
  const families = parsePromText(renderPromText([odd]));
  assert.equal(families.has("llmload_verdict_pass"), false); // no verdict.json: no sample
  assert.equal(families.has("llmload_ttft_seconds"), false);
  assert.equal(families.has("llmload_gpu_energy_joules"), false);
  const s = families.get("llmload_e2e_seconds")!.samples[0];
  assert.equal(s.labels.scenario, 'my "odd"\\scenario\nx');
});

Deno.test("a sweep's prom page has every point, told apart by the point label", () => {
  const point = (label: string, index: number, p99: number) =>
    rec("2026-11-27T03:00:00.000Z", {
      parent: { kind: "sweep", id: "sweep-1", index, label },
      ttft_p99_ms: p99,
    });
  const families = parsePromText(
    renderPromText([point("concurrency=1", 1, 100), point("concurrency=8", 2, 700)]),
  );
  const p99 = families.get("llmload_ttft_seconds")!.samples.filter((s) =>
    s.labels.quantile === "0.99"
  );
  assert.deepEqual(p99.map((s) => [s.labels.point, s.value]), [
    ["concurrency=1", 0.1],
    ["concurrency=8", 0.7],
  ]);
  // The same point twice (a re-run) keeps the later one instead of a duplicate series.
  const again = parsePromText(
    renderPromText([point("concurrency=1", 1, 100), point("concurrency=1", 1, 300)]),
  );
  const kept = again.get("llmload_ttft_seconds")!.samples.filter((s) =>
    s.labels.quantile === "0.99"
  );
  assert.deepEqual(kept.map((s) => s.value), [0.3]);
});

Deno.test("history page is self-contained, charts the metrics and marks the failing run", () => {
  const html = renderHistoryHtml(historyTrend([PASS, FAIL]));
  assert.deepEqual(externalReferences(html), []);
  assert.deepEqual(wellFormedProblems(html), []);
  for (const id of ["history-ttft", "history-tpot", "history-e2e", "history-throughput"]) {
    assert.match(html, new RegExp(`<figure class="chart" id="${id}">`), id);
  }
  assert.match(html, /<svg/);
  assert.match(html, /<td class="worse"><strong>FAIL ✗<\/strong><\/td>/);
  assert.match(html, /ttft\.p99 1000 ms &#62; 800 ms/);
  assert.doesNotMatch(html, /<script/);
  const figure = (page: string) =>
    page.slice(page.indexOf('id="history-ttft"'), page.indexOf('id="history-tpot"'));
  assert.match(figure(html), /stroke="#b3261e"/); // the failing run ringed in red
  // No failing run: no red rings, and the page says so.
  const calm = renderHistoryHtml(historyTrend([PASS]));
  assert.match(calm, /No recorded run failed its gates/);
  assert.doesNotMatch(figure(calm), /#b3261e/);
});
