import assert from "node:assert/strict";
import { clientHealth, type HealthWindow } from "../../lib/metrics/client_health.ts";
import { clientHealthHtml } from "../../lib/report/html/client_health_html.ts";
import { clientHealthMarkdown } from "../../lib/report/markdown/client_health_markdown.ts";
import { renderClientHealthLine } from "../../lib/report/terminal/client_health_line.ts";
import { describe } from "../../lib/metrics/stats.ts";

const NO_LATENESS = describe([]);

function windows(thread: string, lags: number[], cpuMs = 100): HealthWindow[] {
  return lags.map((lag, i) => ({
    thread,
    t0: i * 1000,
    t1: (i + 1) * 1000,
    cpuMs,
    lagMs: Array.from({ length: 100 }, () => lag),
  }));
}

Deno.test("a healthy client is one terminal line with workers, worst lag, CPU peak and send lateness", () => {
  const c = clientHealth(
    [...windows("main", [0.2, 0.2, 0.2]), ...windows("worker 1", [1, 1.5, 1], 400)],
    NO_LATENESS,
    { workers: 1 },
  );
  assert.equal(
    renderClientHealthLine({ ...c, workers: 2 }),
    "client healthy · 2 workers · loop lag p99 1.50 ms (worst: worker 1) · CPU peak 40 % of a core",
  );
});

Deno.test("a saturated client's line, Markdown and HTML carry the message and the evidence", () => {
  const c = clientHealth(windows("main", [1, 1, 9, 9, 9], 800), NO_LATENESS, {
    workers: 1,
    cores: 8,
  });
  const line = renderClientHealthLine(c);
  assert.match(
    line,
    /^client saturated: results after 2\.0 s are not trustworthy; use --workers 2 or fewer streams \(main: from 2\.0 s to 5\.0 s event-loop lag p99 9\.00 ms/,
  );
  const md = clientHealthMarkdown(c).join("\n");
  assert.match(md, /^\*\*client saturated: results after 2\.0 s/);
  assert.match(md, /\| main +\| +9\.00 ms \| 9\.00 ms \| 9\.00 ms \| +80 % \| +80 % \|/);
  const html = clientHealthHtml(c);
  assert.match(html, /<strong>client saturated: results after 2\.0 s/);
  assert.match(html, /<li>main: from 2\.0 s to 5\.0 s/);
});
