/**
 * The sentence every report shows when output token counts did not come from the server's
 * `usage` (issue 18): a server that sends no usage and streams multi-token chunks would
 * otherwise have its chunks read as tokens, TPOT and tokens/s off by the chunk size with nothing
 * to show for it. One wording for the terminal, Markdown and HTML, from the summary alone.
 */
import type { TokenSource } from "../metrics/record.ts";
import { estimatedOutputRequests } from "../metrics/summary.ts";

/** What a report says about output token provenance: a warning, a plain note, or nothing. */
export interface TokenSourceNote {
  level: "warning" | "note";
  text: string;
}

/**
 * The note for a summary's `tokens.output_source`: a warning when any ok request's count is an
 * estimate (or one per event), a note when a local tokenizer counted some, nothing when the
 * server's usage gave every count (ok requests only, as the summary counts them).
 */
export function tokenSourceNote(
  outputSource: Partial<Record<TokenSource, number>>,
): TokenSourceNote | undefined {
  // A summary.json written before tokenizer and estimate existed lacks those keys.
  const source = { usage: 0, tokenizer: 0, estimate: 0, counted: 0, ...outputSource };
  const requests = source.usage + source.tokenizer + source.estimate + source.counted;
  const estimated = estimatedOutputRequests(source);
  const share = (n: number) => (n === requests ? "any" : `${n} of ${requests}`);
  if (estimated > 0) {
    return {
      level: "warning",
      text: `TPOT, ITL and tokens/s are estimates: the server sent no usage in ${
        share(estimated)
      } requests, so output tokens were estimated from the streamed text; pass --tokenizer`,
    };
  }
  if (source.tokenizer > 0) {
    return {
      level: "note",
      text: `output tokens counted with the local tokenizer: the server sent no usage in ${
        share(source.tokenizer)
      } requests`,
    };
  }
  return undefined;
}
