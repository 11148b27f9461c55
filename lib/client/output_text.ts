/**
 * The output text of one stream, one string per token event, kept so that a stream whose server
 * sends no `usage` (or sends it only at the end of multi-token chunks) can have its tokens
 * counted from the text afterwards (output_tokens.ts).
 *
 * The hot path hands in each event's output as the JSON string literal it arrived as (a slice of
 * the event's data): no decoding per event. Slices are views into the read they came from, so
 * literals are decoded in batches of {@link BATCH} with one `JSON.parse`: the decoded strings are
 * fresh, and a long stream never keeps more than a batch of reads alive.
 */

/** Literals decoded at a time. */
const BATCH = 64;

/** Per-event output text of one stream. */
export class OutputText {
  readonly #texts: string[] = [];
  /** Literals not yet decoded, comma-separated. */
  #pending = "";
  #pendingCount = 0;

  /** Adds the next token event's output, given as a JSON string literal (`"\" word\""`). */
  addLiteral(literal: string): void {
    this.#pending = this.#pendingCount === 0 ? literal : this.#pending + "," + literal;
    if (++this.#pendingCount === BATCH) this.#decode();
  }

  /** Adds the next token event's output as decoded text ("" for an event without text). */
  addText(text: string): void {
    // Literals queued before it come first: decode them, then keep this one as it is.
    if (this.#pendingCount > 0) this.#decode();
    this.#texts.push(text);
  }

  /** Every event's text, in arrival order. */
  texts(): string[] {
    if (this.#pendingCount > 0) this.#decode();
    return this.#texts;
  }

  #decode(): void {
    const decoded = JSON.parse("[" + this.#pending + "]") as string[];
    for (const t of decoded) this.#texts.push(t);
    this.#pending = "";
    this.#pendingCount = 0;
  }
}
