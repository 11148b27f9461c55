/**
 * What the verdict section of report.md and report.html shows, read from a run's `verdict.json`:
 * its heading, intro lines and table rows, as strings for either medium. Pure.
 */

import type { BaselineCheck, GateResult, Verdict } from "../metrics/gates.ts";

/** The table rows: gates, SLO attainment and goodput, baseline checks; strings only. */
export function verdictRows(v: Verdict): string[][] {
  // An interrupted run's partial results are shown, not judged.
  const result = (failed: boolean) =>
    v.verdict === "interrupted" ? "not judged" : failed ? "FAIL" : "pass";
  const n = (x: number | null, digits = 2) => (x === null ? "n/a" : x.toFixed(digits));
  const rows: string[][] = v.gates.map((g: GateResult) => [
    g.kind === "slo"
      ? `SLO ${g.expression}`
      : g.kind === "default"
      ? `${g.expression} (default)`
      : g.expression,
    n(g.value),
    String(g.threshold),
    result(g.failed),
  ]);
  if (v.slo) {
    rows.push([
      "SLO attainment",
      `${n(v.slo.attainment_pct, 1)} %`,
      `${v.slo.met}/${v.slo.measured} met`,
      "",
    ]);
    rows.push(["Goodput (req/s)", n(v.slo.goodput_rps), v.slo.per_request.join(", ") || "—", ""]);
  }
  for (const c of v.baseline?.checks ?? []) {
    rows.push([
      `baseline ${c.metric}`,
      `${n(c.value)} (${changeText(c)})`,
      `${n(c.baseline)} ±${c.tolerance_pct} %${
        c.noise_pct === null ? "" : `, noise ${n(c.noise_pct, 1)} %`
      }`,
      result(c.regressed),
    ]);
  }
  return rows;
}

function changeText(c: BaselineCheck): string {
  if (c.change_pct === null) return "n/a";
  return `${c.change_pct > 0 ? "+" : ""}${c.change_pct.toFixed(1)} %`;
}

/** The section heading, e.g. `Verdict: FAIL (exit 3)`. */
export function verdictHeading(v: Verdict): string {
  const word = v.verdict === "fail" ? "FAIL" : v.verdict;
  return `Verdict: ${word} (exit ${v.exit_code})`;
}

/** The lines above the table: the reasons (or that every check passed), then the baseline. */
export function verdictIntro(v: Verdict): string[] {
  const lines = v.reasons.length === 0 ? ["Every check passed."] : v.reasons;
  if (v.baseline) {
    lines.push(
      `Baseline: ${v.baseline.run_dir} (${v.baseline.repeats} stored repeats for the noise band).`,
    );
  }
  return lines;
}
