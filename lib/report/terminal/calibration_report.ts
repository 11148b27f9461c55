/**
 * How `llmload calibrate` shows its findings: a Markdown table (one row per level), a one-line
 * conclusion, and the same as JSON for scripts. Pure: measured errors in, text out.
 */
import {
  DEFAULT_TRUST_LIMITS,
  type ErrorStats,
  type MeasurementError,
  trustworthyUpTo,
} from "../../metrics/measurement_error.ts";
import { markdownTable } from "../markdown/markdown_table.ts";

/** One calibrated level as the report needs it. */
export interface CalibrationRow {
  concurrency: number;
  error: MeasurementError;
  /** Client main-thread CPU, fraction of one core; null when unknown. */
  clientCpu: number | null;
  problems: readonly string[];
}

/** What the levels were run with, for the heading and the JSON. */
export interface CalibrationSetup {
  transport: string;
  itlMs: number;
  ttftMs: number;
  durationMs: number;
  outputTokens: string;
  cores: number;
  deno: string;
}

const sign = (v: number | null) => v === null ? "–" : (v >= 0 ? "+" : "") + v.toFixed(2);
const plain = (v: number | null) => v === null ? "–" : v.toFixed(2);
const pct = (v: number | null) => v === null ? "–" : `${Math.round(v * 100)} %`;

/** The one-line verdict: up to which level llmload's numbers can be trusted on this machine. */
export function calibrationConclusion(rows: readonly CalibrationRow[]): string {
  const upTo = trustworthyUpTo(rows);
  const limits =
    `TTFT error p50 ≤ ${DEFAULT_TRUST_LIMITS.ttftP50Ms} ms, p99 ≤ ${DEFAULT_TRUST_LIMITS.ttftP99Ms} ms, ITL error p99 ≤ ${DEFAULT_TRUST_LIMITS.itlP99Ms} ms`;
  if (upTo === null) {
    const lowest = [...rows].sort((a, b) => a.concurrency - b.concurrency)[0];
    return `not trustworthy even at c=${lowest?.concurrency ?? "?"} on this machine (${
      lowest?.problems.join("; ") ?? "no levels"
    }; limits: ${limits})`;
  }
  const max = Math.max(...rows.map((r) => r.concurrency));
  const past = rows.find((r) => r.concurrency > upTo && r.problems.length > 0);
  return upTo === max
    ? `trustworthy up to c≈${upTo} on this machine (every level within ${limits})`
    : `trustworthy up to c≈${upTo} on this machine; at c=${past?.concurrency}: ${
      past?.problems.join("; ")
    }`;
}

/** The table and conclusion a person reads. */
export function renderCalibration(
  rows: readonly CalibrationRow[],
  setup: CalibrationSetup,
): string {
  const head =
    `llmload calibrate · ${setup.transport} transport · simulator TTFT ${setup.ttftMs} ms, ` +
    `ITL ${setup.itlMs} ms, ${setup.outputTokens} output tokens · ${
      setup.durationMs / 1000
    } s per level · ${setup.cores} cores, Deno ${setup.deno}`;
  const columns = [
    "concurrency",
    "requests",
    "compared",
    "TTFT err p50",
    "TTFT err p99",
    "ITL err p50",
    "ITL err p99",
    "send late p50",
    "send late p99",
    "client CPU",
    "verdict",
  ];
  const body = rows.map((r) => {
    const e = r.error;
    return [
      String(r.concurrency),
      String(e.requests),
      String(e.matched),
      sign(e.ttft.p50),
      sign(e.ttft.p99),
      sign(e.itl.p50),
      sign(e.itl.p99),
      plain(e.sendLateness.p50),
      plain(e.sendLateness.p99),
      pct(r.clientCpu),
      r.problems.length === 0 ? "ok" : "off",
    ];
  });
  return [
    head,
    "error = llmload's measurement − the simulator's ground truth, ms",
    "",
    markdownTable(columns, body),
    "",
    calibrationConclusion(rows),
  ].join("\n") + "\n";
}

function statsJson(s: ErrorStats) {
  return { count: s.count, p50: s.p50, p99: s.p99, max: s.max };
}

/** The same findings as a JSON value (`--json`): snake_case keys, ms and core fractions. */
export function calibrationJson(rows: readonly CalibrationRow[], setup: CalibrationSetup) {
  return {
    transport: setup.transport,
    ttft_ms: setup.ttftMs,
    itl_ms: setup.itlMs,
    duration_ms: setup.durationMs,
    output_tokens: setup.outputTokens,
    cores: setup.cores,
    deno: setup.deno,
    limits_ms: {
      ttft_error_p50: DEFAULT_TRUST_LIMITS.ttftP50Ms,
      ttft_error_p99: DEFAULT_TRUST_LIMITS.ttftP99Ms,
      itl_error_p99: DEFAULT_TRUST_LIMITS.itlP99Ms,
    },
    levels: rows.map((r) => ({
      concurrency: r.concurrency,
      requests: r.error.requests,
      warmup: r.error.warmup,
      compared: r.error.matched,
      failed: r.error.failed,
      unmatched: r.error.unmatched,
      ttft_error_ms: statsJson(r.error.ttft),
      itl_error_ms: statsJson(r.error.itl),
      send_lateness_ms: statsJson(r.error.sendLateness),
      transit_ms: statsJson(r.error.transit),
      delivery_ms: statsJson(r.error.delivery),
      client_cpu: r.clientCpu,
      trustworthy: r.problems.length === 0,
      problems: [...r.problems],
    })),
    trustworthy_up_to: trustworthyUpTo(rows),
    conclusion: calibrationConclusion(rows),
  };
}
