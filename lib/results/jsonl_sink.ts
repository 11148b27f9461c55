/**
 * Appends one line per finished request to `requests.jsonl` as it finishes, so a crash or
 * Ctrl-C loses nothing already finished. Writes are synchronous on purpose: a line is a few
 * hundred bytes to a few KiB, cheaper to write at once than to queue, and then it is on disk.
 */
export class JsonlSink {
  #file: Deno.FsFile;
  #encoder = new TextEncoder();
  lines = 0;

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Opens (creating or appending to) the file at `path`. */
  static async open(path: string): Promise<JsonlSink> {
    return new JsonlSink(await Deno.open(path, { create: true, append: true }));
  }

  /** Wraps a file already open for appending (the GPU sampler's `gpu.csv` is one line a sample too). */
  static fromFile(file: Deno.FsFile): JsonlSink {
    return new JsonlSink(file);
  }

  /** Appends `line` plus a newline. */
  write(line: string): void {
    const bytes = this.#encoder.encode(line + "\n");
    let written = 0;
    while (written < bytes.length) written += this.#file.writeSync(bytes.subarray(written));
    this.lines++;
  }

  close(): void {
    this.#file.close();
  }
}
