/**
 * An SLO search (`llmload search`) as its files and reports hold it: the search's settings,
 * every point in the order it was run (load, why it was run, pass/fail per objective, the
 * measured numbers) and the answer. {@link SearchDoc} is what search.json holds and what the
 * terminal table and reports render. Pure.
 */

import type { Summary } from "../metrics/summary.ts";
import type { SloSummary } from "../metrics/slo.ts";
import type { SearchAnswer, SearchAxis, SearchPhase } from "../metrics/slo_search.ts";
import { type ObjectiveCheck, searchErrorRatePct } from "../metrics/search_point.ts";

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
