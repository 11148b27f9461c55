/**
 * The verdict in the terminal: the SLO line beside the summary table, and the verdict lines
 * printed last (the reason a cron job's mail shows first when read from the bottom). Pure.
 */

import type { Verdict } from "../../metrics/gates.ts";
import type { SloSummary } from "../../metrics/slo.ts";

/** `SLO ttft.p99<=500ms, tpot.p50<=40ms: attainment 97.5 % (195/200) · goodput 4.10 req/s`. */
export function renderSloLine(slo: SloSummary): string {
  const pct = slo.attainment_pct === null ? "n/a" : `${slo.attainment_pct.toFixed(1)} %`;
  const goodput = slo.goodput_rps === null ? "n/a" : `${slo.goodput_rps.toFixed(2)} req/s`;
  return `SLO ${
    slo.objectives.join(", ")
  }: attainment ${pct} (${slo.met}/${slo.measured}) · goodput ${goodput}`;
}

/**
 * `verdict: FAIL (exit 3)` and one line per reason; `verdict: pass (n gates)`; or
 * `verdict: interrupted (SIGTERM, exit 143): partial results, not judged`.
 */
export function renderVerdictLines(verdict: Verdict): string {
  if (verdict.verdict === "interrupted") {
    return `verdict: interrupted (${verdict.interrupt_reason}, exit ${verdict.exit_code}): ` +
      "partial results, not judged\n";
  }
  const checks = verdict.gates.length + (verdict.baseline?.checks.length ?? 0);
  if (verdict.verdict === "pass") {
    const base = verdict.baseline ? `, baseline ${verdict.baseline.run_dir}` : "";
    return `verdict: pass (${checks} checks${base})\n`;
  }
  return `verdict: FAIL (exit 3): ${verdict.reasons.length} of ${checks} checks failed\n` +
    verdict.reasons.map((r) => `  ${r}\n`).join("");
}
