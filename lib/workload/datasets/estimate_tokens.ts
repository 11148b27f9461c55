/**
 * Token estimate used when a dataset gives text but no token count (ShareGPT replies).
 * Unicode code points / 4, rounded up, at least 1 for non-empty text: the usual rule of thumb for
 * English on BPE vocabularies. It under-counts Korean and other non-Latin scripts (often ~1 token
 * per syllable), so pass a real tokenizer's count through `estimateTokens` where one is available.
 */
export function estimateTokens(text: string): number {
  let codePoints = 0;
  for (const _ of text) codePoints++;
  return codePoints === 0 ? 0 : Math.ceil(codePoints / 4);
}
