/**
 * Issue 20: a run whose streams reasoned shows a TTFAT row and a reasoning line in the terminal
 * table, report.md and report.html; a run without reasoning shows neither (its reports, and the
 * goldens under fixtures/, are unchanged).
 */
import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import { renderSummaryTable } from "../../lib/report/terminal/terminal_table.ts";
import { renderRunMarkdown } from "../../lib/report/markdown/markdown_report.ts";
import { renderRunHtml } from "../../lib/report/html/run_html.ts";
import { reasoningText } from "../../lib/report/reasoning_text.ts";
import { syntheticRun } from "../helpers/report_fixtures.ts";
import { recordFromJsonl, recordToJsonl } from "../../lib/report/files/record_jsonl.ts";

/** The synthetic run with 8 of its 20 tokens per ok request spent reasoning. */
function reasoningRun() {
  const run = syntheticRun();
  const records: RequestRecord[] = run.records.map((r) =>
    r.error || r.dropped ? r : { ...r, reasoningTokens: 8, firstAnswerAt: r.tokenTimes[8] }
  );
  return { ...run, records, summary: summarize(records, { loadMode: "open" }) };
}

Deno.test("summary of reasoning records: totals, answer tokens/s and a ttfat_ms distribution", () => {
  const s = reasoningRun().summary;
  const ok = s.requests.ok;
  assert.equal(s.tokens.reasoning_requests, ok);
  assert.equal(s.tokens.reasoning_total, 8 * ok);
  assert.equal(s.tokens.answer_total, 12 * ok);
  assert.ok(
    Math.abs(s.throughput.answer_tokens_per_s! / s.throughput.output_tokens_per_s! - 0.6) < 1e-9,
  );
  assert.equal(s.ttfat_ms!.count, ok);
  assert.ok(s.ttfat_ms!.p50! > s.ttft_ms.p50!);
});

Deno.test("terminal table: a TTFAT row and a reasoning line only when some request reasoned", () => {
  const with_ = renderSummaryTable(reasoningRun().summary);
  assert.match(with_, /^TTFAT \(answer\)\s+\d+/m);
  assert.match(
    with_,
    /^Reasoning\s+\d+ of \d+ ok requests reasoned, \d+ reasoning tokens \(40\.0%\)/m,
  );
  const without = renderSummaryTable(syntheticRun().summary);
  assert.doesNotMatch(without, /TTFAT|Reasoning|reasoning/);
});

Deno.test("report.md and report.html: a reasoning line and TTFAT only when some request reasoned", () => {
  const run = reasoningRun();
  const text = reasoningText(run.summary)!;
  assert.match(renderRunMarkdown(run), new RegExp(`^Reasoning: ${escape(text)}\\.$`, "m"));
  const html = renderRunHtml(run);
  assert.match(html, /TTFAT \(first answer token\)/);
  assert.match(html, /reasoning tokens/);
  const plain = syntheticRun();
  assert.equal(reasoningText(plain.summary), undefined);
  assert.doesNotMatch(renderRunMarkdown(plain), /Reasoning|TTFAT/);
  assert.doesNotMatch(renderRunHtml(plain), /TTFAT|reasoning tokens/);
});

Deno.test("requests.jsonl: reasoning fields round-trip; lines without them still read, and write none", () => {
  const run = reasoningRun();
  const rec = run.records.find((r) => r.reasoningTokens !== undefined)!;
  const line = recordToJsonl(rec);
  const o = JSON.parse(line);
  assert.equal(o.reasoning_tokens, 8);
  assert.equal(o.first_answer_at_ms, rec.firstAnswerAt);
  assert.equal(o.ttfat_ms, Math.round((rec.firstAnswerAt! - rec.sentAt) * 1000) / 1000);
  const back = recordFromJsonl(line);
  assert.equal(back.reasoningTokens, 8);
  assert.equal(back.firstAnswerAt, rec.firstAnswerAt);
  assert.equal(recordToJsonl(back), line);
  const plain = recordToJsonl(syntheticRun().records[0]);
  assert.doesNotMatch(plain, /reasoning|ttfat|first_answer/);
  assert.equal(recordFromJsonl(plain).reasoningTokens, undefined);
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
