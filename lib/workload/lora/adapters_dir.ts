/**
 * Reads an adapters directory (`--adapters-dir adapters/`): one folder per adapter, named as the
 * adapter is served, each holding PEFT's `adapter_config.json` (weights beside it are not read).
 * The I/O edge of adapter sets; parsing is {@link parseAdapterConfig}.
 */
import { join, resolve } from "node:path";
import { UsageError } from "../../config/usage_error.ts";
import { adapterNameProblem } from "./adapter_list.ts";
import type { AdapterInfo } from "./adapter_info.ts";
import { parseAdapterConfig } from "./adapter_config.ts";

/** The config file each adapter folder must hold. */
export const ADAPTER_CONFIG_FILE = "adapter_config.json";

/**
 * The adapters under `dir`, sorted by name, each with its absolute path, rank, alpha, target
 * modules and base model. Hidden folders (`.git`) and plain files are ignored. Throws one
 * UsageError listing every problem at once: a missing or unreadable directory, no adapter
 * folders, a folder without `adapter_config.json`, a folder name that cannot be served, and
 * every bad field of every config (file and field named).
 */
export async function readAdaptersDir(
  dir: string,
  options: { what?: string } = {},
): Promise<AdapterInfo[]> {
  const what = options.what ?? "--adapters-dir";
  const root = resolve(dir);
  const folders: string[] = [];
  try {
    for await (const e of Deno.readDir(root)) {
      if (e.isDirectory && !e.name.startsWith(".")) folders.push(e.name);
    }
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "does not exist"
      : e instanceof Deno.errors.NotADirectory
      ? "is not a directory"
      : `cannot be read (${(e as Error).message})`;
    throw new UsageError(`${what} ${dir}: ${why}; give a directory with one folder per adapter`);
  }
  folders.sort();
  if (folders.length === 0) {
    throw new UsageError(
      `${what} ${dir}: holds no adapter folders; expected ${dir}/<name>/${ADAPTER_CONFIG_FILE}`,
    );
  }

  const problems: string[] = [];
  const adapters: AdapterInfo[] = [];
  for (const name of folders) {
    const path = join(root, name);
    const file = join(dir, name, ADAPTER_CONFIG_FILE);
    const bad = adapterNameProblem(name);
    if (bad) problems.push(`${what} ${dir}: folder name ${JSON.stringify(name)} ${bad}`);
    let text: string;
    try {
      text = await Deno.readTextFile(join(path, ADAPTER_CONFIG_FILE));
    } catch (e) {
      problems.push(
        e instanceof Deno.errors.NotFound
          ? `${file}: missing; every adapter folder needs PEFT's ${ADAPTER_CONFIG_FILE}`
          : `${file}: cannot be read (${(e as Error).message})`,
      );
      continue;
    }
    const parsed = parseAdapterConfig(text, { name, dir: path, file });
    if ("problems" in parsed) problems.push(...parsed.problems);
    else if (!bad) adapters.push(parsed.adapter);
  }
  if (problems.length > 0) throw new UsageError(problems);
  return adapters;
}
