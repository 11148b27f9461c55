import assert from "node:assert/strict";
import { XMLValidator } from "fast-xml-parser";
import { verdictToJunit, xmlEscape } from "../../lib/report/files/junit_xml.ts";
import {
  decideVerdict,
  type GateResult,
  interruptedVerdict,
  stopExitCode,
} from "../../lib/metrics/gates.ts";
import { renderVerdictLines } from "../../lib/report/terminal/verdict_lines.ts";
import { verdictMarkdown } from "../../lib/report/markdown/verdict_section.ts";

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

Deno.test("an interrupted run's verdict is not judged: heading, rows, terminal line and JUnit say so, never FAIL", () => {
  const judged = decideVerdict([gate("ttft.p99>800ms", true, "ttft.p99 912 ms > 800 ms")], {
    slo: null,
  });
  assert.equal(judged.verdict, "fail");
  for (const [reason, code] of [["SIGTERM", 143], ["SIGINT", 130], ["max-runtime", 1]] as const) {
    const v = interruptedVerdict(judged, reason);
    assert.equal(v.verdict, "interrupted");
    assert.equal(v.exit_code, code);
    assert.equal(v.interrupt_reason, reason);
    assert.equal(v.gates[0].failed, true, "the gate stays as evaluated, for information");
    assert.deepEqual(v.reasons, [`interrupted (${reason}): partial results, not judged`]);
    const md = verdictMarkdown(v).join("\n");
    assert.match(md, new RegExp(`## Verdict: interrupted \\(exit ${code}\\)`));
    assert.match(md, /not judged/);
    assert.doesNotMatch(md, /FAIL/);
    assert.equal(
      renderVerdictLines(v),
      `verdict: interrupted (${reason}, exit ${code}): partial results, not judged\n`,
    );
    const xml = verdictToJunit(v, { runId: "r" });
    assert.equal(XMLValidator.validate(xml), true);
    assert.match(xml, /failures="0" errors="0" skipped="1"/);
    assert.match(xml, /<skipped message="interrupted/);
    assert.doesNotMatch(xml, /<failure/);
  }
  assert.equal(stopExitCode("server exited"), 130, "another reason: the interrupted code");
});
