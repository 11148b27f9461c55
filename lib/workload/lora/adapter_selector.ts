/**
 * Which adapter request k uses. Every draw comes from the run seed and the request index (or its
 * batch index) alone, like prompts and output lengths, so request k names the same adapter in
 * every run with that seed, whatever order requests are sent or answered in, and however the
 * run is split across workers.
 *
 * Strategies (n = adapters in the set, in set order; B = batch size, the run's concurrency;
 * request i belongs to batch b = floor(i / B) at position j = i mod B):
 * - `none`: the base model for every request (`undefined`).
 * - `dataset`: the adapter of dataset item i mod N, exactly as written (`undefined` when the
 *   item names none), matching the dataset cursor's item for request i.
 * - `shuffle`: an adapter drawn uniformly from the set for each request (the prompts' own order
 *   is shuffled by the dataset layer's `--dataset-shuffle`).
 * - `round-robin`: adapter i mod n.
 * - `weighted`: adapter a with probability weight(a) / Σ weights, over the adapters the weights
 *   name (others are never drawn).
 * - `zipf`: the adapter of rank k (1-based set order) with probability k^-s / Σ_{m≤n} m^-s.
 * - `distinct`: each batch is a seeded sample of B different adapters (needs n ≥ B); position j
 *   gets the sample's j-th.
 * - `uniform`: each batch first samples a pool of K = round(√B) adapters (nearest integer, at
 *   least 1; √B is never halfway, so no tie rule is needed: B=2→1, 3→2, 8→3, 10→3, 32→6), then
 *   gives every pool adapter one of the B positions and fills the other B − K positions by
 *   uniform draws from the pool, in seeded random order: every batch uses exactly K distinct
 *   adapters (needs n ≥ K).
 * - `identical`: each batch uses one adapter, drawn uniformly from the set.
 *
 * Batches follow the request index, so in open loop or a closed loop whose users drift apart a
 * "batch" is the B consecutive requests, not necessarily B requests in flight together.
 */
import { createRng, type Rng } from "../../load/rng.ts";
import { UsageError } from "../../config/usage_error.ts";
import type { DatasetItem } from "../datasets/mod.ts";
import {
  selectionProblems,
  type SelectionSpec,
  type SelectionStrategy,
  uniformPoolSize,
} from "./selection_spec.ts";

/** Picks the adapter of each request. */
export interface AdapterSelector {
  readonly strategy: SelectionStrategy;
  /** The adapter (served name) request `index` sends as `model`; undefined = the base model. */
  adapterFor(index: number): string | undefined;
}

/** What a selector draws from. */
export interface AdapterSelectorOptions {
  /** The adapter set's names, in set order (zipf ranks and round-robin follow it). */
  adapters: readonly string[];
  /** The run seed. */
  seed: number;
  /** Batch size B (the concurrency), for distinct, uniform and identical. */
  batchSize?: number;
  /** The run's dataset items (after shuffle and subset), for `dataset`. */
  items?: readonly DatasetItem[];
  /** Names the strategy in messages. */
  what?: string;
}

// Salts keep adapter draws independent of the prompt and output-length draws of the same index.
const REQUEST_SALT = 0x27d4eb2f;
const BATCH_SALT = 0x165667b1;

function rngFor(seed: number, salt: number, index: number): Rng {
  return createRng(((seed ^ salt) ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}

/** The first `k` entries of a seeded Fisher–Yates shuffle of 0..n-1: k distinct indices. */
function sample(rng: Rng, n: number, k: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k);
}

/** Index of the first cumulative weight above `u` (binary search; `cum` ascending, last = 1). */
function drawCumulative(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < cum[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(weights: readonly number[]): Float64Array {
  const total = weights.reduce((a, w) => a + w, 0);
  const cum = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => cum[i] = acc += w / total);
  cum[cum.length - 1] = 1; // rounding must never leave u in [acc, 1) unmatched
  return cum;
}

/** The adapters of batch `batch` for the batch-shaped strategies (B entries). */
function batchAdapters(
  strategy: "distinct" | "uniform" | "identical",
  names: readonly string[],
  options: { seed: number; batchSize: number; batch: number },
): string[] {
  const b = options.batchSize;
  const rng = rngFor(options.seed, BATCH_SALT, options.batch);
  if (strategy === "identical") return new Array(b).fill(names[rng.int(names.length)]);
  if (strategy === "distinct") return sample(rng, names.length, b).map((i) => names[i]);
  const pool = sample(rng, names.length, uniformPoolSize(b)).map((i) => names[i]);
  const slots = pool.slice();
  while (slots.length < b) slots.push(pool[rng.int(pool.length)]);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  return slots;
}

/**
 * A selector for `spec` (see the module doc for each strategy's exact definition). Throws one
 * UsageError listing every problem (unknown weighted names, weights ≤ 0, s ≤ 0, a set too small
 * for distinct or uniform, a missing set, batch size or dataset).
 */
export function createAdapterSelector(
  spec: SelectionSpec,
  options: AdapterSelectorOptions,
): AdapterSelector {
  const names = options.adapters.slice();
  const items = options.items ?? [];
  const problems = selectionProblems(spec, {
    adapters: names,
    batchSize: options.batchSize,
    datasetItems: items.length,
    what: options.what,
  });
  if (problems.length > 0) throw new UsageError(problems);
  const seed = options.seed;
  const checkIndex = (index: number) => {
    if (!Number.isInteger(index) || index < 0) {
      throw new RangeError(`adapterFor: index must be an integer ≥ 0 (got ${index})`);
    }
  };
  const make = (adapterFor: (index: number) => string | undefined): AdapterSelector => ({
    strategy: spec.strategy,
    adapterFor(index) {
      checkIndex(index);
      return adapterFor(index);
    },
  });

  switch (spec.strategy) {
    case "none":
      return make(() => undefined);
    case "dataset":
      return make((i) => items[i % items.length].adapter);
    case "shuffle":
      return make((i) => names[rngFor(seed, REQUEST_SALT, i).int(names.length)]);
    case "round-robin":
      return make((i) => names[i % names.length]);
    case "weighted": {
      const drawn = names.filter((n) => spec.weights[n] !== undefined);
      const cum = cumulative(drawn.map((n) => spec.weights[n]));
      return make((i) => drawn[drawCumulative(cum, rngFor(seed, REQUEST_SALT, i).next())]);
    }
    case "zipf": {
      const cum = cumulative(names.map((_, k) => Math.pow(k + 1, -spec.s)));
      return make((i) => names[drawCumulative(cum, rngFor(seed, REQUEST_SALT, i).next())]);
    }
    case "distinct":
    case "uniform":
    case "identical": {
      const strategy = spec.strategy;
      const batchSize = options.batchSize!;
      // Requests usually come in index order: keep the last batch instead of redrawing it B times.
      let cachedBatch = -1;
      let cached: string[] = [];
      return make((i) => {
        const batch = Math.floor(i / batchSize);
        if (batch !== cachedBatch) {
          cached = batchAdapters(strategy, names, { seed, batchSize, batch });
          cachedBatch = batch;
        }
        return cached[i % batchSize];
      });
    }
  }
}
