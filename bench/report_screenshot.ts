/**
 * Screenshot of a report.html in headless Chromium (Debian's `chromium`), for people to look at:
 *
 *   deno task report:screenshot <report.html> <out.png> [--width 1400] [--height 3000]
 *
 * The page is loaded from disk; it needs no network. `$CHROMIUM` names another browser binary.
 */

import { resolve } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    width: { type: "string", default: "1400" },
    height: { type: "string", default: "3000" },
  },
  allowPositionals: true,
});
const [html, png] = positionals;
if (!html || !png || !/^\d+$/.test(values.width) || !/^\d+$/.test(values.height)) {
  console.error(
    "usage: deno task report:screenshot <report.html> <out.png> [--width 1400] [--height 3000]",
  );
  Deno.exit(2);
}
const browser = Deno.env.get("CHROMIUM") ?? "chromium";
const userDataDir = await Deno.makeTempDir({ prefix: "llmload-shot-" });
try {
  const out = await new Deno.Command(browser, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      `--user-data-dir=${userDataDir}`,
      `--window-size=${values.width},${values.height}`,
      `--screenshot=${resolve(png)}`,
      new URL(`file://${resolve(html)}`).href,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    console.error(new TextDecoder().decode(out.stderr).slice(-2000));
    Deno.exit(1);
  }
  console.log(`${png}: ${((await Deno.stat(png)).size / 1024).toFixed(0)} KiB`);
} catch (e) {
  if (e instanceof Deno.errors.NotFound) {
    console.error(`"${browser}" not found: apt-get install -y chromium (or set CHROMIUM)`);
    Deno.exit(1);
  }
  throw e;
} finally {
  await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
}
