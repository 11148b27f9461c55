/**
 * Writes a report so that it is never seen half-written: the text goes to a sibling temporary
 * file (same directory, so the rename stays on one filesystem), is flushed to disk, and is then
 * renamed over `path` in one step. A crash or Ctrl-C leaves either the old file or the new one.
 */

/** Atomically replaces `path` with `text` (UTF-8) via `path + ".tmp-<random>"` and a rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    // createNew: never clobber another writer's temp file.
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      const bytes = new TextEncoder().encode(text);
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
      // Flush before the rename, or a power loss could leave a renamed but empty file.
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
