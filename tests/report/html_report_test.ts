import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { renderHtmlReport } from "../../lib/report/html/html_report.ts";
import { externalReferences, wellFormedProblems } from "../helpers/html_checks.ts";
import { syntheticCompare, syntheticRun, syntheticSweep } from "../helpers/report_fixtures.ts";

function parse(html: string) {
  return (parseHTML(html) as unknown as {
    document: {
      title: string;
      querySelectorAll(s: string): { length: number; [i: number]: { textContent: string } };
      getElementById(id: string): { textContent: string } | null;
    };
  }).document;
}

const RUN_CHARTS = [
  "latency-cdf-ttft",
  "latency-cdf-itl",
  "latency-cdf-e2e",
  "throughput-over-time",
  "requests-over-time",
  "in-flight-over-time",
  "ttft-over-time",
  "errors-over-time",
  "lateness-over-time",
];
const GPU_CHARTS = [
  "gpu-memory",
  "gpu-utilization",
  "gpu-power",
  "server-kv-cache",
  "server-queue",
];

function chartIds(html: string): string[] {
  return [...html.matchAll(/<figure class="chart" id="([^"]+)"/g)].map((m) => m[1]);
}

Deno.test("html checks catch unclosed elements, stray tags and every kind of external reference", () => {
  assert.deepEqual(wellFormedProblems("<div><p>x</p></div>"), []);
  assert.notDeepEqual(wellFormedProblems("<div><p>x</div>"), []);
  assert.notDeepEqual(wellFormedProblems("<div>a < b</div>"), []);
  assert.notDeepEqual(wellFormedProblems("<div class=x></div>"), []);
  assert.deepEqual(externalReferences(`<a href="#charts">x</a><svg><path d="M0"/></svg>`), []);
  assert.equal(externalReferences(`<img src="https://x/y.png">`).length, 2);
  assert.deepEqual(externalReferences(`<a href="http://x">x</a>`), [`href="http://x"`]);
  assert.deepEqual(externalReferences(`<style>a{background:url(//cdn/x.png)}</style>`), [
    "url(//cdn/x.png)",
  ]);
  assert.deepEqual(externalReferences(`<style>@import "x.css";</style>`), ["@import"]);
  assert.deepEqual(externalReferences(`<script>1</script>`), ["<script> element"]);
});

Deno.test("run report with GPU and server data: well-formed, every chart, no external reference", () => {
  const html = renderHtmlReport(syntheticRun({ gpus: 2 }));
  assert.deepEqual(wellFormedProblems(html), []);
  assert.deepEqual(externalReferences(html), []);
  assert.deepEqual(chartIds(html), [...RUN_CHARTS, ...GPU_CHARTS]);
  const doc = parse(html);
  assert.equal(doc.title, "llmload run 20261127-100000-abcd");
  // Every chart is an inline SVG drawn at report time, and the page has no script at all.
  assert.ok(
    doc.querySelectorAll("figure.chart svg").length >= RUN_CHARTS.length + GPU_CHARTS.length,
  );
  assert.equal(doc.querySelectorAll("script").length, 0);
  // Two GPUs: both are in the memory chart's legend.
  const memory = doc.getElementById("gpu-memory")!.textContent;
  assert.match(memory, /GPU 0/);
  assert.match(memory, /GPU 1/);
});

Deno.test("run report tables carry the summary's figures without JavaScript", () => {
  const run = syntheticRun();
  const doc = parse(renderHtmlReport(run));
  const results = doc.getElementById("results-table")!.textContent;
  assert.match(results, new RegExp(`ok\\s*${run.summary.requests.ok}\\b`));
  assert.match(results, /dropped\s*1\b/);
  const latency = doc.getElementById("latency-table")!.textContent;
  assert.match(
    latency,
    new RegExp(`TTFT\\s*${run.summary.ttft_ms.count}\\s*${run.summary.ttft_ms.mean!.toFixed(2)}`),
  );
  assert.match(doc.getElementById("errors-table")!.textContent, /http\s*2\s*500: boom/);
  assert.match(doc.getElementById("configuration-table")!.textContent, /load\.rate\s*10/);
  assert.match(
    doc.getElementById("environment-table")!.textContent,
    /http:\/\/127\.0\.0\.1:8000\/v1/,
  );
});

Deno.test("run report without telemetry has no GPU or server charts and says what was not recorded", () => {
  const html = renderHtmlReport(syntheticRun());
  assert.deepEqual(chartIds(html), RUN_CHARTS);
  assert.match(html, /not recorded/);
});

Deno.test("run report escapes text from meta.json (a tag cannot inject markup)", () => {
  const html = renderHtmlReport(
    syntheticRun({ meta: { notes: `<script>alert(1)</script> & "x"` } }),
  );
  assert.deepEqual(wellFormedProblems(html), []);
  assert.deepEqual(externalReferences(html), []);
  assert.match(html, /&#60;script&#62;alert\(1\)&#60;\/script&#62; &#38; &#34;x&#34;/);
});

Deno.test("run with adapters gets per-adapter bars", () => {
  const html = renderHtmlReport(syntheticRun({ adapters: ["sql-lora", "chat-lora", "m"] }));
  assert.deepEqual(chartIds(html).slice(-2), ["adapter-ttft", "adapter-e2e"]);
  assert.match(html, /sql-lora/);
});

Deno.test("sweep report: points table, concurrency table, sweep curves, GPU peaks, overlays", () => {
  const input = syntheticSweep();
  const html = renderHtmlReport(input);
  assert.deepEqual(wellFormedProblems(html), []);
  assert.deepEqual(externalReferences(html), []);
  const ids = chartIds(html);
  for (
    const id of [
      "sweep-ttft",
      "sweep-e2e",
      "sweep-throughput",
      "sweep-throughput-latency",
      "sweep-gpu-memory",
      "sweep-gpu-utilization",
      "latency-cdf-ttft",
      "gpu-memory",
    ]
  ) assert.ok(ids.includes(id), `missing chart ${id} in ${ids.join(", ")}`);
  const doc = parse(html);
  assert.equal(doc.querySelectorAll("#sweep-table tbody tr").length, 4);
  assert.equal(doc.querySelectorAll("#concurrency-table tbody tr").length, 4);
  // The overlaid TTFT distribution has one legend entry per point.
  assert.match(doc.getElementById("latency-cdf-ttft")!.textContent, /concurrency=8/);
});

Deno.test("compare report: change against the first run in each metric's direction, charts overlaid", () => {
  const html = renderHtmlReport(syntheticCompare());
  assert.deepEqual(wellFormedProblems(html), []);
  assert.deepEqual(externalReferences(html), []);
  const doc = parse(html);
  const table = doc.getElementById("comparison-table")!.textContent;
  // chunked-off has +30 ms TTFT everywhere: worse on TTFT, equal rates.
  assert.match(table, /P50 TTFT[^%]*%\s*worse/);
  assert.ok(html.includes(`class="num worse"`));
  assert.match(doc.getElementById("latency-cdf-ttft")!.textContent, /chunked-on[\s\S]*chunked-off/);
  assert.ok(chartIds(html).includes("gpu-memory"));
});

Deno.test("rendering is deterministic: the same input gives the same bytes", () => {
  assert.equal(
    renderHtmlReport(syntheticRun({ gpus: 1 })),
    renderHtmlReport(syntheticRun({ gpus: 1 })),
  );
  assert.equal(renderHtmlReport(syntheticSweep()), renderHtmlReport(syntheticSweep()));
});
