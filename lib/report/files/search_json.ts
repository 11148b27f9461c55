/**
 * `search.json` and `search.csv` of an SLO search (`llmload search`): the search's settings,
 * every point in the order it was run (load, why it was run, pass/fail per objective, the
 * measured numbers) and the answer. Pure; {@link SearchDoc} is also what the search's terminal
 * table and reports render.
 */

import { stringify } from "csv-stringify/sync";
import type { Summary } from "../../metrics/summary.ts";
import type { SloSummary } from "../../metrics/slo.ts";
import type { SearchAnswer, SearchAxis, SearchPhase } from "../../metrics/slo_search.ts";
import { type ObjectiveCheck, searchErrorRatePct } from "../../metrics/search_point.ts";
import { round3 } from "./summary_json.ts";

/** A point's key figures, from its summary (ms, requests/s, %). */
export interface SearchMeasured {
  requests_ok: number;
  requests_failed: number;
  requests_dropped: number;
  /** (failed + dropped) / measured requests, %. */
  error_rate_pct: number | null;
  slo_attainment_pct: number | null;
  goodput_rps: number | null;
  requests_per_s: number | null;
  output_tokens_per_s: number | null;
  ttft_ms_p50: number | null;
  ttft_ms_p99: number | null;
  tpot_ms_p50: number | null;
  tpot_ms_p99: number | null;
  itl_ms_p50: number | null;
  itl_ms_p99: number | null;
  e2e_ms_p50: number | null;
  e2e_ms_p99: number | null;
}

/** One run of the search (search.json `points[]`). */
export interface SearchPointRow {
  /** 1-based, in the order run. */
  point: number;
  /** The load: requests/s (rate) or virtual users (concurrency). */
  value: number;
  phase: SearchPhase;
  /** Its run directory under the search directory. */
  run_id: string;
  pass: boolean;
  objectives: ObjectiveCheck[];
  measured: SearchMeasured;
  /** Stopped by Ctrl-C / --max-runtime: not judged into the answer. */
  interrupted: boolean;
}

/** search.json. */
export interface SearchDoc {
  search_id: string;
  axis: SearchAxis;
  /** `req/s` or `users`. */
  unit: string;
  /** The `--slo` expressions, as given. */
  slo: string[];
  /** What every point must meet, as expressions (search_point.ts). */
  criteria: {
    attainment_pct: number;
    max_error_rate_pct: number;
    fail_on: string[];
  };
  bounds: {
    min: number;
    max: number;
    start: number;
    /** As given: `1`, `0.5` (axis units) or `5%` (of the bracket's lower end). */
    precision: string;
    max_points: number;
  };
  /** Each point's own stop condition (`--duration`, `--requests`), and warm-up. */
  per_point: {
    duration_ms: number | null;
    requests: number | null;
    warmup_ms: number | null;
    warmup_requests: number | null;
  };
  model: string;
  base_url: string;
  interrupted: boolean;
  points: SearchPointRow[];
  /** Null until the search ends. */
  answer: SearchAnswer | null;
}

/** The axis's unit, for text. */
export function axisUnit(axis: SearchAxis): string {
  return axis === "rate" ? "req/s" : "users";
}

/** A point's key figures from its summary and SLO attainment. */
export function searchMeasured(summary: Summary, slo: SloSummary | null): SearchMeasured {
  return {
    requests_ok: summary.requests.ok,
    requests_failed: summary.requests.failed,
    requests_dropped: summary.requests.dropped,
    error_rate_pct: searchErrorRatePct(summary),
    slo_attainment_pct: slo?.attainment_pct ?? null,
    goodput_rps: slo?.goodput_rps ?? null,
    requests_per_s: summary.throughput.requests_per_s,
    output_tokens_per_s: summary.throughput.output_tokens_per_s,
    ttft_ms_p50: summary.ttft_ms.p50,
    ttft_ms_p99: summary.ttft_ms.p99,
    tpot_ms_p50: summary.tpot_ms.p50,
    tpot_ms_p99: summary.tpot_ms.p99,
    itl_ms_p50: summary.itl_ms.p50,
    itl_ms_p99: summary.itl_ms.p99,
    e2e_ms_p50: summary.e2e_ms.p50,
    e2e_ms_p99: summary.e2e_ms.p99,
  };
}

/** Renders search.json (numbers rounded to 3 decimals; trailing newline). */
export function searchToJson(doc: SearchDoc): string {
  return JSON.stringify(
    doc,
    (_k, v) => (typeof v === "number" && !Number.isInteger(v) ? round3(v) : v),
    2,
  ) + "\n";
}

/**
 * The columns of `search.csv`, one row per point in the order run (a contract: columns are only
 * ever appended). `failed_objectives` lists the objectives the point missed, `;`-separated;
 * the rest are {@link SearchMeasured}'s figures. Unknown (null) is empty.
 */
export const SEARCH_CSV_COLUMNS: readonly string[] = [
  "point",
  "axis",
  "value",
  "phase",
  "run_id",
  "pass",
  "failed_objectives",
  "requests_ok",
  "requests_failed",
  "requests_dropped",
  "error_rate_pct",
  "slo_attainment_pct",
  "goodput_rps",
  "requests_per_s",
  "output_tokens_per_s",
  "ttft_ms_p50",
  "ttft_ms_p99",
  "tpot_ms_p50",
  "tpot_ms_p99",
  "itl_ms_p50",
  "itl_ms_p99",
  "e2e_ms_p50",
  "e2e_ms_p99",
];

/** Renders search.csv: the header and one row per point (trailing newline). */
export function searchToCsv(doc: SearchDoc): string {
  const cell = (x: string | number | boolean | null) =>
    x === null ? "" : typeof x === "number" ? String(round3(x) ?? "") : String(x);
  const rows = doc.points.map((p) => {
    const m = p.measured;
    return [
      p.point,
      doc.axis,
      p.value,
      p.phase,
      p.run_id,
      p.pass,
      p.objectives.filter((o) => !o.met).map((o) => o.objective).join(";"),
      m.requests_ok,
      m.requests_failed,
      m.requests_dropped,
      m.error_rate_pct,
      m.slo_attainment_pct,
      m.goodput_rps,
      m.requests_per_s,
      m.output_tokens_per_s,
      m.ttft_ms_p50,
      m.ttft_ms_p99,
      m.tpot_ms_p50,
      m.tpot_ms_p99,
      m.itl_ms_p50,
      m.itl_ms_p99,
      m.e2e_ms_p50,
      m.e2e_ms_p99,
    ].map(cell);
  });
  return stringify([[...SEARCH_CSV_COLUMNS], ...rows]);
}
