import assert from "node:assert/strict";
import { formatGateValue, holds, parseGateList } from "../../lib/metrics/gate_expression.ts";

Deno.test("gate expressions parse with units, percent and every comparison", () => {
  const table: [string, { metric: string; op: string; threshold: number; unit: string }][] = [
    ["ttft.p99>800ms", { metric: "ttft_ms.p99", op: ">", threshold: 800, unit: "ms" }],
    ["e2e.p95<=10s", { metric: "e2e_ms.p95", op: "<=", threshold: 10_000, unit: "ms" }],
    ["tpot.p50 <= 40ms", { metric: "tpot_ms.p50", op: "<=", threshold: 40, unit: "ms" }],
    ["itl.p99>=0.5s", { metric: "itl_ms.p99", op: ">=", threshold: 500, unit: "ms" }],
    ["error_rate>1%", { metric: "error_rate_pct", op: ">", threshold: 1, unit: "%" }],
    ["output_tokens_per_s<2000", {
      metric: "output_tokens_per_s",
      op: "<",
      threshold: 2000,
      unit: "",
    }],
    ["requests_per_s<2.5", { metric: "requests_per_s", op: "<", threshold: 2.5, unit: "" }],
    ["goodput<4", { metric: "goodput_rps", op: "<", threshold: 4, unit: "" }],
    ["slo_attainment<95%", { metric: "slo_attainment_pct", op: "<", threshold: 95, unit: "%" }],
    ["TTFT.P99>800MS", { metric: "ttft_ms.p99", op: ">", threshold: 800, unit: "ms" }],
  ];
  for (const [text, want] of table) {
    const problems: string[] = [];
    const [g] = parseGateList(text, "--fail-on", problems);
    assert.deepEqual(problems, [], text);
    assert.deepEqual(
      { metric: g.metric, op: g.op, threshold: g.threshold, unit: g.unit },
      want,
      text,
    );
  }
});

Deno.test("a comma-separated list gives one expression each; an SLO may bound each request", () => {
  const problems: string[] = [];
  const gates = parseGateList("ttft.p99<=500ms,tpot.p50<=40ms, e2e<=10s", "--slo", problems);
  assert.deepEqual(problems, []);
  assert.deepEqual(gates.map((g) => g.expression), [
    "ttft.p99<=500ms",
    "tpot.p50<=40ms",
    "e2e<=10s",
  ]);
  assert.equal(gates[0].family, "ttft");
  assert.equal(gates[2].perRequest, "e2e");
  assert.equal(gates[2].metric, "e2e_ms");
});

Deno.test("every bad expression is listed at once, naming the flag and the fix", () => {
  const problems: string[] = [];
  const good = parseGateList(
    "ttft.p99>800,error_rate>1,output_tokens_per_s<2000tok,ttft.p42>1ms,latency>1s,ttft>1s,ttft.p99=1ms,,ok.p50>1ms",
    "--fail-on",
    problems,
  );
  assert.deepEqual(good, []);
  const want = [
    /^--fail-on "ttft.p99>800": a latency needs a unit, ms or s \(e\.g\. ttft\.p99>800ms\)$/,
    /^--fail-on "error_rate>1": error_rate is a percentage: write it with % \(e\.g\. error_rate>1%\)$/,
    /^--fail-on "output_tokens_per_s<2000tok": not an expression; write METRIC OP VALUE/,
    /^--fail-on "ttft.p42>1ms": unknown statistic "p42"; use one of mean, min, max, p50/,
    /^--fail-on "latency>1s": unknown metric "latency"; use ttft\/tpot\/itl\/e2e/,
    /^--fail-on "ttft>1s": ttft needs a statistic, e\.g\. ttft\.p99/,
    /^--fail-on "ttft.p99=1ms": not an expression; write METRIC OP VALUE with OP one of < <= > >=/,
    /^--fail-on has an empty expression/,
    /^--fail-on "ok.p50>1ms": unknown metric "ok.p50"/,
  ];
  assert.equal(problems.length, want.length, problems.join("\n"));
  want.forEach((re, i) => assert.match(problems[i], re));
});

Deno.test("comparisons hold exactly at the bound only for <= and >=", () => {
  assert.deepEqual(
    (["<", "<=", ">", ">="] as const).map((op) => holds(5, op, 5)),
    [false, true, false, true],
  );
  assert.equal(holds(4.99, "<", 5), true);
  assert.equal(holds(5.01, ">", 5), true);
});

Deno.test("gate values are shown in the expression's unit", () => {
  assert.equal(formatGateValue(912.4, "ms"), "912 ms");
  assert.equal(formatGateValue(6.25, "%"), "6.25 %");
  assert.equal(formatGateValue(12.5, ""), "12.5");
  assert.equal(formatGateValue(0, "%"), "0 %");
  assert.equal(formatGateValue(null, "ms"), "n/a");
});
