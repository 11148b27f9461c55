/** `report.md` of an SLO search directory. Pure: search.json's figures, formatted. */

import type { SearchDoc } from "../search_doc.ts";
import { formatLoad, searchAnswerLine, searchRows } from "../search_text.ts";
import { markdownTable } from "./markdown_table.ts";

/** `report.md` of a search directory (trailing newline). */
export function renderSearchMarkdown(doc: SearchDoc): string {
  const { head, body } = searchRows(doc);
  const b = doc.bounds;
  const per = doc.per_point;
  const facts: [string, string][] = [
    ["Axis", `${doc.axis} (${doc.unit})`],
    ["SLOs", doc.slo.join(", ")],
    [
      "A point passes when",
      [
        "every SLO statistic holds",
        `per-request attainment ≥ ${doc.criteria.attainment_pct} %`,
        `error rate ≤ ${doc.criteria.max_error_rate_pct} %`,
        ...(doc.criteria.fail_on.length ? [`no --fail-on gate fires`] : []),
      ].join("; "),
    ],
    ["Range", `${formatLoad(b.min)} – ${formatLoad(b.max)}, start ${formatLoad(b.start)}`],
    ["Precision", b.precision],
    ["Points run", `${doc.points.length} of at most ${b.max_points}`],
    [
      "Each point",
      [
        per.duration_ms !== null ? `${per.duration_ms / 1000} s` : "",
        per.requests !== null ? `${per.requests} requests` : "",
      ].filter((s) => s).join(", ") || "-",
    ],
    ["Target", `${doc.model} @ ${doc.base_url}`],
    ["Interrupted", doc.interrupted ? "yes" : "no"],
  ];
  const out = [
    `# llmload SLO search: ${doc.search_id}`,
    "",
    `**${searchAnswerLine(doc)}**`,
    "",
    "## Settings",
    "",
    markdownTable(["Setting", "Value"], facts, { allLeft: true }),
    "",
    "## Points, in the order run",
    "",
    markdownTable(head, body),
    "",
    "✗ marks a missed objective. Bracketing doubles the load until a point fails, bisection " +
    "narrows the gap between the highest pass and the lowest fail, and the answer must pass " +
    "twice (a load with any failing run counts as failing). Each point's run directory holds " +
    "its own report.",
    "",
  ];
  return out.join("\n");
}
