import assert from "node:assert/strict";
import { XMLValidator } from "fast-xml-parser";
import { verdictToJunit, xmlEscape } from "../../lib/report/junit_xml.ts";
import { decideVerdict, type GateResult } from "../../lib/metrics/gates.ts";
import { verdictMarkdown } from "../../lib/report/verdict_section.ts";

const gate = (expression: string, failed: boolean, reason?: string): GateResult => ({
  expression,
  metric: "ttft_ms.p99",
  value: 912,
  threshold: 800,
  failed,
  kind: "fail_on",
  ...(reason ? { reason } : {}),
});

Deno.test("JUnit XML stays well-formed whatever the expressions and reasons contain", () => {
  const nasty = `a<b>&"c'\u0001d`;
  const verdict = decideVerdict([gate("ttft.p99>800ms", true, nasty), gate("x<=1", false)], {
    slo: null,
    baseline: {
      runDir: "base",
      repeats: 0,
      checks: [{
        metric: "tpot_ms_p50",
        baseline: 10,
        value: 30,
        change_pct: 200,
        tolerance_pct: 10,
        noise_pct: null,
        regressed: true,
      }],
    },
  });
  const xml = verdictToJunit(verdict, { runId: `run <&> "1"` });
  assert.equal(XMLValidator.validate(xml), true);
  assert.match(xml, /tests="3" failures="2"/);
  assert.match(xml, /<failure message="a&lt;b&gt;&amp;&quot;c&apos;d">/);
  assert.match(xml, /classname="llmload.baseline" name="tpot_ms_p50">/);
  assert.equal(xmlEscape("\u0000ok\t"), "ok\t");
  // A broken document is caught by the same check (so the assertion above can fail).
  assert.notEqual(XMLValidator.validate(xml.replace("</testsuite>", "")), true);
});

Deno.test("the report's verdict section lists the reasons and one row per check", () => {
  const v = decideVerdict([gate("ttft.p99>800ms", true, "ttft.p99 912 ms > 800 ms")], {
    slo: null,
  });
  const md = verdictMarkdown(v).join("\n");
  assert.match(md, /^## Verdict: FAIL \(exit 3\)\n\n- ttft\.p99 912 ms > 800 ms\n/);
  assert.match(md, /\| ttft\.p99>800ms \| 912\.00 \| 800 \| FAIL \|/);
  assert.deepEqual(verdictMarkdown(undefined), []);
});
