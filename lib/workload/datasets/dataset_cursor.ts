/**
 * Hands dataset items to the run one request at a time. Request i gets item i mod n, so a run
 * that needs more requests than the dataset holds cycles through it again in the same order
 * (pass 1, 2, ...): repeats can hit the server's prefix cache, which the pass number makes
 * visible. With `cycle: false` the cursor runs dry after one pass and the run should stop.
 */
import type { DatasetItem } from "./dataset_item.ts";

/** One item handed out, with its place in the run. */
export interface DatasetPick {
  item: DatasetItem;
  /** 0-based request number (the n-th call to `next`). */
  request: number;
  /** 0-based pass through the dataset; > 0 means the item is a repeat. */
  pass: number;
}

/** A pull-based source of items; see the module comment. */
export interface DatasetCursor {
  /** The next item, or undefined when the dataset is used up and cycling is off. */
  next(): DatasetPick | undefined;
  /** Items in one pass. */
  readonly size: number;
  /** Items handed out so far. */
  readonly served: number;
}

/** Pure mapping from request number to item, for workers that each own a share of requests. */
export function pickForRequest(
  items: readonly DatasetItem[],
  request: number,
  options: { cycle?: boolean } = {},
): DatasetPick | undefined {
  const n = items.length;
  if (n === 0 || request < 0 || (options.cycle === false && request >= n)) return undefined;
  return { item: items[request % n], request, pass: Math.floor(request / n) };
}

/** Creates a cursor over `items` (cycling by default). */
export function createDatasetCursor(
  items: readonly DatasetItem[],
  options: { cycle?: boolean } = {},
): DatasetCursor {
  let served = 0;
  return {
    next() {
      const pick = pickForRequest(items, served, options);
      if (pick) served++;
      return pick;
    },
    get size() {
      return items.length;
    },
    get served() {
      return served;
    },
  };
}
