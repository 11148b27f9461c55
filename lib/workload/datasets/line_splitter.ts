/**
 * Splits a byte stream into UTF-8 text lines without holding more than one line (plus one read
 * chunk) in memory: the edge that lets JSONL files of any size stream.
 */

/** One line of text and its 1-based number; the trailing `\r` of CRLF is removed. */
export interface TextLine {
  text: string;
  line: number;
}

/**
 * Yields the lines of `stream` (UTF-8; a leading BOM is dropped). A final line without a line
 * break is yielded too. Breaking out of the loop cancels the stream (closing a `Deno.open` file).
 */
export async function* splitLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<TextLine> {
  let rest = "";
  let line = 0;
  let first = true;
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    let text = rest + chunk;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { text: text.slice(start, end), line: ++line };
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) yield { text: rest.replace(/\r$/, ""), line: ++line };
}

/** Yields `stream` as UTF-8 text chunks (for parsers that track lines themselves, like CSV). */
export async function* textChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  yield* stream.pipeThrough(new TextDecoderStream());
}
