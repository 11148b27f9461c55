/**
 * The verdict of a run: `--fail-on` gates, the default error-rate gate, `--slo` statistics and
 * baseline regressions, evaluated on the summary. Pure; `verdict.json` is {@link Verdict}.
 *
 * - A `--fail-on` gate fails when its expression holds (`ttft.p99>800ms` and p99 is 912 ms).
 * - An `--slo` objective with a statistic fails when its expression does not hold.
 * - The default gate `error_rate>5%` applies unless a `--fail-on` expression names `error_rate`
 *   or default gates are off.
 * - A metric without a value (no successful request has a TTFT) fails its gate: an unattended
 *   run must not pass on missing data.
 * - Baseline: each checked metric (p50/p99 of TTFT, TPOT, ITL, E2E; requests/s and output
 *   tokens/s) regresses when it is worse than the baseline by more than the tolerance and, when
 *   the baseline has repeats (runs_comparison.ts noise band), by more than the noise band too.
 */

import type { Summary } from "./summary.ts";
import type { SloSummary } from "./slo.ts";
import { formatGateValue, type GateExpression, holds } from "./gate_expression.ts";
import type { RunsComparison } from "./runs_comparison.ts";

/** Default error-rate gate: more than 5 % failed requests fails the run. */
export const DEFAULT_ERROR_GATE = "error_rate>5%";
/** Default baseline tolerance, % worse. */
export const DEFAULT_TOLERANCE_PCT = 10;
/** Metrics compared with a baseline (runs_comparison.ts row keys). */
export const BASELINE_METRICS = [
  "ttft_ms_p50",
  "ttft_ms_p99",
  "tpot_ms_p50",
  "tpot_ms_p99",
  "itl_ms_p50",
  "itl_ms_p99",
  "e2e_ms_p50",
  "e2e_ms_p99",
  "requests_per_s",
  "output_tokens_per_s",
] as const;

/** One evaluated gate (verdict.json `gates[]`; one JUnit test case). */
export interface GateResult {
  expression: string;
  metric: string;
  value: number | null;
  threshold: number;
  failed: boolean;
  /** Where it came from: `--fail-on`, the default error gate, or an `--slo` statistic. */
  kind: "fail_on" | "default" | "slo";
  /** Why it failed, in words; absent when it passed. */
  reason?: string;
}

/** One metric compared with the baseline. */
export interface BaselineCheck {
  metric: string;
  baseline: number | null;
  value: number | null;
  /** Raw change, % of the baseline. */
  change_pct: number | null;
  tolerance_pct: number;
  /** Run-to-run spread of the baseline's repeats, %; null without repeats. */
  noise_pct: number | null;
  regressed: boolean;
}

/** A regression (verdict.json `baseline.regressions[]`). */
export type Regression = Omit<BaselineCheck, "regressed">;

/**
 * The exit code of a run stopped early, by stop reason (README "Exit codes"): a stop signal's
 * 128 + its number; `--max-runtime` is a runtime failure (1), not a performance verdict.
 */
export const STOP_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, "max-runtime": 1 } as const;

/** The exit code a run stopped for `reason` exits with; 130 (interrupted) for another reason. */
export function stopExitCode(reason: string | undefined): number {
  return reason !== undefined && Object.hasOwn(STOP_EXIT_CODES, reason)
    ? STOP_EXIT_CODES[reason as keyof typeof STOP_EXIT_CODES]
    : STOP_EXIT_CODES.SIGINT;
}

/** verdict.json. */
export interface Verdict {
  /**
   * `interrupted`: the run was stopped early (SIGINT, SIGTERM, `--max-runtime`); its partial
   * results are not judged (the gates are evaluated and kept, but fail nothing).
   */
  verdict: "pass" | "fail" | "interrupted";
  /** The exit code of the process: 0 pass, 3 fail, an interrupted run's {@link stopExitCode}. */
  exit_code: number;
  /** Why an interrupted run stopped (as meta.json `interrupt_reason`); only when interrupted. */
  interrupt_reason?: string;
  reasons: string[];
  gates: GateResult[];
  slo: SloSummary | null;
  baseline: {
    run_dir: string;
    /** Stored runs the noise band came from (the baseline's repeats). */
    repeats: number;
    checks: BaselineCheck[];
    regressions: Regression[];
  } | null;
}

/** The value of a gate metric (gate_expression.ts names) from a summary and SLO summary. */
export function gateMetricValue(
  summary: Summary,
  metric: string,
  slo: SloSummary | null,
): number | null {
  const [family, stat] = metric.split(".");
  if (stat !== undefined) {
    const stats = (summary as unknown as Record<string, Record<string, number | null>>)[family];
    return stats?.[stat] ?? null;
  }
  switch (metric) {
    case "error_rate_pct": {
      const sent = summary.requests.ok + summary.requests.failed;
      return sent > 0 ? summary.requests.failed / sent * 100 : null;
    }
    case "slo_attainment_pct":
      return slo?.attainment_pct ?? null;
    case "goodput_rps":
      return slo?.goodput_rps ?? null;
    case "requests_per_s":
    case "output_tokens_per_s":
    case "total_tokens_per_s":
      return summary.throughput[metric];
  }
  return null;
}

