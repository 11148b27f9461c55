import type { RequestRecord } from "./record.ts";

/** A point-in-time view of a running run, for the progress line. */
export interface LiveSnapshot {
  elapsedMs: number;
  sent: number;
  inFlight: number;
  done: number;
  errors: number;
  dropped: number;
  /** Measured over the whole run so far. */
  requestsPerS: number;
  outputTokensPerS: number;
  /** Over the most recent (up to 4096) successful requests. */
  ttftP50Ms?: number;
  ttftP99Ms?: number;
}

const WINDOW = 4096;

/**
 * Counters the run updates as requests go and come back. Cheap on the hot path (a few
 * increments per request); percentiles are computed only when a snapshot is asked for.
 */
export class LiveStats {
  sent = 0;
  inFlight = 0;
  done = 0;
  errors = 0;
  dropped = 0;
  outputTokens = 0;
  #ttfts = new Float64Array(WINDOW);
  #ttftCount = 0;

  onSent(): void {
    this.sent++;
    this.inFlight++;
  }

  onRecord(r: RequestRecord): void {
    if (r.dropped) {
      this.dropped++;
      return;
    }
    this.inFlight--;
    this.done++;
    if (r.error) this.errors++;
    this.outputTokens += r.outputTokens;
    if (!r.error && r.tokenTimes.length > 0) {
      this.#ttfts[this.#ttftCount++ % WINDOW] = r.tokenTimes[0] - r.sentAt;
    }
  }

  snapshot(elapsedMs: number): LiveSnapshot {
    const n = Math.min(this.#ttftCount, WINDOW);
    const sorted = this.#ttfts.slice(0, n).sort();
    const at = (q: number) => n ? sorted[Math.min(n - 1, Math.floor(q * n))] : undefined;
    const s = Math.max(elapsedMs, 1) / 1000;
    return {
      elapsedMs,
      sent: this.sent,
      inFlight: this.inFlight,
      done: this.done,
      errors: this.errors,
      dropped: this.dropped,
      requestsPerS: this.done / s,
      outputTokensPerS: this.outputTokens / s,
      ttftP50Ms: at(0.5),
      ttftP99Ms: at(0.99),
    };
  }
}
