import assert from "node:assert/strict";
import { summarize, type Summary } from "../../lib/metrics/summary.ts";
import { compareVariants } from "../../lib/metrics/variant_comparison.ts";
import { classifyServerFailure, findOomLine } from "../../lib/metrics/server_failure.ts";
import {
  type ComparisonReportInput,
  formatChange,
} from "../../lib/report/variant_comparison_rows.ts";
import { renderComparisonHtml } from "../../lib/report/html/variant_comparison_html.ts";
import { renderComparisonMarkdown } from "../../lib/report/markdown/variant_comparison_markdown.ts";
import { renderComparisonText } from "../../lib/report/terminal/variant_comparison_text.ts";

/** A summary whose E2E mean and ITL p99 are the given values (the rest from no records). */
function summaryWith(e2eMean: number, itlP99: number): Summary {
  const s = summarize([], { loadMode: "open" });
  return { ...s, e2e_ms: { ...s.e2e_ms, mean: e2eMean }, itl_ms: { ...s.itl_ms, p99: itlP99 } };
}

const ON = new Map([["3000", summaryWith(1000, 40)], ["6000", summaryWith(2000, 41)]]);
const OFF = new Map([["3000", summaryWith(1200, 180)], ["6000", summaryWith(1800, 360)]]);

Deno.test("comparison: each variant's value and its change in % vs the first, per point", () => {
  const c = compareVariants([
    { label: "chunked=on", status: "ok", points: ON },
    { label: "chunked=off", status: "ok", points: OFF },
  ]);
  assert.deepEqual(c.points, ["3000", "6000"]);
  const e2e = c.metrics.find((m) => m.key === "e2e_ms_mean")!;
  assert.deepEqual(e2e.rows[0].values, [1000, 1200]);
  assert.deepEqual(e2e.rows[0].changePct, [null, 20]);
  assert.deepEqual(e2e.rows[1].changePct, [null, -10]);
  const itl = c.metrics.find((m) => m.key === "itl_ms_p99")!;
  assert.equal(itl.rows[1].changePct[1], (360 - 41) / 41 * 100);
});

Deno.test("comparison: a failed variant has no values and no change, the others still compare", () => {
  const c = compareVariants([
    { label: "a", status: "ok", points: ON },
    { label: "b", status: "oom", points: new Map() },
    { label: "c", status: "crashed_mid_run", points: new Map([["3000", summaryWith(500, 1)]]) },
  ], { points: ["3000", "6000"] });
  const e2e = c.metrics.find((m) => m.key === "e2e_ms_mean")!;
  assert.deepEqual(e2e.rows[0].values, [1000, null, 500]);
  assert.deepEqual(e2e.rows[0].changePct, [null, null, -50]);
  assert.deepEqual(e2e.rows[1].values, [2000, null, null]);
});

Deno.test("log classifier: CUDA OOM, torch OutOfMemoryError and KV cache refusals are oom", () => {
  const cases: [string, boolean][] = [
    ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.", true],
    ["RuntimeError: CUDA error: out of memory", true],
    [
      "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization`",
      true,
    ],
    [
      "ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (43344).",
      true,
    ],
    ["torch.cuda.OutOfMemoryError: HIP out of memory", true],
    ["INFO: Started server process [1234]", false],
    ["ValueError: unknown quantization method", false],
  ];
  for (const [line, oom] of cases) {
    assert.equal(findOomLine(["x", line]) !== undefined, oom, line);
    assert.equal(
      classifyServerFailure("starting", { exited: true, logTail: [line] }),
      oom ? "oom" : "exited_early",
      line,
    );
  }
});

Deno.test("failure kind by phase when the log names no OOM", () => {
  const logTail = ["Traceback (most recent call last):", "KeyError: 'x'"];
  assert.equal(classifyServerFailure("starting", { exited: true, logTail }), "exited_early");
  assert.equal(classifyServerFailure("starting", { exited: false, logTail }), "never_ready");
  assert.equal(classifyServerFailure("running", { exited: true, logTail }), "crashed_mid_run");
});

Deno.test("comparison report: the guide's layout in text, Markdown and HTML, failures with log tails", () => {
  const comparison = compareVariants([
    { label: "chunked=on", status: "ok", points: ON },
    { label: "chunked=off", status: "ok", points: OFF },
    { label: "chunked=broken", status: "oom", points: new Map() },
  ]);
  const input: ComparisonReportInput = {
    title: "llmload chunked-prefill-ab",
    pointHeading: "input tokens",
    comparison,
    variants: [
      { index: 1, label: "chunked=on", status: "ok", argv: ["sim", "--chunked-prefill=on"] },
      { index: 2, label: "chunked=off", status: "ok", argv: ["sim", "--chunked-prefill=off"] },
      {
        index: 3,
        label: "chunked=broken",
        status: "failed (oom)",
        argv: ["sim"],
        failure: { kind: "oom", message: "exited", logTail: ["torch.OutOfMemoryError: <boom>"] },
      },
    ],
  };
  const text = renderComparisonText(input);
  assert.match(text, /E2E mean, ms \(lower is better\)/);
  assert.match(
    text,
    /input tokens +chunked=on +chunked=off +chunked=broken +chunked=off vs chunked=on +chunked=broken vs chunked=on/,
  );
  assert.match(text, /\n3000 +1000 +1200 +– +\+20\.0% +–\n/);
  assert.match(text, /\n6000 +2000 +1800 +– +-10\.0% +–\n/);
  assert.match(text, /variant 3 \(chunked=broken\): oom: exited/);
  const md = renderComparisonMarkdown(input);
  assert.match(md, /## ITL p99, ms \(lower is better\)/);
  assert.match(md, /\| 3000 +\| +40\.0 \| +180 \| +– \| +\+350\.0% \|/);
  assert.match(
    md,
    /### 3\. chunked=broken: oom\n\nexited\n\n```\ntorch\.OutOfMemoryError: <boom>\n```/,
  );
  const html = renderComparisonHtml(input);
  assert.match(html, /<section id="metric-e2e_ms_mean">/);
  assert.match(html, /torch\.OutOfMemoryError: &#60;boom&#62;/);
  assert.ok(!html.includes("<boom>"));
});

Deno.test("a change is signed, one decimal, ± for none", () => {
  assert.equal(formatChange(12.345), "+12.3%");
  assert.equal(formatChange(-3.04), "-3.0%");
  assert.equal(formatChange(0.01), "±0.0%");
  assert.equal(formatChange(null), "–");
});