/** Evaluates the gates of a run; see the module doc for which fail. */
export function evaluateGates(
  summary: Summary,
  options: {
    failOn: readonly GateExpression[];
    slo: readonly GateExpression[];
    sloSummary: SloSummary | null;
    defaultErrorGate: GateExpression | null;
  },
): GateResult[] {
  const results: GateResult[] = [];
  const one = (g: GateExpression, kind: GateResult["kind"]) => {
    const value = gateMetricValue(summary, g.metric, options.sloSummary);
    const shown = `${g.name} ${formatGateValue(value, g.unit)}`;
    const bound = formatGateValue(g.threshold, g.unit);
    let reason: string | undefined;
    if (value === null) {
      reason = `${g.name} has no value (no successful request), gate ${g.expression}`;
    } else if (kind === "slo" && !holds(value, g.op, g.threshold)) {
      reason = `SLO not met: ${shown}, objective ${g.op} ${bound}`;
    } else if (kind !== "slo" && holds(value, g.op, g.threshold)) {
      reason = `${shown} ${g.op} ${bound}${kind === "default" ? " (default error-rate gate)" : ""}`;
    }
    results.push({
      expression: g.expression,
      metric: g.metric,
      value,
      threshold: g.threshold,
      failed: reason !== undefined,
      kind,
      ...(reason !== undefined ? { reason } : {}),
    });
  };
  if (options.defaultErrorGate) one(options.defaultErrorGate, "default");
  for (const g of options.failOn) one(g, "fail_on");
  for (const g of options.slo) if (!g.perRequest) one(g, "slo");
  return results;
}

/**
 * Checks the last run of `comparison` against its first (the baseline); the runs between are
 * the baseline's stored repeats, which give the noise band.
 */
export function baselineChecks(
  comparison: RunsComparison,
  options: { tolerancePct: number },
): BaselineCheck[] {
  const last = comparison.runs.length - 1;
  const checks: BaselineCheck[] = [];
  for (const key of BASELINE_METRICS) {
    const row = comparison.metrics.find((m) => m.key === key);
    if (!row) continue;
    const improvement = row.improvement_pct[last];
    const change = row.change_pct[last];
    const worse = improvement !== null && -improvement > options.tolerancePct;
    const beyondNoise = row.noise_pct === null || change === null ||
      Math.abs(change) > row.noise_pct + 1e-9;
    checks.push({
      metric: key,
      baseline: row.values[0],
      value: row.values[last],
      change_pct: change,
      tolerance_pct: options.tolerancePct,
      noise_pct: row.noise_pct,
      regressed: worse && beyondNoise,
    });
  }
  return checks;
}

/** `ttft_ms_p99 912 vs baseline 640 (+42.5 %, tolerance 10 %)`. */
export function regressionReason(c: BaselineCheck): string {
  const fmt = (v: number | null) => formatGateValue(v, "");
  const sign = (c.change_pct ?? 0) > 0 ? "+" : "";
  const noise = c.noise_pct === null ? "" : `, noise ${c.noise_pct.toFixed(1)} %`;
  return `regression: ${c.metric} ${fmt(c.value)} vs baseline ${fmt(c.baseline)} (${sign}${
    c.change_pct?.toFixed(1)
  } %, tolerance ${c.tolerance_pct} %${noise})`;
}

/**
 * The verdict of a run stopped early for `reason`: "interrupted", never a fail, with the exit
 * code the process exits with; the gates stay as evaluated, for information.
 */
export function interruptedVerdict(judged: Verdict, reason: string): Verdict {
  const code = stopExitCode(reason);
  return {
    ...judged,
    verdict: "interrupted",
    exit_code: code,
    interrupt_reason: reason,
    reasons: [`interrupted (${reason}): partial results, not judged`],
  };
}

/** The verdict: fail (exit 3) when any gate failed or any metric regressed. */
export function decideVerdict(
  gates: readonly GateResult[],
  options: {
    slo: SloSummary | null;
    baseline?: { runDir: string; repeats: number; checks: BaselineCheck[] };
  },
): Verdict {
  const reasons = gates.filter((g) => g.failed).map((g) => g.reason!);
  const regressed = options.baseline?.checks.filter((c) => c.regressed) ?? [];
  reasons.push(...regressed.map(regressionReason));
  const fail = reasons.length > 0;
  return {
    verdict: fail ? "fail" : "pass",
    exit_code: fail ? 3 : 0,
    reasons,
    gates: [...gates],
    slo: options.slo,
    baseline: options.baseline
      ? {
        run_dir: options.baseline.runDir,
        repeats: options.baseline.repeats,
        checks: options.baseline.checks,
        regressions: regressed.map(({ regressed: _r, ...rest }) => rest),
      }
      : null,
  };
}
