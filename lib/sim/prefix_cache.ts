/**
 * vLLM V1's automatic prefix caching as the simulator's KV cache sees it. A prompt's full blocks
 * are named by chained hashes (each block's hash covers the previous block's hash and its own
 * token ids), so a block only matches after exactly the same leading tokens. A block computed by
 * one sequence is kept under its hash: while sequences hold it, it is pinned (shared, counted
 * once); once none does it stays cached but free, and is evicted least recently freed first
 * when new blocks need room. Cached-but-free blocks count as free KV space, as in vLLM, so the
 * cache never takes memory a running sequence could use.
 *
 * This module only keeps the hashes and their reference counts; the engine (engine_core.ts)
 * decides when blocks are pinned, adopted, released and evicted, and keeps the block budget.
 */

/** Hash of nothing: the parent of a prompt's first block. */
const ROOT_HASH = 0;

/**
 * The chained hash of each full block of `tokenIds` (a trailing partial block has none). Two
 * independent 32-bit FNV-1a style mixes make a 53-bit number: collisions are negligible for
 * a simulator's cache.
 */
export function blockHashes(tokenIds: readonly number[], blockSize: number): number[] {
  const out: number[] = [];
  let parent = ROOT_HASH;
  for (let end = blockSize; end <= tokenIds.length; end += blockSize) {
    let a = (0x811c9dc5 ^ parent) >>> 0;
    let b = (0x01000193 ^ Math.floor(parent / 0x100000000)) >>> 0;
    for (let i = end - blockSize; i < end; i++) {
      const t = tokenIds[i];
      a = Math.imul(a ^ t, 0x01000193) >>> 0;
      b = Math.imul(b ^ t ^ (a >>> 15), 0x5bd1e995) >>> 0;
    }
    parent = (b & 0x1fffff) * 0x100000000 + a;
    out.push(parent);
  }
  return out;
}

/** The leading cached blocks of a prompt. */
export interface CacheLookup {
  /** Leading blocks found in the cache. */
  blocks: number;
  /** Of those, blocks no sequence holds now (using them takes them out of the free space). */
  unpinned: number;
}

/** Cached KV blocks by hash; see the module comment. */
export class PrefixCache {
  /** Blocks held by at least one sequence: hash → holders. */
  #pinned = new Map<number, number>();
  /** Cached blocks nobody holds, least recently freed first (a Set keeps insertion order). */
  #free = new Set<number>();

  /** Cached blocks held by running sequences (they count as used KV). */
  get pinnedBlocks(): number {
    return this.#pinned.size;
  }

  /** Cached blocks nobody holds (they count as free KV and are evicted when space is needed). */
  get freeBlocks(): number {
    return this.#free.size;
  }

  /** The longest run of leading `hashes` that is cached, at most `maxBlocks`. */
  lookup(hashes: readonly number[], maxBlocks: number): CacheLookup {
    let blocks = 0;
    let unpinned = 0;
    const n = Math.min(hashes.length, maxBlocks);
    for (; blocks < n; blocks++) {
      const h = hashes[blocks];
      if (this.#free.has(h)) unpinned++;
      else if (!this.#pinned.has(h)) break;
    }
    return { blocks, unpinned };
  }

  /**
   * Takes a reference on block `hash` for a sequence: a cache hit, or a block the sequence just
   * computed (cached now if it was not; a copy someone else already cached is shared instead).
   */
  hold(hash: number): void {
    this.#free.delete(hash);
    this.#pinned.set(hash, (this.#pinned.get(hash) ?? 0) + 1);
  }

  /** Holders of block `hash` (0 when free or not cached). */
  holders(hash: number): number {
    return this.#pinned.get(hash) ?? 0;
  }

  /**
   * Drops one reference on each of `hashes` (a sequence's leading blocks). Blocks nobody holds
   * any more stay cached; they are freed tail first, as vLLM does, so a prompt's last blocks are
   * evicted before its first ones (which more prompts share).
   */
  release(hashes: readonly number[]): void {
    for (let i = hashes.length - 1; i >= 0; i--) {
      const h = hashes[i];
      const n = (this.#pinned.get(h) ?? 0) - 1;
      if (n > 0) this.#pinned.set(h, n);
      else if (n === 0) {
        this.#pinned.delete(h);
        this.#free.add(h);
      }
    }
  }

  /** Evicts free cached blocks, least recently freed first, until at most `max` remain. */
  evictTo(max: number): number {
    let evicted = 0;
    for (const h of this.#free) {
      if (this.#free.size <= Math.max(0, max)) break;
      this.#free.delete(h);
      evicted++;
    }
    return evicted;
  }

  /** Whether block `hash` is cached (held or free). */
  has(hash: number): boolean {
    return this.#pinned.has(hash) || this.#free.has(hash);
  }
}
