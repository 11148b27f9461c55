/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) so every random
 * choice in a run — arrival gaps, prompt picks, adapter picks — is reproducible from one seed.
 * Not cryptographic.
 */

const TWO_POW_32 = 4294967296;

/** A seeded random source; the same seed always yields the same sequence. */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n); `n` a positive integer ≤ 2^32. */
  int(n: number): number;
  /** Exponential with the given rate (events per unit): mean 1/rate, in the rate's time unit. */
  exponential(rate: number): number;
  /** Standard normal (mean 0, variance 1). */
  normal(): number;
  /** Gamma(shape k, scale θ): mean kθ, variance kθ². Marsaglia–Tsang, boosted for k < 1. */
  gamma(shape: number, scale: number): number;
  /** One element chosen uniformly; throws on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** An independent generator seeded from this one, so sub-streams don't shift each other. */
  fork(): Rng;
}

/** splitmix32: spreads a small or structured seed over 32 bits, used only to seed sfc32. */
function splitmix32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/**
 * Creates a seeded generator. `seed` is any finite number; integers up to 2^53 are distinct seeds
 * (both 32-bit halves feed the seeding), fractions are truncated.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be finite (got ${seed})`);
  const whole = Math.trunc(seed);
  const lo = whole >>> 0;
  const hi = Math.floor(whole / TWO_POW_32) >>> 0;
  const mix = splitmix32(lo ^ Math.imul(hi, 0x85ebca6b));
  return fromState(mix(), mix(), mix(), mix());
}

function fromState(a0: number, b0: number, c0: number, d0: number): Rng {
  let a = a0 | 0, b = b0 | 0, c = c0 | 0, d = d0 | 0;
  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // sfc32's first outputs still echo the seed; discard them.
  for (let i = 0; i < 12; i++) nextU32();

  const next = (): number => nextU32() / TWO_POW_32;
  // (0, 1]: safe for log() and for the u^(1/k) boost.
  const positive = (): number => 1 - next();

  const normal = (): number => {
    // Marsaglia polar method; the spare value is dropped to keep state to the 4 words of sfc32.
    for (;;) {
      const u = 2 * next() - 1;
      const v = 2 * next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  };

  const gammaUnit = (shape: number): number => {
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k) (Marsaglia–Tsang 2000, §6).
      return gammaUnit(shape + 1) * Math.pow(positive(), 1 / shape);
    }
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x: number, v: number;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = positive();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return dd * v;
      if (Math.log(u) < 0.5 * x2 + dd * (1 - v + Math.log(v))) return dd * v;
    }
  };

  const rng: Rng = {
    next,
    int(n) {
      if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
        throw new RangeError(`Rng.int: n must be an integer in [1, 2^32] (got ${n})`);
      }
      return Math.floor(next() * n);
    },
    exponential(rate) {
      if (!(rate > 0) || !Number.isFinite(rate)) {
        throw new RangeError(`Rng.exponential: rate must be > 0 and finite (got ${rate})`);
      }
      return -Math.log(positive()) / rate;
    },
    normal,
    gamma(shape, scale) {
      if (!(shape > 0) || !Number.isFinite(shape) || !(scale > 0) || !Number.isFinite(scale)) {
        throw new RangeError(
          `Rng.gamma: shape and scale must be > 0 and finite (got ${shape}, ${scale})`,
        );
      }
      return gammaUnit(shape) * scale;
    },
    pick(items) {
      if (items.length === 0) throw new RangeError("Rng.pick: cannot pick from an empty array");
      return items[Math.floor(next() * items.length)];
    },
    fork() {
      return fromState(nextU32(), nextU32(), nextU32(), nextU32());
    },
  };
  return rng;
}
