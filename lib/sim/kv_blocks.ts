/**
 * The engine's KV block budget: blocks each sequence holds alone, plus the prefix cache's shared
 * blocks (prefix_cache.ts). Used blocks = private blocks + cached blocks someone holds; cached
 * blocks nobody holds are free space, evicted (least recently freed first) whenever an allocation
 * needs them, so used + cached never exceeds `numGpuBlocks`.
 *
 * A sequence's leading full prompt blocks move into the cache as they are computed (or come from
 * it on admission: a hit), so `cachedBlocks` of a sequence are always its first blocks; the rest
 * of its `blocks` are private. Without prefix caching every block is private, exactly as before.
 */

import { blockHashes, PrefixCache } from "./prefix_cache.ts";
import type { PrefixHit, SchedSeq, ScheduledSeq } from "./step_scheduler.ts";

/** A sequence as the block budget sees it (the engine's sequences carry these fields). */
export interface KvSeq extends SchedSeq {
  /** Chained hashes of the prompt's full blocks; undefined when the cache is off or ids unknown. */
  hashes: readonly number[] | undefined;
  /** Leading blocks held through the cache (the rest of `blocks` are private). */
  cachedBlocks: number;
}

/** Prefix-cache counters, in tokens (vLLM's `prefix_cache_queries` and `prefix_cache_hits`). */
export interface PrefixCacheCounts {
  queries: number;
  hits: number;
}

/** See the module comment. */
export class KvBlocks {
  readonly numGpuBlocks: number;
  readonly blockSize: number;
  #cache: PrefixCache | undefined;
  #private = 0;
  #counts: PrefixCacheCounts = { queries: 0, hits: 0 };

  constructor(params: { numGpuBlocks: number; blockSize: number; enablePrefixCaching: boolean }) {
    this.numGpuBlocks = params.numGpuBlocks;
    this.blockSize = params.blockSize;
    this.#cache = params.enablePrefixCaching ? new PrefixCache() : undefined;
  }

  /** Whether prefix caching is on. */
  get caching(): boolean {
    return this.#cache !== undefined;
  }

  /** Blocks in use: private ones and cached ones someone holds. */
  get used(): number {
    return this.#private + (this.#cache?.pinnedBlocks ?? 0);
  }

  /** Cached blocks nobody holds (free space that still serves hits). */
  get cachedFree(): number {
    return this.#cache?.freeBlocks ?? 0;
  }

  /** Tokens queried and hit so far. */
  counts(): PrefixCacheCounts {
    return { ...this.#counts };
  }

  /** The prompt's block hashes when caching is on and its token ids are known. */
  hashesOf(tokenIds: readonly number[] | undefined): number[] | undefined {
    return this.#cache && tokenIds ? blockHashes(tokenIds, this.blockSize) : undefined;
  }

  /**
   * The cache hit of a sequence computed from scratch. As vLLM, at least one token is always
   * computed (the last one's logits are needed), so a hit ends before the sequence's last token.
   */
  hit(seq: KvSeq): PrefixHit {
    if (!this.#cache || !seq.hashes) return { tokens: 0, unpinnedBlocks: 0 };
    const max = Math.floor((seq.promptTokens + seq.generated - 1) / this.blockSize);
    const found = this.#cache.lookup(seq.hashes, max);
    return { tokens: found.blocks * this.blockSize, unpinnedBlocks: found.unpinned };
  }

  /** Blocks preempting `seq` would free: its private ones and cached ones only it holds. */
  releasable(seq: KvSeq): number {
    let n = seq.blocks - seq.cachedBlocks;
    for (let i = 0; i < seq.cachedBlocks; i++) {
      if (this.#cache!.holders(seq.hashes![i]) === 1) n++;
    }
    return n;
  }

  /** Applies a scheduled entry's allocation (and its cache hit on admission); evicts as needed. */
  allocate(e: ScheduledSeq): void {
    const seq = e.seq as KvSeq;
    if (this.#cache && seq.computed === 0 && seq.blocks === 0) {
      // An admission from scratch is one query of all its tokens (vLLM counts num_tokens).
      this.#counts.queries += seq.promptTokens + seq.generated;
      this.#counts.hits += e.cachedTokens;
    }
    const hitBlocks = e.cachedTokens / this.blockSize;
    for (let i = 0; i < hitBlocks; i++) this.#cache!.hold(seq.hashes![i]);
    seq.cachedBlocks += hitBlocks;
    seq.computed += e.cachedTokens;
    seq.blocks += e.newBlocks;
    this.#private += e.newBlocks - hitBlocks;
    this.#cache?.evictTo(this.numGpuBlocks - this.used);
  }

  /** After a step: the sequence's newly computed full prompt blocks join the cache. */
  register(seq: KvSeq): void {
    if (!this.#cache || !seq.hashes) return;
    const full = Math.min(seq.hashes.length, Math.floor(seq.computed / this.blockSize));
    for (; seq.cachedBlocks < full; seq.cachedBlocks++) {
      // Its private copy becomes the cached block, or is dropped for an identical cached one.
      this.#cache.hold(seq.hashes[seq.cachedBlocks]);
      this.#private--;
    }
    this.#cache.evictTo(this.numGpuBlocks - this.used);
  }

  /** Frees every block of `seq` (finished, cancelled or preempted); cached ones stay cached. */
  release(seq: KvSeq): void {
    if (seq.cachedBlocks) this.#cache!.release(seq.hashes!.slice(0, seq.cachedBlocks));
    this.#private -= seq.blocks - seq.cachedBlocks;
    seq.blocks = 0;
    seq.cachedBlocks = 0;
  }
}
