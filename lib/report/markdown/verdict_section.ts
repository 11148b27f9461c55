/**
 * The verdict section of report.md and report.html, read from a run's `verdict.json` (absent in
 * runs made before verdicts existed: no section). Pure: both renderers share {@link verdictRows}.
 */

import type { BaselineCheck, GateResult, Verdict } from "../../metrics/gates.ts";
import { esc, htmlTable } from "../html/html_page.ts";

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

function heading(v: Verdict): string {
  const word = v.verdict === "fail" ? "FAIL" : v.verdict;
  return `Verdict: ${word} (exit ${v.exit_code})`;
}

function intro(v: Verdict): string[] {
  const lines = v.reasons.length === 0 ? ["Every check passed."] : v.reasons;
  if (v.baseline) {
    lines.push(
      `Baseline: ${v.baseline.run_dir} (${v.baseline.repeats} stored repeats for the noise band).`,
    );
  }
  return lines;
}

/** report.md lines (a `## Verdict: …` section), or none without a verdict. */
export function verdictMarkdown(v: Verdict | undefined): string[] {
  if (!v) return [];
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `## ${heading(v)}`,
    "",
    ...intro(v).map((l) => `- ${l}`),
    "",
    "| Check | Value | Threshold | Result |",
    "|---|---:|---:|---|",
    ...verdictRows(v).map((r) => `| ${r.map(cell).join(" | ")} |`),
    "",
  ];
}

/** report.html section body, or "" without a verdict. */
export function verdictHtml(v: Verdict | undefined): string {
  if (!v) return "";
  return `<section id="verdict"><h2>${esc(heading(v))}</h2>\n<ul>${
    intro(v).map((l) => `<li>${esc(l)}</li>`).join("")
  }</ul>\n${
    htmlTable(["Check", "Value", "Threshold", "Result"], verdictRows(v), { id: "verdict-table" })
  }\n</section>`;
}

/**
 * A sweep's `## Verdict: …` section: failed when any point failed, one line per point with its
 * reasons; none when no point has a verdict (sweeps made before verdicts).
 */
export function sweepVerdictMarkdown(
  points: readonly { name: string; verdict: Verdict | undefined }[],
): string[] {
  if (!points.some((p) => p.verdict)) return [];
  const failed = points.filter((p) => p.verdict?.verdict === "fail");
  const stopped = points.some((p) => p.verdict?.verdict === "interrupted");
  return [
    `## Verdict: ${
      failed.length > 0
        ? `FAIL (exit 3): ${failed.length} of ${points.length} points failed`
        : stopped
        ? "interrupted"
        : "pass"
    }`,
    "",
    ...points.map((p) => {
      const v = p.verdict;
      if (!v) return `- ${p.name}: no verdict`;
      if (v.verdict === "interrupted") return `- ${p.name}: ${v.reasons.join("; ")}`;
      return v.verdict === "pass"
        ? `- ${p.name}: pass`
        : `- ${p.name}: FAIL: ${v.reasons.join("; ")}`;
    }),
    "",
  ];
}
