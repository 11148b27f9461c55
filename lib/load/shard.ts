/**
 * Splitting one plan's load across shards (worker threads in one process, or hosts with
 * `--shard i/N`) so that the union of all shards is exactly the plan's load: every shard walks
 * the same global schedule with the same seed and sends only the arrivals (open loop) or virtual
 * users (closed loop) it owns.
 *
 * Arrivals are assigned by a seeded hash of their index, so each shard's arrivals are an
 * independent thinning of the global process: a Poisson process split this way stays Poisson
 * (rate λ/N on each shard), and the total rate, the ramp and the stages are unchanged. Users are
 * assigned round-robin (u mod N), which keeps the closed loop's ramp exact and the shards even.
 *
 * Shards nest: shard i/N split again into W gives shards {@link subShard}(outer, w of W), whose
 * union is exactly what i/N owned (host shards × worker threads).
 */

import { UsageError } from "../config/usage_error.ts";

/** One shard of a plan: 0-based `index` of `count` (the Kubernetes completion index is 0-based). */
export interface Shard {
  index: number;
  count: number;
}

/** The whole plan in one piece. */
export const WHOLE: Shard = { index: 0, count: 1 };

/** Parses `i/N` (0 ≤ i < N); a UsageError naming `flag` otherwise. */
export function parseShard(text: string, flag = "--shard"): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new UsageError(
      `${flag} ${JSON.stringify(text)}: expected i/N with 0 ≤ i < N (e.g. 0/4 … 3/4; ` +
        `the Kubernetes completion index is 0-based)`,
    );
  }
  return { index, count };
}

/** `i/N`, as parseShard reads it. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** Shard `inner` of the part that `outer` owns (e.g. worker w of W on host i of N). */
export function subShard(outer: Shard, inner: Shard): Shard {
  return { index: outer.index + outer.count * inner.index, count: outer.count * inner.count };
}

/** splitmix32-style avalanche: neighbouring indices land on unrelated shards. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** The shard (0 … count−1) that owns open-loop arrival `arrivalIndex` of a run seeded `seed`. */
export function arrivalOwner(arrivalIndex: number, count: number, seed: number): number {
  if (count === 1) return 0;
  const h = mix((arrivalIndex ^ mix(seed >>> 0)) + Math.floor(arrivalIndex / 2 ** 32));
  return h % count;
}

/** True when `shard` sends open-loop arrival `arrivalIndex`. */
export function ownsArrival(shard: Shard, arrivalIndex: number, seed: number): boolean {
  return arrivalOwner(arrivalIndex, shard.count, seed) === shard.index;
}

/** True when `shard` runs closed-loop virtual user `user`. */
export function ownsUser(shard: Shard, user: number): boolean {
  return user % shard.count === shard.index;
}

/** This shard's part of a count split as evenly as possible (the first `total mod N` get one more). */
export function shareOf(shard: Shard, total: number): number {
  return Math.floor(total / shard.count) + (shard.index < total % shard.count ? 1 : 0);
}
