/**
 * Gate and SLO expressions (`--fail-on "ttft.p99>800ms"`, `--slo "tpot.p50<=40ms"`): parsing
 * and the metric each one names. Pure.
 *
 * Grammar: `METRIC OP NUMBER[UNIT]`, OP one of `<`, `<=`, `>`, `>=`; several expressions are
 * separated by commas. Metrics and their units:
 * - latency `ttft`, `tpot`, `itl`, `e2e` with a statistic (`.mean .min .max .p50 .p90 .p95
 *   .p99 .p999`): a duration, `ms` or `s` (required, so `800` cannot mean seconds by accident);
 *   without a statistic (SLOs only) the bound applies to each request's own value;
 * - `error_rate` (failed / sent requests) and `slo_attainment`: a percentage, `%` required;
 * - `requests_per_s`, `output_tokens_per_s`, `total_tokens_per_s`, `goodput` (requests/s that
 *   met every per-request SLO): a plain number.
 * Values are kept in the metric's own unit: ms, %, or per second.
 */

/** A comparison operator of an expression. */
export type GateOp = "<" | "<=" | ">" | ">=";

/** Latency families that have per-request values. */
export const LATENCY_FAMILIES = ["ttft", "tpot", "itl", "e2e"] as const;
/** A latency family. */
export type LatencyFamily = typeof LATENCY_FAMILIES[number];

const STATS = ["mean", "min", "max", "p50", "p90", "p95", "p99", "p999"] as const;
const PERCENT_METRICS = ["error_rate", "slo_attainment"] as const;
const RATE_METRICS = ["requests_per_s", "output_tokens_per_s", "total_tokens_per_s", "goodput"];

/** One parsed expression. */
export interface GateExpression {
  /** As written, spaces removed: `ttft.p99>800ms`. */
  expression: string;
  /** The name as written (`ttft.p99`, `error_rate`). */
  name: string;
  /**
   * The summary metric: `ttft_ms.p99`, `error_rate_pct`, `output_tokens_per_s`,
   * `slo_attainment_pct`, `goodput_rps`; a per-request bound (no statistic) is `ttft_ms`.
   */
  metric: string;
  op: GateOp;
  /** In the metric's unit: ms, %, or per second. */
  threshold: number;
  unit: "ms" | "%" | "";
  /** A latency family with no statistic: each request's own value is bounded (SLOs only). */
  perRequest?: LatencyFamily;
  /** The latency family of a statistic (`ttft.p99`): an SLO also bounds each request by it. */
  family?: LatencyFamily;
}

/** True when `value OP threshold` holds. */
export function holds(value: number, op: GateOp, threshold: number): boolean {
  switch (op) {
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
  }
}

const SHAPE = /^([a-z_][a-z0-9_]*(?:\.[a-z0-9]+)?)(<=|>=|<|>)(-?\d+(?:\.\d+)?)(ms|s|%)?$/;
const EXAMPLES: Record<string, string> = {
  "--fail-on": `"ttft.p99>800ms", "error_rate>1%", "output_tokens_per_s<2000"`,
  "--slo": `"ttft.p99<=500ms", "tpot.p50<=40ms", "e2e.p95<=10s"`,
};

/**
 * Parses a comma-separated list given to `flag` (`--slo` or `--fail-on`). Every bad expression
 * is reported in `problems` (naming the flag, the expression and the fix); the good ones are
 * returned. `perRequest` allows a latency family without a statistic (`ttft<=500ms`, SLOs).
 */
export function parseGateList(
  text: string,
  flag: "--slo" | "--fail-on",
  problems: string[],
): GateExpression[] {
  const out: GateExpression[] = [];
  const parts = text.split(",").map((p) => p.replace(/\s+/g, ""));
  for (const raw of parts) {
    if (raw === "") {
      problems.push(
        `${flag} has an empty expression in "${text}"; separate expressions by single commas`,
      );
      continue;
    }
    const parsed = parseOne(raw, flag);
    if (typeof parsed === "string") problems.push(`${flag} "${raw}": ${parsed}`);
    else out.push(parsed);
  }
  return out;
}

function parseOne(raw: string, flag: "--slo" | "--fail-on"): GateExpression | string {
  const m = SHAPE.exec(raw.toLowerCase());
  if (!m) {
    return `not an expression; write METRIC OP VALUE with OP one of < <= > >=, e.g. ${
      EXAMPLES[flag]
    }`;
  }
  const [, name, op, num, unit = ""] = m;
  const value = Number(num);
  const [family, stat] = name.split(".") as [string, string | undefined];
  if ((LATENCY_FAMILIES as readonly string[]).includes(family)) {
    const fam = family as LatencyFamily;
    if (stat !== undefined && !(STATS as readonly string[]).includes(stat)) {
      return `unknown statistic "${stat}"; use one of ${STATS.join(", ")} (e.g. ${fam}.p99)`;
    }
    if (stat === undefined && flag === "--fail-on") {
      return `${fam} needs a statistic, e.g. ${fam}.p99 or ${fam}.p50`;
    }
    if (unit !== "ms" && unit !== "s") {
      return `a latency needs a unit, ms or s (e.g. ${name}${op}${num}ms)`;
    }
    const ms = unit === "s" ? value * 1000 : value;
    return stat === undefined
      ? {
        expression: raw,
        name,
        metric: `${fam}_ms`,
        op: op as GateOp,
        threshold: ms,
        unit: "ms",
        perRequest: fam,
      }
      : {
        expression: raw,
        name,
        metric: `${fam}_ms.${stat}`,
        op: op as GateOp,
        threshold: ms,
        unit: "ms",
        family: fam,
      };
  }
  if (stat !== undefined) return unknownMetric(name);
  if ((PERCENT_METRICS as readonly string[]).includes(name)) {
    if (unit !== "%") return `${name} is a percentage: write it with % (e.g. ${name}${op}${num}%)`;
    return {
      expression: raw,
      name,
      metric: `${name}_pct`,
      op: op as GateOp,
      threshold: value,
      unit,
    };
  }
  if (RATE_METRICS.includes(name)) {
    if (unit !== "") {
      return `${name} is a rate per second: write a plain number (e.g. ${name}${op}${num})`;
    }
    const metric = name === "goodput" ? "goodput_rps" : name;
    return { expression: raw, name, metric, op: op as GateOp, threshold: value, unit: "" };
  }
  return unknownMetric(name);
}

function unknownMetric(name: string): string {
  return `unknown metric "${name}"; use ttft/tpot/itl/e2e with a statistic (e.g. ttft.p99), ${
    [...PERCENT_METRICS, ...RATE_METRICS].join(", ")
  }`;
}

/** `912 ms`, `6.2 %`, `1840.5`: a value in an expression's unit, for reasons and reports. */
export function formatGateValue(value: number | null, unit: GateExpression["unit"]): string {
  if (value === null) return "n/a";
  const n = Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(value === 0 ? 0 : 2);
  const trimmed = n.includes(".") ? n.replace(/\.?0+$/, "") : n;
  return unit === "" ? trimmed : `${trimmed} ${unit}`;
}
