import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { summarize, type Summary } from "../../lib/metrics/summary.ts";
import { parseGateList } from "../../lib/metrics/gate_expression.ts";
import { sloAttainment } from "../../lib/metrics/slo.ts";
import {
  baselineChecks,
  decideVerdict,
  DEFAULT_ERROR_GATE,
  evaluateGates,
} from "../../lib/metrics/gates.ts";
import { compareRuns } from "../../lib/metrics/runs_comparison.ts";

let next = 0;
/** An ok request sent at `at` ms: first token after `ttft` ms, then `n - 1` tokens `itl` ms apart. */
function ok(at: number, ttft: number, itl: number, n = 5): RequestRecord {
  const i = next++;
  const tokenTimes = Array.from({ length: n }, (_, k) => at + ttft + k * itl);
  return {
    index: i,
    phase: "measure",
    requestId: `r${i}`,
    model: "m",
    scheduledAt: at,
    sentAt: at,
    endAt: tokenTimes[n - 1],
    tokenTimes,
    tokenCounts: tokenTimes.map(() => 1),
    outputTokens: n,
    outputTokensSource: "usage",
    status: 200,
  };
}
function failed(at: number): RequestRecord {
  return {
    ...ok(at, 10, 10, 1),
    tokenTimes: [],
    tokenCounts: [],
    outputTokens: 0,
    status: 500,
    error: { kind: "http", message: "boom", status: 500 },
  };
}
const slo = (text: string) => parseGateList(text, "--slo", []);
const failOn = (text: string) => parseGateList(text, "--fail-on", []);

Deno.test("goodput counts requests meeting every per-request bound over the summary's window", () => {
  // 10 requests over 0..1000 ms: 6 fast, 2 with a slow first token, 1 with one slow gap, 1 failed.
  const records = [
    ...[0, 100, 200, 300, 400, 500].map((t) => ok(t, 50, 10)),
    ok(600, 900, 10), // TTFT 900 ms: misses ttft<=500ms
    ok(700, 600, 10), // TTFT 600 ms: misses too
    { ...ok(800, 50, 10), tokenTimes: [850, 860, 870, 990, 1000], endAt: 1000 }, // a 120 ms gap
    failed(900),
    { ...ok(0, 5000, 1), phase: "warmup" as const }, // warm-up: neither counted nor measured
  ];
  const summary = summarize(records, { loadMode: "open" });
  const windowS = summary.throughput.window_s!;
  const s = sloAttainment(records, slo("ttft.p99<=500ms,itl.p99<=100ms,output_tokens_per_s>1"), {
    windowS,
  });
  assert.equal(s.measured, 10);
  assert.equal(s.met, 6);
  assert.equal(s.attainment_pct, 60);
  assert.equal(s.goodput_rps, 6 / windowS);
  assert.deepEqual(s.per_request, ["ttft<=500ms", "itl<=100ms"]);
  assert.ok(s.goodput_rps! < summary.throughput.requests_per_s!);
});

Deno.test("a value a request lacks does not count against it; no window gives no goodput", () => {
  const one = ok(0, 20, 10, 1); // one token: no TPOT
  const s = sloAttainment([one], slo("tpot.p50<=1ms"), { windowS: null });
  assert.equal(s.met, 1);
  assert.equal(s.goodput_rps, null);
  assert.equal(sloAttainment([], slo("ttft<=1s"), { windowS: null }).attainment_pct, null);
});

function summaryOf(records: RequestRecord[]): Summary {
  return summarize(records, { loadMode: "open" });
}

Deno.test("fail-on gates fail when they hold, SLO statistics when they do not", () => {
  const records = [ok(0, 100, 10), ok(100, 900, 10), failed(200)];
  const summary = summaryOf(records);
  const objectives = slo("ttft.p99<=500ms,e2e.p50<=10s");
  const gates = evaluateGates(summary, {
    failOn: failOn("ttft.p99>800ms,output_tokens_per_s<1"),
    slo: objectives,
    sloSummary: sloAttainment(records, objectives, { windowS: summary.throughput.window_s }),
    defaultErrorGate: failOn(DEFAULT_ERROR_GATE)[0],
  });
  assert.deepEqual(
    gates.map((g) => [g.kind, g.expression, g.failed]),
    [
      ["default", "error_rate>5%", true], // 1 of 3 failed
      ["fail_on", "ttft.p99>800ms", true],
      ["fail_on", "output_tokens_per_s<1", false],
      ["slo", "ttft.p99<=500ms", true],
      ["slo", "e2e.p50<=10s", false],
    ],
  );
  assert.match(gates[0].reason!, /^error_rate 33\.33 % > 5 % \(default error-rate gate\)$/);
  assert.equal(gates[1].metric, "ttft_ms.p99");
  assert.equal(gates[1].threshold, 800);
  assert.match(gates[3].reason!, /^SLO not met: ttft\.p99 8\d\d ms, objective <= 500 ms$/);
  const v = decideVerdict(gates, { slo: null });
  assert.equal(v.verdict, "fail");
  assert.equal(v.exit_code, 3);
  assert.equal(v.reasons.length, 3);
});

