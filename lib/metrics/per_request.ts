/**
 * Per-request latency metrics derived from one raw {@link RequestRecord}. All values in ms.
 *
 * Definitions (the same as in `record.ts` and docs/running.md "Metrics"):
 * - TTFT = first token event - `sentAt`; TTFT from schedule = first token event - `scheduledAt`.
 *   The difference is client-side lag (late sends), kept visible so coordinated omission is
 *   never hidden.
 * - E2E = `endAt` - `sentAt`; E2E from schedule = `endAt` - `scheduledAt`.
 * - Prefill ~ TTFT; decode = E2E - TTFT.
 * - TPOT = (E2E - TTFT) / (output tokens - 1); undefined (never 0) for fewer than 2 tokens.
 * - ITL = gaps between successive token events. An event carrying k tokens (`tokenCounts[i]`)
 *   contributes its gap divided by k, k times (per-token ITL), so a server that batches tokens
 *   into one event is not credited with one slow token plus k-1 free ones. The first event has
 *   no predecessor and contributes nothing, whatever its k.
 * - Send lateness = `sentAt` - `scheduledAt`.
 * - TTFAT (reasoning streams only) = `firstAnswerAt` - `sentAt`: time to the first answer
 *   token, beside TTFT which counts the first token of any kind.
 *
 * These functions compute the values for any record, failed ones included (E2E of a failed
 * request is its time to failure). Deciding which records enter statistics is the summary's
 * job: latency metrics use only ok records (`isOk`); send lateness uses every sent measured
 * record, ok or failed, but never a dropped one (it was never sent).
 */

import type { RequestRecord } from "./record.ts";

/** Derived metrics of one request, in ms; optional fields are absent when undefined. */
export interface RequestMetrics {
  /** First token event - sentAt; absent when no token arrived. */
  ttftMs?: number;
  /** First token event - scheduledAt; absent when no token arrived. */
  ttftFromScheduledMs?: number;
  /** endAt - sentAt. */
  e2eMs: number;
  /** endAt - scheduledAt. */
  e2eFromScheduledMs: number;
  /** Same as TTFT (the server's prefill dominates it). */
  prefillMs?: number;
  /** E2E - TTFT; absent when no token arrived. */
  decodeMs?: number;
  /** (E2E - TTFT) / (outputTokens - 1); absent for fewer than 2 output tokens. */
  tpotMs?: number;
  /** sentAt - scheduledAt (how late the client sent it). */
  sendLatenessMs: number;
  /** firstAnswerAt - sentAt; present only for a reasoning stream whose answer began. */
  ttfatMs?: number;
  /** How many per-token ITL values {@link forEachItl} yields for this record. */
  itlCount: number;
}

/** Tokens carried by event `i`, treating a missing or non-positive count as 1 (never divide by 0). */
function tokensAt(r: RequestRecord, i: number): number {
  const k = r.tokenCounts[i];
  return k !== undefined && k >= 1 ? k : 1;
}

/** Derives the per-request metrics of `r` (see the module doc for definitions). */
export function requestMetrics(r: RequestRecord): RequestMetrics {
  const e2eMs = r.endAt - r.sentAt;
  const m: RequestMetrics = {
    e2eMs,
    e2eFromScheduledMs: r.endAt - r.scheduledAt,
    sendLatenessMs: r.sentAt - r.scheduledAt,
    itlCount: itlCount(r),
  };
  if (r.tokenTimes.length > 0) {
    const first = r.tokenTimes[0];
    const ttft = first - r.sentAt;
    m.ttftMs = ttft;
    m.ttftFromScheduledMs = first - r.scheduledAt;
    m.prefillMs = ttft;
    m.decodeMs = e2eMs - ttft;
    if (r.outputTokens >= 2) m.tpotMs = (e2eMs - ttft) / (r.outputTokens - 1);
  }
  if (r.firstAnswerAt !== undefined) m.ttfatMs = r.firstAnswerAt - r.sentAt;
  return m;
}

/** Output tokens of `r` that are the answer: all of them less the reasoning ones. */
export function answerTokens(r: RequestRecord): number {
  return Math.max(0, r.outputTokens - (r.reasoningTokens ?? 0));
}

/** Number of per-token ITL values of `r`: the token counts of every event after the first. */
export function itlCount(r: RequestRecord): number {
  let n = 0;
  for (let i = 1; i < r.tokenTimes.length; i++) n += tokensAt(r, i);
  return n;
}

/**
 * Calls `fn` with each per-token ITL of `r` (ms), in arrival order, without building an
 * intermediate array (a run can hold millions of them).
 */
export function forEachItl(r: RequestRecord, fn: (itlMs: number) => void): void {
  const times = r.tokenTimes;
  for (let i = 1; i < times.length; i++) {
    const k = tokensAt(r, i);
    const gap = (times[i] - times[i - 1]) / k;
    for (let j = 0; j < k; j++) fn(gap);
  }
}

/**
 * Calls `fn` once per token event after the first, with its per-token gap (ms) and the number
 * of tokens `k` it carried: {@link forEachItl} without repeating a value k times, for
 * histograms that take a weight.
 */
export function forEachItlGap(r: RequestRecord, fn: (gapMs: number, k: number) => void): void {
  const times = r.tokenTimes;
  for (let i = 1; i < times.length; i++) {
    const k = tokensAt(r, i);
    fn((times[i] - times[i - 1]) / k, k);
  }
}
