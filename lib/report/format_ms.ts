/** Milliseconds for people, as every medium prints them. Pure. */

/** ms with precision that suits the magnitude: 0.042, 7.31, 152.3, 12345. */
export function formatMs(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "-";
  const a = Math.abs(v);
  const digits = a < 1 ? 3 : a < 10 ? 2 : a < 1000 ? 1 : 0;
  const s = v.toFixed(digits);
  // "-0.000" reads as a negative lateness that is not there.
  return Number(s) === 0 ? (0).toFixed(digits) : s;
}
