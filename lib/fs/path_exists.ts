/**
 * Whether something is at `path` (a dangling symlink counts: it is there to be overwritten or
 * reported). Only "not found" means no; any other failure (permissions) is thrown, not hidden.
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
