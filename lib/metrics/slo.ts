/**
 * SLO attainment and goodput from raw records, counted as they stream in. Pure.
 *
 * Each `--slo` expression on a latency (`ttft.p99<=500ms`, or `ttft<=500ms`) is also a
 * per-request objective: a request meets the SLO when it succeeded and each of its own values is
 * within every bound (its TTFT, TPOT and E2E; for ITL every one of its gaps). A value the request
 * does not have (TPOT of a one-token answer) does not count against it. Failed and dropped
 * requests never meet it.
 * - attainment % = measured requests meeting the SLO / measured requests (ok + failed + dropped;
 *   requests llmload cancelled itself are left out);
 * - goodput = requests meeting the SLO / the summary's measured window (requests/s), the same
 *   window as `throughput.requests_per_s`, so goodput ≤ requests/s.
 * Statistics (`.p99`) are checked on the summary by the verdict (gates.ts), not here.
 */

import { isCancelledByUs, type RequestRecord } from "./record.ts";
import { forEachItl, requestMetrics } from "./per_request.ts";
import { type GateExpression, holds, type LatencyFamily } from "./gate_expression.ts";

/** The `slo` key of summary.json. */
export interface SloSummary {
  /** The `--slo` expressions, as written. */
  objectives: string[];
  /** The per-request bounds the attainment counts (`ttft<=500ms`). */
  per_request: string[];
  /** Measured requests that met every per-request bound. */
  met: number;
  measured: number;
  /** met / measured × 100; null without measured requests. */
  attainment_pct: number | null;
  /** met / window, requests/s; null without a window. */
  goodput_rps: number | null;
}

/** The per-request bound an SLO expression implies, or undefined (throughput, error rate). */
export function perRequestBound(
  g: GateExpression,
): { family: LatencyFamily; op: GateExpression["op"]; threshold: number } | undefined {
  const family = g.perRequest ?? g.family;
  return family ? { family, op: g.op, threshold: g.threshold } : undefined;
}

/** True when an ok record meets every bound. */
function meets(r: RequestRecord, bounds: ReturnType<typeof perRequestBound>[]): boolean {
  const m = requestMetrics(r);
  for (const b of bounds) {
    if (!b) continue;
    if (b.family === "itl") {
      let ok = true;
      forEachItl(r, (gap) => {
        if (ok && !holds(gap, b.op, b.threshold)) ok = false;
      });
      if (!ok) return false;
      continue;
    }
    const v = b.family === "ttft" ? m.ttftMs : b.family === "tpot" ? m.tpotMs : m.e2eMs;
    if (v !== undefined && !holds(v, b.op, b.threshold)) return false;
  }
  return true;
}

/**
 * SLO attainment counted one record at a time: each record is judged against the per-request
 * bounds as it arrives and only the two counts are kept.
 */
export class SloAccumulator {
  readonly #bounds: ReturnType<typeof perRequestBound>[];
  met = 0;
  measured = 0;
  constructor(readonly objectives: readonly GateExpression[]) {
    this.#bounds = objectives.map(perRequestBound).filter((b) => b !== undefined);
  }

  add(r: RequestRecord): void {
    // A request llmload cancelled itself says nothing about the server.
    if (r.phase === "warmup" || isCancelledByUs(r)) return;
    this.measured++;
    if (r.dropped || r.error) return;
    if (meets(r, this.#bounds)) this.met++;
  }

  /** The `slo` summary; `windowS` is the summary's `throughput.window_s`. */
  result(options: { windowS: number | null }): SloSummary {
    const w = options.windowS;
    const bounds = this.#bounds.filter((b) => b !== undefined);
    return {
      objectives: this.objectives.map((o) => o.expression),
      per_request: bounds.map((b) => `${b.family}${b.op}${b.threshold}ms`),
      met: this.met,
      measured: this.measured,
      attainment_pct: this.measured > 0 ? this.met / this.measured * 100 : null,
      goodput_rps: w !== null && w > 0 ? this.met / w : null,
    };
  }
}

/**
 * Attainment and goodput of `records` (warm-up ones are skipped) under the `--slo` objectives;
 * `windowS` is the summary's `throughput.window_s`.
 */
export function sloAttainment(
  records: Iterable<RequestRecord>,
  objectives: readonly GateExpression[],
  options: { windowS: number | null },
): SloSummary {
  const acc = new SloAccumulator(objectives);
  for (const r of records) acc.add(r);
  return acc.result(options);
}
