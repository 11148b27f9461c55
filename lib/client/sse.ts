/**
 * Incremental Server-Sent Events decoding over raw response bytes.
 *
 * Reads arrive in arbitrary slices: an event may be split mid-line or even inside a multi-byte
 * UTF-8 character, so bytes go through one streaming `TextDecoder` before the SSE line parser.
 * The parser is `eventsource-parser`; it sits behind this small interface so a hand-written one
 * can replace it without touching the client.
 */
import { createParser } from "eventsource-parser";

/** Feeds raw body bytes in; calls back once per complete SSE event with its `data` field. */
export interface SseDecoder {
  /** Decode one read's bytes (the view may be reused by the caller afterwards). */
  push(bytes: Uint8Array): void;
  /**
   * The body ended: flush the UTF-8 decoder. As the SSE spec requires, an event whose
   * terminating blank line never arrived is discarded, not dispatched.
   */
  end(): void;
}

// Hoisted so the per-read decode call allocates no options object.
const STREAM_OPTIONS: TextDecodeOptions = { stream: true };

/**
 * Creates a decoder that calls `onData` synchronously, from inside `push`, for every complete
 * event (`data:` lines joined by `\n`). Comments (`: keep-alive`), `event:`, `id:` and `retry:`
 * fields are handled by the parser and not reported; `\n`, `\r\n` and `\r` line endings all work.
 */
export function createSseDecoder(onData: (data: string) => void): SseDecoder {
  const text = new TextDecoder();
  const parser = createParser({ onEvent: (event) => onData(event.data) });
  return {
    push(bytes: Uint8Array): void {
      const s = text.decode(bytes, STREAM_OPTIONS);
      if (s.length > 0) parser.feed(s);
    },
    end(): void {
      const s = text.decode();
      if (s.length > 0) parser.feed(s);
      parser.reset();
    },
  };
}
