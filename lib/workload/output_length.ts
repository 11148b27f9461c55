/**
 * Output length per request (`max_tokens`): fixed, uniform over a range, or normal. Drawn from
 * the run seed and the request index alone, so request k asks for the same length in every run
 * with that seed, whatever order requests go out in.
 */
import { createRng } from "../load/rng.ts";

/** How long each request's output should be, in tokens. */
export type OutputLengthSpec =
  | { shape: "fixed"; tokens: number }
  | { shape: "uniform"; min: number; max: number }
  | { shape: "normal"; mean: number; sd: number };

/**
 * Parses `--output-tokens`: `N`, `uniform:MIN-MAX` (whole numbers, 1 ≤ MIN ≤ MAX) or
 * `normal:MEAN,SD` (MEAN > 0, SD ≥ 0). Returns the spec, or a message saying what is wrong.
 */
export function parseOutputLength(
  text: string,
  flag = "output-tokens",
): OutputLengthSpec | { problem: string } {
  const want =
    `--${flag} must be N, uniform:MIN-MAX or normal:MEAN,SD, e.g. uniform:64-256 (got "${text}")`;
  const posInt = (s: string) => /^\d+$/.test(s.trim()) && Number(s) >= 1 ? Number(s) : undefined;
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = posInt(t);
    return n === undefined ? { problem: want } : { shape: "fixed", tokens: n };
  }
  const uniform = /^uniform:(\d+)-(\d+)$/.exec(t);
  if (uniform) {
    const min = posInt(uniform[1]);
    const max = posInt(uniform[2]);
    if (min === undefined || max === undefined || min > max) {
      return { problem: `--${flag} uniform:MIN-MAX needs 1 ≤ MIN ≤ MAX (got "${text}")` };
    }
    return { shape: "uniform", min, max };
  }
  const normal = /^normal:([^,]+),(.+)$/.exec(t);
  if (normal) {
    const mean = Number(normal[1]);
    const sd = Number(normal[2]);
    if (!Number.isFinite(mean) || mean <= 0 || !Number.isFinite(sd) || sd < 0) {
      return {
        problem: `--${flag} normal:MEAN,SD needs MEAN > 0 and SD ≥ 0 (got "${text}")`,
      };
    }
    return { shape: "normal", mean, sd };
  }
  return { problem: want };
}

/**
 * `max_tokens` of request `index` in a run seeded with `seed`: uniform draws a whole number in
 * [min, max]; normal rounds a draw and clamps it to at least 1.
 */
export function outputTokensFor(spec: OutputLengthSpec, seed: number, index: number): number {
  if (spec.shape === "fixed") return spec.tokens;
  // A salt keeps these draws independent of the prompt's, which use the same (seed, index).
  const rng = createRng(((seed ^ 0x5bd1e995) ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  if (spec.shape === "uniform") return spec.min + rng.int(spec.max - spec.min + 1);
  return Math.max(1, Math.round(spec.mean + spec.sd * rng.normal()));
}

/** A short description for meta.json and logs, e.g. `uniform:64-256`. */
export function describeOutputLength(spec: OutputLengthSpec): string {
  if (spec.shape === "fixed") return String(spec.tokens);
  if (spec.shape === "uniform") return `uniform:${spec.min}-${spec.max}`;
  return `normal:${spec.mean},${spec.sd}`;
}
