/**
 * The results root (`--out`), checked and created before anything is written to it: a path that
 * cannot hold directories, or a run or sweep directory given by mistake, is a UsageError naming
 * the path and the fix (exit 2), never a stack trace or a run nested inside another.
 */

import { dirname, join, resolve } from "node:path";
import { UsageError } from "../config/usage_error.ts";
import { COMPARISON_FILE, META_FILE, SWEEP_JSON_FILE, VARIANTS_FILE } from "./results_files.ts";

/** Files that mark a directory as one run's or one sweep's, not a results root. */
const RESULT_MARKERS = [META_FILE, SWEEP_JSON_FILE, COMPARISON_FILE, VARIANTS_FILE];

/** Why `root` cannot be used, in the user's words; undefined when the error is not the path's. */
function pathProblem(root: string, e: unknown): string | undefined {
  const fix = "give --out a directory you can write (default: results/)";
  if (e instanceof Deno.errors.NotADirectory || e instanceof Deno.errors.AlreadyExists) {
    return `--out "${root}": this path or a part of it is a file, not a directory; ${fix}`;
  }
  if (e instanceof Deno.errors.NotFound) {
    return `--out "${root}": this directory cannot be created here (its parent does not allow it); ${fix}`;
  }
  if (e instanceof Deno.errors.NotCapable) {
    // Deno keeps /proc, /sys and devices out of reach without --allow-all: never a results root.
    return `--out "${root}": a system directory (/proc, /sys, /dev) cannot hold results; ${fix}`;
  }
  if (e instanceof Deno.errors.PermissionDenied) {
    return `--out "${root}": no permission to write here (${(e as Error).message}); ${fix}`;
  }
  return undefined;
}

/**
 * Creates the results root `root` (and its parents) and checks it is one: not a file, not a run,
 * sweep or comparison directory. Returns whether it was created by this call (a run that ends
 * before writing anything removes a root it created).
 */
export async function prepareResultsRoot(root: string): Promise<boolean> {
  let created = false;
  try {
    const info = await Deno.stat(root).catch((e) => {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    });
    if (info && !info.isDirectory) throw new Deno.errors.AlreadyExists(root);
    if (!info) {
      await Deno.mkdir(root, { recursive: true });
      created = true;
    }
  } catch (e) {
    const problem = pathProblem(root, e);
    if (problem) throw new UsageError(problem);
    throw e;
  }
  for (const marker of RESULT_MARKERS) {
    const found = await Deno.stat(join(root, marker)).then(() => true, () => false);
    if (found) {
      throw new UsageError(
        `--out "${root}" is a results directory itself (it has ${marker}); give the results ` +
          `root that holds it, e.g. --out "${dirname(resolve(root))}"`,
      );
    }
  }
  return created;
}
