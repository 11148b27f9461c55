/**
 * The word-piece rule the built-in simulator tokenizes by (lib/sim/tokenizer.ts), shared with
 * the client's estimate of a stream's tokens when the server sends no usage
 * (lib/client/output_tokens.ts), so that runs against the simulator estimate exactly: each Han,
 * Hiragana or Katakana character is one piece, each run of other letters, marks and digits one,
 * each other non-space character one.
 */

const CJK = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}`;
// The `v` flag allows the set difference that keeps CJK characters out of the run class.
/** The rule as a regular-expression source, for the `gv` flags. */
export const WORD_PIECE_SOURCE = String.raw`[${CJK}]|[[\p{L}\p{M}\p{N}]--[${CJK}]]+|\S`;

/**
 * Pieces of `text` by the rule, a piece longer than `longRun` characters counting one per
 * `longRun` (Infinity: every piece is one). Allocates no piece list.
 */
export function countWordPieces(text: string, longRun = Infinity): number {
  const re = new RegExp(WORD_PIECE_SOURCE, "gv");
  let n = 0;
  // Bounded: every match consumes at least one code point.
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    n += longRun === Infinity ? 1 : Math.ceil(m[0].length / longRun);
  }
  return n;
}
