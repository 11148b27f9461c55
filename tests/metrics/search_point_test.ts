import assert from "node:assert/strict";
import { summarize } from "../../lib/metrics/summary.ts";
import { sloAttainment } from "../../lib/metrics/slo.ts";
import { parseGateList } from "../../lib/metrics/gate_expression.ts";
import { judgeSearchPoint, type SearchCriteria } from "../../lib/metrics/search_point.ts";
import { syntheticRecords, type SyntheticRun } from "../helpers/synthetic_run.ts";

const BASE: SyntheticRun = {
  runId: "p",
  requests: 100,
  intervalMs: 100,
  ttftMs: 40,
  itlMs: 10,
  outputTokens: 10,
  promptTokens: 64,
};

function judge(run: Partial<SyntheticRun>, slo: string[], over: Partial<SearchCriteria> = {}) {
  const problems: string[] = [];
  const parsed = slo.flatMap((s) => parseGateList(s, "--slo", problems));
  assert.deepEqual(problems, []);
  const records = syntheticRecords({ ...BASE, ...run });
  const summary = summarize(records, { loadMode: "closed" });
  const s = sloAttainment(records, parsed, { windowS: summary.throughput.window_s });
  return judgeSearchPoint(summary, {
    criteria: { slo: parsed, failOn: [], attainmentPct: 90, maxErrorRatePct: 1, ...over },
    slo: s,
  });
}

Deno.test("a point passes when every statistic, the attainment and the error rate hold", () => {
  const j = judge({}, ["ttft.p99<=50ms,tpot.p50<=20ms"]);
  assert.equal(j.pass, true);
  assert.deepEqual(j.objectives.map((o) => [o.objective, o.kind, o.met]), [
    ["ttft.p99<=50ms", "slo", true],
    ["tpot.p50<=20ms", "slo", true],
    ["slo_attainment>=90%", "attainment", true],
    ["error_rate<=1%", "error_rate", true],
  ]);
  assert.equal(j.objectives[0].value, 40);
});

Deno.test("a statistic over its bound fails the point and names the measured value", () => {
  const j = judge({ ttftMs: 80 }, ["ttft.p99<=50ms"]);
  assert.equal(j.pass, false);
  const ttft = j.objectives.find((o) => o.metric === "ttft_ms.p99")!;
  assert.deepEqual([ttft.value, ttft.bound, ttft.met], [80, 50, false]);
});

Deno.test("failed requests beyond the error-rate limit fail a point whose latencies are fine", () => {
  const j = judge({ failing: [3, 7] }, ["ttft.p99<=50ms"]);
  assert.equal(j.pass, false);
  const err = j.objectives.find((o) => o.kind === "error_rate")!;
  assert.deepEqual([err.value, err.met], [2, false]);
  // the same point passes with a looser limit
  assert.equal(judge({ failing: [3, 7] }, ["ttft.p99<=50ms"], { maxErrorRatePct: 5 }).pass, true);
});

Deno.test("a per-request SLO counts through the attainment threshold", () => {
  // ttft<=30ms: no request meets it, attainment 0 %
  const j = judge({}, ["ttft<=30ms"]);
  assert.equal(j.pass, false);
  assert.deepEqual(j.objectives.map((o) => o.kind), ["attainment", "error_rate"]);
  assert.equal(j.objectives[0].value, 0);
  // 5 of 100 fail: attainment 95 % meets 90 % but not 99 %
  assert.equal(
    judge({ failing: [1, 2, 3, 4, 5] }, ["ttft<=50ms"], { maxErrorRatePct: 10 }).pass,
    true,
  );
  assert.equal(
    judge({ failing: [1, 2, 3, 4, 5] }, ["ttft<=50ms"], { maxErrorRatePct: 10, attainmentPct: 99 })
      .pass,
    false,
  );
});

Deno.test("a --fail-on gate that fires fails the point, shown as the bound it must meet", () => {
  const problems: string[] = [];
  const failOn = parseGateList("e2e.p50>100ms", "--fail-on", problems);
  const j = judge({}, ["ttft.p99<=50ms"], { failOn });
  const gate = j.objectives.find((o) => o.kind === "fail_on")!;
  assert.equal(gate.objective, "e2e.p50<=100ms");
  assert.equal(gate.met, false); // e2e = 40 + 9 × 10 + 1 = 131 ms
  assert.equal(j.pass, false);
});