Deno.test("a gate on a metric without a value fails: no successful request is no pass", () => {
  const summary = summaryOf([failed(0), failed(10)]);
  const [g] = evaluateGates(summary, {
    failOn: failOn("ttft.p99>800ms"),
    slo: [],
    sloSummary: null,
    defaultErrorGate: null,
  });
  assert.equal(g.value, null);
  assert.equal(g.failed, true);
  assert.match(g.reason!, /has no value/);
});

Deno.test("a run with exactly 5 % failed passes the default gate, 6 % fails it", () => {
  const run = (bad: number) => {
    const records = Array.from({ length: 100 }, (_, i) => i < bad ? failed(i) : ok(i, 10, 10));
    return evaluateGates(summaryOf(records), {
      failOn: [],
      slo: [],
      sloSummary: null,
      defaultErrorGate: failOn(DEFAULT_ERROR_GATE)[0],
    })[0].failed;
  };
  assert.equal(run(5), false);
  assert.equal(run(6), true);
});

/** A summary whose TTFT is `ttft` ms and ITL `itl` ms, 4 requests per second. */
function steady(ttft: number, itl: number): Summary {
  return summaryOf([0, 250, 500, 750].map((t) => ok(t, ttft, itl)));
}

Deno.test("baseline: worse than the tolerance regresses, within it does not, better never", () => {
  const base = steady(100, 10);
  const check = (current: Summary, tolerancePct = 10) =>
    baselineChecks(
      compareRuns([{ name: "base", summary: base }, { name: "now", summary: current }]),
      {
        tolerancePct,
      },
    );
  const slower = check(steady(150, 10)); // TTFT +50 %
  const ttft = slower.find((c) => c.metric === "ttft_ms_p99")!;
  assert.equal(ttft.regressed, true);
  assert.equal(ttft.change_pct, 50);
  assert.equal(ttft.noise_pct, null);
  assert.equal(
    check(steady(150, 10), 60).find((c) => c.metric === "ttft_ms_p99")!.regressed,
    false,
  );
  assert.equal(
    check(steady(109, 10)).some((c) => c.regressed && c.metric.startsWith("ttft")),
    false,
  );
  assert.equal(check(steady(50, 5)).some((c) => c.regressed), false); // faster
  const v = decideVerdict([], {
    slo: null,
    baseline: { runDir: "base", repeats: 0, checks: slower },
  });
  assert.equal(v.verdict, "fail");
  assert.ok(v.baseline!.regressions.some((r) => r.metric === "ttft_ms_p99"));
  assert.match(v.reasons.find((r) => r.includes("ttft_ms_p99"))!, /\+50\.0 %, tolerance 10 %/);
});

Deno.test("baseline: with repeats a change must also exceed the run-to-run noise", () => {
  // The baseline's repeats differ by 30 % in TTFT: a 20 % slower run is beyond the 10 %
  // tolerance but within noise, a 40 % slower one is beyond both.
  const runs = (now: Summary) =>
    compareRuns([
      { name: "base", summary: steady(100, 10), repeatKey: "b" },
      { name: "repeat", summary: steady(130, 10), repeatKey: "b" },
      { name: "now", summary: now },
    ]);
  const ttft = (now: Summary) =>
    baselineChecks(runs(now), { tolerancePct: 10 }).find((c) => c.metric === "ttft_ms_p50")!;
  assert.ok(Math.abs(ttft(steady(120, 10)).noise_pct! - 30) < 1e-9);
  assert.equal(ttft(steady(120, 10)).regressed, false);
  assert.equal(ttft(steady(140, 10)).regressed, true);
});

Deno.test("SLO attainment leaves out requests llmload cancelled itself; a server error still counts", () => {
  const cancelled: RequestRecord = {
    ...failed(300),
    status: 200,
    error: { kind: "cancelled", message: "cancelled: run stopping", status: 200 },
  };
  const records = [ok(0, 50, 10), ok(100, 50, 10), cancelled, failed(400)];
  const summary = summarize(records, { loadMode: "closed" });
  const s = sloAttainment(records, slo("ttft<=500ms"), { windowS: summary.throughput.window_s! });
  assert.equal(s.measured, 3);
  assert.equal(s.met, 2);
});
