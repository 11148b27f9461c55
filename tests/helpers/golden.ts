import assert from "node:assert/strict";

/**
 * Asserts that `actual` equals the golden file `name` in `dir`. With `UPDATE_GOLDEN=1` the file is
 * rewritten first, so a deliberate change is one command: `UPDATE_GOLDEN=1 deno test -A FILE`.
 */
export async function assertGolden(dir: URL, name: string, actual: string): Promise<void> {
  const url = new URL(name, dir);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(url, actual);
  assert.equal(actual, await Deno.readTextFile(url), `${name} differs from the golden file`);
}
