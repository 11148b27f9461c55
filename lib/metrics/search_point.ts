/**
 * Whether one point of an SLO search meets the SLOs, objective by objective. Pure: a point's
 * summary and SLO attainment in, a list of checked objectives and one pass/fail out.
 *
 * A point meets the SLOs when all of these hold:
 * - every `--slo` expression with a statistic or a rate (`ttft.p99<=500ms`, `goodput>=4`);
 * - per-request attainment ≥ `attainmentPct` (default 90 %): the share of measured requests
 *   (ok + failed + dropped) meeting every per-request bound the SLOs imply (slo.ts), so an SLO
 *   written without a statistic (`ttft<=500ms`) counts here;
 * - error rate ≤ `maxErrorRatePct` (default 1 %): (failed + dropped) / measured requests, so a
 *   server shedding load by refusing it does not look fast;
 * - no `--fail-on` gate fires.
 * A metric without a value (no successful request) fails its objective.
 */

import type { Summary } from "./summary.ts";
import type { SloSummary } from "./slo.ts";
import { gateMetricValue } from "./gates.ts";
import { type GateExpression, type GateOp, holds } from "./gate_expression.ts";

/** Default minimum per-request SLO attainment of a passing point, %. */
export const DEFAULT_SEARCH_ATTAINMENT_PCT = 90;
/** Default maximum error rate of a passing point, % of measured requests. */
export const DEFAULT_SEARCH_MAX_ERROR_RATE_PCT = 1;

/** What a point must meet. */
export interface SearchCriteria {
  /** The `--slo` expressions, parsed. */
  slo: readonly GateExpression[];
  /** The `--fail-on` expressions, parsed (a point fails when one holds). */
  failOn: readonly GateExpression[];
  /** Minimum per-request attainment, %; applies when the SLOs imply per-request bounds. */
  attainmentPct: number;
  /** Maximum (failed + dropped) / measured requests, %. */
  maxErrorRatePct: number;
}

/** One checked objective of a point (search.json `points[].objectives[]`). */
export interface ObjectiveCheck {
  /** The objective as a passing point must meet it: `ttft.p99<=500ms`, `error_rate<=1%`. */
  objective: string;
  /** The summary metric (`ttft_ms.p99`, `slo_attainment_pct`, `error_rate_pct`). */
  metric: string;
  value: number | null;
  op: GateOp;
  /** In the metric's unit (ms, %, per second). */
  bound: number;
  unit: "ms" | "%" | "";
  met: boolean;
  /** Where it comes from: an `--slo` expression, `--attainment`, the error rate, `--fail-on`. */
  kind: "slo" | "attainment" | "error_rate" | "fail_on";
}

/** A point's judgement. */
export interface PointJudgement {
  pass: boolean;
  objectives: ObjectiveCheck[];
}

const NEGATE: Record<GateOp, GateOp> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<" };

/** (failed + dropped) / measured × 100; null without measured requests. */
export function searchErrorRatePct(summary: Summary): number | null {
  const r = summary.requests;
  const measured = r.ok + r.failed + r.dropped;
  return measured > 0 ? (r.failed + r.dropped) / measured * 100 : null;
}

/** Judges one point; see the module doc for what a pass needs. */
export function judgeSearchPoint(
  summary: Summary,
  options: { criteria: SearchCriteria; slo: SloSummary | null },
): PointJudgement {
  const { criteria, slo } = options;
  const objectives: ObjectiveCheck[] = [];
  const check = (
    c: Omit<ObjectiveCheck, "met">,
  ) => objectives.push({ ...c, met: c.value !== null && holds(c.value, c.op, c.bound) });
  for (const g of criteria.slo) {
    if (g.perRequest) continue; // counted by the attainment
    check({
      objective: g.expression,
      metric: g.metric,
      value: gateMetricValue(summary, g.metric, slo),
      op: g.op,
      bound: g.threshold,
      unit: g.unit,
      kind: "slo",
    });
  }
  if (slo && slo.per_request.length > 0) {
    check({
      objective: `slo_attainment>=${criteria.attainmentPct}%`,
      metric: "slo_attainment_pct",
      value: slo.attainment_pct,
      op: ">=",
      bound: criteria.attainmentPct,
      unit: "%",
      kind: "attainment",
    });
  }
  check({
    objective: `error_rate<=${criteria.maxErrorRatePct}%`,
    metric: "error_rate_pct",
    value: searchErrorRatePct(summary),
    op: "<=",
    bound: criteria.maxErrorRatePct,
    unit: "%",
    kind: "error_rate",
  });
  for (const g of criteria.failOn) {
    // A gate fails when its expression holds: the point must meet the opposite.
    const op = NEGATE[g.op];
    check({
      objective: `${g.name}${op}${g.expression.slice(g.name.length + g.op.length)}`,
      metric: g.metric,
      value: gateMetricValue(summary, g.metric, slo),
      op,
      bound: g.threshold,
      unit: g.unit,
      kind: "fail_on",
    });
  }
  return { pass: objectives.every((o) => o.met), objectives };
}
