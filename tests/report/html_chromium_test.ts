import assert from "node:assert/strict";
import { join } from "node:path";
import { renderHtmlReport } from "../../lib/report/html/html_report.ts";
import { checkPage, findChromium } from "../helpers/chromium_page.ts";
import { syntheticCompare, syntheticRun, syntheticSweep } from "../helpers/report_fixtures.ts";

// Debian's chromium package: `apt-get install -y chromium`. Without it these tests are skipped.
const chromium = await findChromium();
if (!chromium) {
  console.log(
    "html_chromium_test: SKIPPED, no chromium found (apt-get install -y chromium, or set CHROMIUM)",
  );
}

async function writeTemp(html: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "llmload-html-" });
  const path = join(dir, "report.html");
  await Deno.writeTextFile(path, html);
  return path;
}

Deno.test({
  name: "chromium check sees a page's requests, console errors and exceptions (it can fail)",
  ignore: !chromium,
  sanitizeResources: false,
  async fn() {
    const path = await writeTemp(
      `<!DOCTYPE html><html><head><title>bad</title></head><body>` +
        `<img src="file:///nonexistent/llmload.png">` +
        `<script>console.error("broken"); throw new Error("kaput");</script></body></html>`,
    );
    const r = await checkPage(chromium!, path);
    assert.ok(r.requests.includes("file:///nonexistent/llmload.png"), r.requests.join(", "));
    assert.ok(r.consoleErrors.some((e) => e.includes("broken")), r.consoleErrors.join(", "));
    assert.ok(r.exceptions.some((e) => e.includes("kaput")), r.exceptions.join(", "));
  },
});

for (
  const [name, input, minSvgs] of [
    ["run with GPU data", () => syntheticRun({ gpus: 2 }), 14],
    ["sweep", () => syntheticSweep(), 10],
    ["comparison", () => syntheticCompare(), 14],
  ] as const
) {
  Deno.test({
    name: `headless chromium loads the ${name} report with no request, console error or exception`,
    ignore: !chromium,
    sanitizeResources: false,
    async fn() {
      const html = renderHtmlReport(input());
      const r = await checkPage(chromium!, await writeTemp(html));
      assert.deepEqual(r.requests, []);
      assert.deepEqual(r.consoleErrors, []);
      assert.deepEqual(r.exceptions, []);
      assert.match(r.title, /^llmload /);
      assert.ok(r.svgCount >= minSvgs, `only ${r.svgCount} svg elements`);
    },
  });
}
