/**
 * What a parsed trace asks for: request count, duration, length distributions, and the prefix-
 * cache hit rate an ideal server would reach on it.
 *
 * Ideal hit rate: an infinite cache that keeps every block it has seen, in trace order. Block k
 * of a request is a hit when an earlier request had the same first k + 1 `hash_ids` (its whole
 * prefix, not only the same id: a block's KV depends on everything before it). Blocks are
 * weighted by their tokens for the token rate (the last block holds what is left of
 * input_length); tokens past the ids' cover, and lines without `hash_ids`, are misses.
 */
import type { Arrival } from "./arrival_feed.ts";
import type { ParsedTrace } from "./trace_replay.ts";

/** A length distribution in tokens. */
export interface LengthStats {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** See the module comment. */
export interface TraceStats {
  requests: number;
  durationMs: number;
  blockSize: number;
  /** Over lines that give the length (undefined when none does). */
  inputTokens?: LengthStats;
  outputTokens?: LengthStats;
  /** Lines with a non-empty `hash_ids`. */
  requestsWithBlocks: number;
  /** Distinct prefixes (cache entries of the ideal cache) and distinct ids. */
  uniqueBlocks: number;
  uniqueHashIds: number;
  /** Blocks named by all lines, and the ideal cache's hits among them. */
  blocks: number;
  blockHits: number;
  /** blockHits / blocks (0 when there are no blocks). */
  idealBlockHitRate: number;
  /** Hit tokens / all prompt tokens of lines that give input_length. */
  idealTokenHitRate: number;
}

/** A node of the prefix trie: one per distinct prefix of ids. */
type Trie = Map<number, Trie>;

/** Stats of `trace` for blocks of `blockSize` tokens. */
export function traceStats(trace: ParsedTrace, blockSize: number): TraceStats {
  const root: Trie = new Map();
  const ids = new Set<number>();
  let uniqueBlocks = 0, blocks = 0, blockHits = 0, tokens = 0, hitTokens = 0;
  let withBlocks = 0;
  for (const a of trace.arrivals) {
    tokens += a.inputTokens ?? 0;
    if (!a.hashIds || a.hashIds.length === 0) continue;
    withBlocks++;
    let node = root;
    a.hashIds.forEach((id, k) => {
      ids.add(id);
      blocks++;
      let next = node.get(id);
      if (next) {
        blockHits++;
        hitTokens += blockTokens(a, k, blockSize);
      } else {
        next = new Map();
        node.set(id, next);
        uniqueBlocks++;
      }
      node = next;
    });
  }
  return {
    requests: trace.arrivals.length,
    durationMs: trace.durationMs,
    blockSize,
    inputTokens: lengthStats(trace.arrivals.map((a) => a.inputTokens)),
    outputTokens: lengthStats(trace.arrivals.map((a) => a.outputTokens)),
    requestsWithBlocks: withBlocks,
    uniqueBlocks,
    uniqueHashIds: ids.size,
    blocks,
    blockHits,
    idealBlockHitRate: blocks > 0 ? blockHits / blocks : 0,
    idealTokenHitRate: tokens > 0 ? hitTokens / tokens : 0,
  };
}

/** Tokens of block k of `a`: a whole block, or what is left of input_length (0 without one). */
function blockTokens(a: Arrival, k: number, blockSize: number): number {
  if (a.inputTokens === undefined) return 0;
  return Math.max(0, Math.min(blockSize, a.inputTokens - k * blockSize));
}

/** Nearest-rank percentiles and the mean of the defined values; undefined when there are none. */
export function lengthStats(values: readonly (number | undefined)[]): LengthStats | undefined {
  const xs = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const at = (q: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))];
  return {
    min: xs[0],
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: xs[xs.length - 1],
    mean: xs.reduce((s, x) => s + x, 0) / xs.length,
  };
}
