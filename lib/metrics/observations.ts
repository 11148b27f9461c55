/**
 * Observations a report writes about a run or a sweep, computed from the data with fixed,
 * documented thresholds (never boilerplate: a check that finds nothing adds nothing). Pure;
 * renderers turn each into a sentence.
 *
 * Thresholds ({@link OBSERVATION_THRESHOLDS}):
 * - client lag: send lateness p99 > 10 ms, or (open loop) TTFT measured from the schedule
 *   exceeds TTFT from the send by > 10 ms and > 10 % at p50 — the client, not the server, was
 *   late, so latencies from the send understate what users saw;
 * - saturation: any measured request dropped (open loop, in-flight cap full), or the server's
 *   `num_requests_waiting` above 0 in any scrape;
 * - errors: any failed request (count, share, kinds); an error burst is a run of consecutive
 *   1 s windows from the first send (to 100 ms; by request end time) each with ≥ 3 failures making ≥ 50 % of the requests
 *   that ended in it;
 * - VRAM near capacity: a GPU's peak memory used ≥ 95 % of its total;
 * - prompt-length drift: |server-counted vs requested prompt tokens| ≥ 5 %;
 * - latency knee (sweeps): the first point, in increasing load order, whose mean E2E latency is
 *   ≥ 1.5 × the previous point's while requests/s rose < 10 % — more load bought only waiting.
 */

import type { RequestRecord } from "./record.ts";
import type { Summary } from "./summary.ts";
import type { GpuUsage } from "./gpu_usage.ts";
import type { ServerMetricsSample } from "./telemetry_samples.ts";

/** The thresholds of the checks (see the module doc). */
export const OBSERVATION_THRESHOLDS = {
  sendLatenessP99Ms: 10,
  ttftGapMs: 10,
  ttftGapFraction: 0.1,
  burstWindowMs: 1000,
  burstMinErrors: 3,
  burstMinShare: 0.5,
  vramFraction: 0.95,
  promptDriftPct: 5,
  kneeLatencyRatio: 1.5,
  kneeThroughputGain: 0.1,
} as const;

/** One finding, with the numbers a sentence needs (ms, %, counts). */
export type Observation =
  | { kind: "client_lag"; sendLatenessP99Ms: number | null; ttftGapP50Ms: number | null }
  | { kind: "dropped"; dropped: number; total: number }
  | { kind: "server_queue"; maxWaiting: number }
  | { kind: "errors"; failed: number; total: number; pct: number; kinds: Record<string, number> }
  | { kind: "error_burst"; fromMs: number; toMs: number; errors: number; requests: number }
  | { kind: "vram_near_capacity"; gpu: number; peakMiB: number; totalMiB: number; pct: number }
  | { kind: "prompt_drift"; driftPct: number }
  | {
    kind: "latency_knee";
    point: number;
    label: string;
    latencyRatio: number;
    throughputGainPct: number | null;
  };

const T = OBSERVATION_THRESHOLDS;

/** Resolution of the burst counters: windows start within this of the first send, ms. */
const BURST_BUCKET_MS = 100;

/** A growable array of counters indexed from 0. */
class Counters {
  a = new Uint32Array(256);
  bump(i: number): void {
    if (i >= this.a.length) {
      const bigger = new Uint32Array(Math.max(this.a.length * 2, i + 1));
      bigger.set(this.a);
      this.a = bigger;
    }
    this.a[i]++;
  }
  sum(from: number, to: number): number {
    let n = 0;
    for (let i = Math.max(0, from); i < Math.min(to, this.a.length); i++) n += this.a[i];
    return n;
  }
}

/**
 * Requests and errors by request end in 100 ms buckets, counted as records stream in (8 bytes
 * per 100 ms of run, never the records): at the end they are summed into 1 s windows that start
 * at the first send, rounded down to 100 ms.
 */
export class BurstAccumulator {
  readonly #errors = new Counters();
  readonly #requests = new Counters();
  #start = Infinity;
  #last = 0;
  #anyError = false;

  add(r: RequestRecord): void {
    if (r.phase !== "measure" || r.dropped) return;
    this.#start = Math.min(this.#start, r.sentAt);
    const b = Math.max(0, Math.floor(r.endAt / BURST_BUCKET_MS));
    this.#last = Math.max(this.#last, b);
    this.#requests.bump(b);
    if (r.error) {
      this.#errors.bump(b);
      this.#anyError = true;
    }
  }

