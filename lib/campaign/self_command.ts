import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The words that start this same llmload again (what `{llmload}` in `--server-cmd` becomes):
 * the compiled binary itself, or, when running from source, `deno run -A <main.ts>` with the
 * project's deno.json, so `{llmload} sim --port {port}` works from either.
 */
export function selfCommand(): string[] {
  const exe = Deno.execPath();
  if (!/^deno(\.exe)?$/i.test(basename(exe))) return [exe];
  const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
  const config = join(dirname(main), "deno.json");
  let hasConfig = false;
  try {
    hasConfig = Deno.statSync(config).isFile;
  } catch {
    // a source tree without deno.json: Deno's defaults
  }
  return [exe, "run", "-A", ...(hasConfig ? ["--config", config] : []), main];
}
