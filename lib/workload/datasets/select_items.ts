/**
 * Choosing which items a run uses (pure): shuffle with a seed, then take a subset by count or
 * fraction, in that order, so `take: 100, seed: 7` is "100 random items" rather than "the first
 * 100, reordered". Same seed, same file → same items in the same order.
 */
import { createRng } from "../../load/rng.ts";

/** Subset and order choices; both subset options at once is a usage error. */
export interface Selection {
  /** Shuffle seed; absent = keep file order. */
  seed?: number;
  /** Keep this many items (a positive integer); more than there are keeps all. */
  take?: number;
  /** Keep this share of the items, in (0, 1]; rounded, at least 1 item. */
  fraction?: number;
}

/** Problems with a {@link Selection}, as messages; empty when it is valid. */
export function selectionProblems(selection: Selection): string[] {
  const out: string[] = [];
  const { seed, take, fraction } = selection;
  if (seed !== undefined && !Number.isFinite(seed)) {
    out.push(`seed must be a finite number (got ${seed})`);
  }
  if (take !== undefined && !(Number.isInteger(take) && take > 0)) {
    out.push(`take must be a positive integer (got ${take})`);
  }
  if (fraction !== undefined && !(fraction > 0 && fraction <= 1)) {
    out.push(`fraction must be in (0, 1] (got ${fraction})`);
  }
  if (take !== undefined && fraction !== undefined) {
    out.push(`give take or fraction, not both (got take ${take}, fraction ${fraction})`);
  }
  return out;
}

/** A new array in seeded random order (Fisher–Yates driven by `createRng(seed)`). */
export function shuffleItems<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  const rng = createRng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** How many of `total` items a selection keeps. */
export function subsetSize(total: number, selection: Selection): number {
  if (selection.take !== undefined) return Math.min(total, selection.take);
  if (selection.fraction !== undefined && total > 0) {
    return Math.min(total, Math.max(1, Math.round(total * selection.fraction)));
  }
  return total;
}

/** Shuffle (when seeded), then take the subset. Assumes a valid selection. */
export function selectItems<T>(items: readonly T[], selection: Selection): T[] {
  const ordered = selection.seed === undefined
    ? items.slice()
    : shuffleItems(items, selection.seed);
  return ordered.slice(0, subsetSize(ordered.length, selection));
}

/** Collects a uniform random sample of at most `k` items from a stream in O(k) memory. */
export interface Reservoir<T> {
  offer(item: T): void;
  /** Items offered so far. */
  readonly seen: number;
  /** The sample in seeded random order. */
  result(): T[];
}

/**
 * Reservoir sampling (Algorithm R) for streams too large to shuffle in memory. The sample has the
 * same distribution as shuffle-then-take (a uniformly random ordered k-subset), and the same seed
 * gives the same sample, but not the same items as {@link selectItems} with that seed.
 */
export function createReservoir<T>(k: number, seed: number): Reservoir<T> {
  const rng = createRng(seed);
  const orderSeed = rng.next() * 2 ** 32;
  const kept: T[] = [];
  let seen = 0;
  return {
    offer(item) {
      seen++;
      if (kept.length < k) kept.push(item);
      else {
        const j = rng.int(seen);
        if (j < k) kept[j] = item;
      }
    },
    get seen() {
      return seen;
    },
    // Algorithm R leaves the first k items in file order; shuffle so the order is random too.
    result: () => shuffleItems(kept, orderSeed),
  };
}
