/**
 * `--junit FILE`: a verdict as JUnit XML for CI systems, one test case per gate (and per
 * metric compared with a baseline), a `<failure>` on each that failed. Pure.
 */

import type { Verdict } from "../../metrics/gates.ts";

/** Escapes text for XML attributes and content (no control characters survive). */
export function xmlEscape(text: string): string {
  return text
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** The JUnit XML of `verdict` for the run `runId`. */
export function verdictToJunit(verdict: Verdict, options: { runId: string }): string {
  const cases: { classname: string; name: string; failure?: string }[] = [];
  for (const g of verdict.gates) {
    cases.push({
      classname: `llmload.${g.kind === "slo" ? "slo" : "gates"}`,
      name: g.expression,
      ...(g.failed ? { failure: g.reason ?? "failed" } : {}),
    });
  }
  for (const c of verdict.baseline?.checks ?? []) {
    const failure = verdict.baseline!.regressions.find((r) => r.metric === c.metric);
    cases.push({
      classname: "llmload.baseline",
      name: c.metric,
      ...(failure
        ? {
          failure: verdict.reasons.find((r) => r.startsWith(`regression: ${c.metric} `)) ??
            "regressed",
        }
        : {}),
    });
  }
  // An interrupted run is not judged: every case is skipped, none failed.
  const skipped = verdict.verdict === "interrupted" ? verdict.reasons[0] : undefined;
  if (skipped !== undefined) { for (const c of cases) delete c.failure; }
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const suite = `llmload ${options.runId}`;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="llmload" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${
      xmlEscape(suite)
    }" tests="${cases.length}" failures="${failures}" errors="0" skipped="${
      skipped === undefined ? 0 : cases.length
    }">`,
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}"`;
    if (skipped !== undefined) {
      lines.push(`${open}>`, `      <skipped message="${xmlEscape(skipped)}"/>`, `    </testcase>`);
    } else if (c.failure === undefined) lines.push(`${open}/>`);
    else {
      lines.push(
        `${open}>`,
        `      <failure message="${xmlEscape(c.failure)}">${xmlEscape(c.failure)}</failure>`,
        `    </testcase>`,
      );
    }
  }
  lines.push(`  </testsuite>`, `</testsuites>`);
  return lines.join("\n") + "\n";
}