  /** The bursts (see the module doc), adjacent hot windows merged. */
  result(): Observation[] {
    if (!this.#anyError) return [];
    const per = T.burstWindowMs / BURST_BUCKET_MS;
    const first = Math.max(0, Math.floor(this.#start / BURST_BUCKET_MS));
    const out: Observation[] = [];
    for (let b = first; b <= this.#last; b += per) {
      const errors = this.#errors.sum(b, b + per);
      const requests = this.#requests.sum(b, b + per);
      if (errors < T.burstMinErrors || errors < requests * T.burstMinShare) continue;
      const fromMs = b * BURST_BUCKET_MS;
      const last = out.at(-1);
      if (last?.kind === "error_burst" && last.toMs === fromMs) {
        last.toMs += T.burstWindowMs;
        last.errors += errors;
        last.requests += requests;
      } else {
        out.push({ kind: "error_burst", fromMs, toMs: fromMs + T.burstWindowMs, errors, requests });
      }
    }
    return out;
  }
}

/** Error bursts among the measured, sent records (see the module doc). */
export function errorBursts(records: Iterable<RequestRecord>): Observation[] {
  const acc = new BurstAccumulator();
  for (const r of records) acc.add(r);
  return acc.result();
}

/** What {@link runObservations} reads beside the summary. */
export interface RunObservationData {
  /** The run's error bursts ({@link BurstAccumulator}). */
  bursts: readonly Observation[];
  gpus?: readonly GpuUsage[];
  serverSamples?: readonly ServerMetricsSample[];
}

/** The checks of one run, in report order; empty when nothing crossed a threshold. */
export function runObservations(summary: Summary, data: RunObservationData): Observation[] {
  const out: Observation[] = [];
  const late = summary.send_lateness_ms.p99;
  const gap = summary.load_mode === "open" &&
      summary.ttft_from_scheduled_ms.p50 !== null && summary.ttft_ms.p50 !== null
    ? summary.ttft_from_scheduled_ms.p50 - summary.ttft_ms.p50
    : null;
  const gapLag = gap !== null && gap > T.ttftGapMs &&
    gap > summary.ttft_ms.p50! * T.ttftGapFraction;
  if ((late !== null && late > T.sendLatenessP99Ms) || gapLag) {
    out.push({ kind: "client_lag", sendLatenessP99Ms: late, ttftGapP50Ms: gap });
  }
  const r = summary.requests;
  if (r.dropped > 0) out.push({ kind: "dropped", dropped: r.dropped, total: r.total });
  const waiting = (data.serverSamples ?? []).map((s) => s.numRequestsWaiting ?? 0);
  const maxWaiting = waiting.length ? Math.max(...waiting) : 0;
  if (maxWaiting > 0) out.push({ kind: "server_queue", maxWaiting });
  if (r.failed > 0) {
    const kinds: Record<string, number> = {};
    for (const [k, e] of Object.entries(summary.errors)) kinds[k] = e!.count;
    const sent = r.total - r.dropped;
    out.push({ kind: "errors", failed: r.failed, total: sent, pct: r.failed / sent * 100, kinds });
    out.push(...data.bursts);
  }
  for (const g of data.gpus ?? []) {
    if (g.memoryPeakMiB === null || !g.memoryTotalMiB) continue;
    const frac = g.memoryPeakMiB / g.memoryTotalMiB;
    if (frac >= T.vramFraction) {
      out.push({
        kind: "vram_near_capacity",
        gpu: g.gpu,
        peakMiB: g.memoryPeakMiB,
        totalMiB: g.memoryTotalMiB,
        pct: frac * 100,
      });
    }
  }
  const drift = summary.tokens.prompt_drift_pct;
  if (drift !== null && Math.abs(drift) >= T.promptDriftPct) {
    out.push({ kind: "prompt_drift", driftPct: drift });
  }
  return out;
}

/** One sweep point as the knee check sees it. */
export interface KneePoint {
  point: number;
  label: string;
  /** The swept load (concurrency or rate); points are checked in increasing order of it. */
  load: number;
  summary: Summary;
}

/** The sweep's latency knee (see the module doc), or nothing. */
export function latencyKnee(points: readonly KneePoint[]): Observation[] {
  const sorted = points.slice().sort((a, b) => a.load - b.load);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1].summary;
    const cur = sorted[i].summary;
    const a = prev.e2e_ms.mean;
    const b = cur.e2e_ms.mean;
    if (a === null || b === null || a <= 0) continue;
    const ra = prev.throughput.requests_per_s;
    const rb = cur.throughput.requests_per_s;
    const gain = ra && rb !== null ? (rb - ra) / ra : null;
    if (b / a >= T.kneeLatencyRatio && (gain === null || gain < T.kneeThroughputGain)) {
      return [{
        kind: "latency_knee",
        point: sorted[i].point,
        label: sorted[i].label,
        latencyRatio: b / a,
        throughputGainPct: gain === null ? null : gain * 100,
      }];
    }
  }
  return [];
}
