/**
 * Arrivals that carry data (a replayed trace's token counts) fed to {@link runOpenLoop}, which
 * takes only an `Iterator<number>` of times.
 *
 * Design: rather than widen runOpenLoop's schedule, the feed splits arrivals into the plain time
 * schedule plus a side lookup by index. runOpenLoop gives the k-th value it pulls from the
 * schedule the slot index k (dropped arrivals included), so `feed.arrival(slot.index)` in
 * dispatch (or onDrop) finds that arrival's data. runOpenLoop stays unchanged and every time-only
 * shape keeps using it directly.
 */

/** One arrival: when, and optionally the token counts to ask for. */
export interface Arrival {
  /** Target send time, ms from the run origin. */
  atMs: number;
  /** Prompt length in tokens to build for this request. */
  inputTokens?: number;
  /** Output length in tokens to ask for (max_tokens). */
  outputTokens?: number;
  /** Prefix-block hashes (Mooncake `hash_ids`): equal ids mean a shared prompt prefix. */
  hashIds?: readonly number[];
}

/** A schedule for runOpenLoop plus the arrival behind each slot index; see the module comment. */
export interface ArrivalFeed {
  /** Arrival times in order, ms from origin; throws if they decrease or are not finite. */
  readonly schedule: IterableIterator<number>;
  /**
   * The arrival behind slot `index`: any index of an array source; for a lazy source, one the
   * schedule has already produced (undefined otherwise). For a lazy (non-array) source only arrivals from the last one looked up onwards are kept, so
   * look them up in index order (runOpenLoop dispatches in index order) to bound memory.
   */
  arrival(index: number): Arrival | undefined;
}

/**
 * Wraps arrivals (an array, kept by reference and looked up in O(1), or any iterable, pulled
 * lazily) as an {@link ArrivalFeed}.
 */
export function arrivalFeed(arrivals: Iterable<Arrival>): ArrivalFeed {
  // Lazy sources: arrivals [base, base + kept.length) are still held.
  let base = 0;
  const kept: Arrival[] = [];
  const isArray = Array.isArray(arrivals);

  function* times(): IterableIterator<number> {
    let previous = -Infinity;
    let index = 0;
    for (const a of arrivals) {
      if (!Number.isFinite(a.atMs) || a.atMs < previous) {
        throw new RangeError(
          `arrivalFeed: arrival ${index} is at ${a.atMs} ms, after one at ${previous} ms; ` +
            "times must be finite and non-decreasing",
        );
      }
      previous = a.atMs;
      if (!isArray) kept.push(a);
      index++;
      yield a.atMs;
    }
  }

  return {
    schedule: times(),
    arrival(index) {
      if (isArray) return (arrivals as readonly Arrival[])[index];
      if (index < base || index >= base + kept.length) return undefined;
      kept.splice(0, index - base);
      base = index;
      return kept[0];
    },
  };
}
