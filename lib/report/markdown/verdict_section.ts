/**
 * The verdict section of report.md, read from a run's `verdict.json` (absent in runs made before
 * verdicts existed: no section). Pure: the HTML report shares its rows (../verdict_rows.ts).
 */

import type { Verdict } from "../../metrics/gates.ts";
import { verdictHeading, verdictIntro, verdictRows } from "../verdict_rows.ts";

/** report.md lines (a `## Verdict: …` section), or none without a verdict. */
export function verdictMarkdown(v: Verdict | undefined): string[] {
  if (!v) return [];
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `## ${verdictHeading(v)}`,
    "",
    ...verdictIntro(v).map((l) => `- ${l}`),
    "",
    "| Check | Value | Threshold | Result |",
    "|---|---:|---:|---|",
    ...verdictRows(v).map((r) => `| ${r.map(cell).join(" | ")} |`),
    "",
  ];
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
