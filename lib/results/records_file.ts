/**
 * The run's raw records file, `requests.jsonl` or, with `--gzip-records`, `requests.jsonl.gz`:
 * written one line per finished request, read back as a stream of lines by every command
 * (report, merge, compare, calibrate), so neither side ever holds the whole file or its records.
 */

import { join } from "node:path";
import { recordFromJsonl } from "../report/files/record_jsonl.ts";
import type { RequestRecord } from "../metrics/record.ts";
import { pathExists } from "../fs/path_exists.ts";
import { JsonlSink } from "./jsonl_sink.ts";
import { RECORDS_FILE, RECORDS_FILE_GZ } from "./results_files.ts";

export { RECORDS_FILE, RECORDS_FILE_GZ };

/** The records file of run directory `dir` (plain first, then gzip); null when it has none. */
export async function findRecordsFile(dir: string): Promise<string | null> {
  for (const name of [RECORDS_FILE, RECORDS_FILE_GZ]) {
    if (await pathExists(join(dir, name))) return join(dir, name);
  }
  return null;
}

/**
 * Calls `fn` with every record of a records file, in file order, decompressing `.gz` files on
 * the fly, and returns how many there were; a bad line throws an Error naming its number. A gzip
 * file cut short (the run was killed before closing it) yields every whole line before the cut,
 * then throws, or, with `onTruncated`, tells it and returns.
 */
export async function forEachRecord(
  path: string,
  fn: (record: RequestRecord) => void,
  options: { onTruncated?: (message: string) => void } = {},
): Promise<number> {
  let lineNumber = 0, rest = "", count = 0;
  const take = (line: string) => {
    lineNumber++;
    if (line.trim() === "") return;
    fn(recordFromJsonl(line, { lineNumber }));
    count++;
  };
  using file = await Deno.open(path);
  let bytes: ReadableStream<Uint8Array> = file.readable;
  if (path.endsWith(".gz")) {
    bytes = bytes.pipeThrough(
      new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  try {
    for await (const text of bytes.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + text).split("\n");
      rest = lines.pop()!;
      lines.forEach(take);
    }
  } catch (e) {
    if (!options.onTruncated || !path.endsWith(".gz")) throw e;
    options.onTruncated(
      `${path} ends early (${(e as Error).message}): the run was stopped before it closed the ` +
        `file; ${count} records read, the rest are lost`,
    );
    return count;
  }
  take(rest);
  return count;
}

/** Every record of a records file, in file order: for small files (tests, calibration). */
export async function readRecordsFile(path: string): Promise<RequestRecord[]> {
  const records: RequestRecord[] = [];
  await forEachRecord(path, (r) => records.push(r));
  return records;
}

/** Where finished requests' lines go: a plain file (flushed per line) or a gzip stream. */
export interface RecordsWriter {
  /** The file's path. */
  readonly path: string;
  write(line: string): void;
  /** Flushes and closes; a gzip file is complete only after this. */
  close(): Promise<void>;
}

/** Opens `<dir>/requests.jsonl`, or `<dir>/requests.jsonl.gz` when `gzip`. */
export async function openRecordsWriter(
  dir: string,
  options: { gzip?: boolean } = {},
): Promise<RecordsWriter> {
  if (!options.gzip) {
    const path = join(dir, RECORDS_FILE);
    const sink = await JsonlSink.open(path);
    return { path, write: (line) => sink.write(line), close: () => Promise.resolve(sink.close()) };
  }
  const path = join(dir, RECORDS_FILE_GZ);
  const file = await Deno.open(path, { create: true, write: true, truncate: true });
  const gzip = new CompressionStream("gzip");
  const done = gzip.readable.pipeTo(file.writable);
  const writer = gzip.writable.getWriter();
  const encoder = new TextEncoder();
  return {
    path,
    // Not awaited: the stream queues lines and compresses them off the request path.
    write: (line) => void writer.write(encoder.encode(line + "\n")),
    close: async () => {
      await writer.close();
      await done;
    },
  };
}
