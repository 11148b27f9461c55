import assert from "node:assert/strict";
import type { SearchAnswer } from "../../lib/metrics/slo_search.ts";
import type { SearchDoc, SearchPointRow } from "../../lib/report/search_doc.ts";
import { searchToCsv } from "../../lib/report/files/search_json.ts";
import { renderSearchMarkdown } from "../../lib/report/markdown/search_markdown.ts";
import { searchAnswerLine } from "../../lib/report/search_text.ts";
import { renderSearchTable } from "../../lib/report/terminal/search_table.ts";
import { renderSearchHtml } from "../../lib/report/html/search_html.ts";
import { externalReferences, wellFormedProblems } from "../helpers/html_checks.ts";

function point(n: number, value: number, ttftP99: number): SearchPointRow {
  const met = ttftP99 <= 500;
  return {
    point: n,
    value,
    phase: n === 1 ? "bracket" : "bisect",
    run_id: `run-${n}`,
    pass: met,
    objectives: [
      {
        objective: "ttft.p99<=500ms",
        metric: "ttft_ms.p99",
        value: ttftP99,
        op: "<=",
        bound: 500,
        unit: "ms",
        met,
        kind: "slo",
      },
      {
        objective: "error_rate<=1%",
        metric: "error_rate_pct",
        value: 0,
        op: "<=",
        bound: 1,
        unit: "%",
        met: true,
        kind: "error_rate",
      },
    ],
    measured: {
      requests_ok: 100,
      requests_failed: 0,
      requests_dropped: 0,
      error_rate_pct: 0,
      slo_attainment_pct: null,
      goodput_rps: null,
      requests_per_s: value * 0.98,
      output_tokens_per_s: value * 100,
      ttft_ms_p50: ttftP99 / 2,
      ttft_ms_p99: ttftP99,
      tpot_ms_p50: 20,
      tpot_ms_p99: 30,
      itl_ms_p50: 20,
      itl_ms_p99: 40,
      e2e_ms_p50: 2000,
      e2e_ms_p99: 3000,
    },
    interrupted: false,
  };
}

function doc(answer: SearchAnswer | null, points = [point(1, 8, 210), point(2, 16, 912.4)]) {
  const d: SearchDoc = {
    search_id: "20261127-120000-abcd-search",
    axis: "rate",
    unit: "req/s",
    slo: ["ttft.p99<=500ms"],
    criteria: { attainment_pct: 90, max_error_rate_pct: 1, fail_on: [] },
    bounds: { min: 1, max: 100, start: 8, precision: "5%", max_points: 12 },
    per_point: { duration_ms: 30000, requests: null, warmup_ms: null, warmup_requests: null },
    model: "m",
    base_url: "http://127.0.0.1:8000/v1",
    interrupted: false,
    points,
    answer,
  };
  return d;
}

const answer = (over: Partial<SearchAnswer>): SearchAnswer => ({
  value: 12.5,
  runs: 2,
  confirmed: true,
  firstFail: 13,
  reason: "converged",
  ...over,
});

Deno.test("the answer line says the load, how often it passed, and what bounded it", () => {
  const cases: [Partial<SearchAnswer>, string][] = [
    [{}, "highest rate meeting the SLOs: 12.5 req/s (confirmed twice; 13 req/s fails)"],
    [
      { value: 100, firstFail: null, reason: "at_max" },
      "highest rate meeting the SLOs: 100 req/s (confirmed twice; --max reached; capacity may be higher)",
    ],
    [
      { runs: 1, confirmed: false, reason: "max_points" },
      "highest rate meeting the SLOs: 12.5 req/s (passed once, not confirmed; 13 req/s fails; --max-points 12 reached)",
    ],
    [
      { value: null, runs: 0, confirmed: false, firstFail: 1, reason: "fails_at_min" },
      "no rate meets the SLOs: even the lowest, 1 req/s (--min), fails",
    ],
    [
      { value: null, runs: 0, confirmed: false, firstFail: 4, reason: "max_points" },
      "no rate met the SLOs before the search stopped (--max-points 12 reached) (lowest failing: 4 req/s)",
    ],
  ];
  for (const [over, line] of cases) assert.equal(searchAnswerLine(doc(answer(over))), line);
});

Deno.test("the terminal table has a column per objective and marks the missed ones", () => {
  const t = renderSearchTable(doc(answer({})));
  const lines = t.split("\n");
  assert.match(lines[0], /^#\s+rate\/s\s+phase\s+result\s+ttft\.p99<=500ms\s+error_rate<=1%/);
  assert.match(lines[2], /^1\s+8\s+bracket\s+pass\s+210 ms\s+0 %/);
  assert.match(lines[3], /^2\s+16\s+bisect\s+FAIL\s+912 ms ✗\s+0 %/);
});

Deno.test("search.csv lists the missed objectives of each point", () => {
  const rows = searchToCsv(doc(answer({}))).trim().split("\n");
  assert.equal(rows.length, 3);
  assert.match(rows[1], /^1,rate,8,bracket,run-1,true,,100,/);
  assert.match(rows[2], /^2,rate,16,bisect,run-2,false,ttft\.p99<=500ms,100,/);
});

Deno.test("report.md and report.html show the answer, the points and a curve per objective", () => {
  const d = doc(answer({ value: 8, firstFail: 16 }));
  const md = renderSearchMarkdown(d);
  assert.ok(md.startsWith("# llmload SLO search: 20261127-120000-abcd-search\n"));
  assert.ok(
    md.includes("**highest rate meeting the SLOs: 8 req/s (confirmed twice; 16 req/s fails)**"),
  );
  assert.ok(md.includes("| 2   |     16 |  bisect |   FAIL |        912 ms ✗ |"), md);
  const html = renderSearchHtml(d);
  assert.deepEqual(wellFormedProblems(html), []);
  assert.deepEqual(externalReferences(html), []);
  for (
    const id of ["search-objective-1", "search-objective-2", "search-throughput", "search-points"]
  ) {
    assert.ok(html.includes(`id="${id}"`), id);
  }
  assert.ok(html.includes("Dashed: the bound (500 ms)"));
});
