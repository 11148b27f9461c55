/**
 * How long one `/metrics` page costs the client's event loop (parse + sample), which the
 * scraper spends on the request path's thread once per interval. Prints ms per page for the
 * simulator's page and for one 24 times larger (a vLLM with many engines/label sets).
 * Run: deno run -A bench/prom_parse.ts
 */
import { readPromText } from "../lib/telemetry/prom_text.ts";
import { serverSampleFromPage } from "../lib/telemetry/server_metrics_page.ts";
import { startSim } from "../lib/sim/mod.ts";
const sim = await startSim({ seed: 1 });
const page1 = await (await fetch(sim.baseUrl.replace(/\/v1$/, "/metrics"))).text();
await sim.close();
// A large page: the simulator's page for 24 engines.
let page = "";
for (let i = 0; i < 24; i++) page += page1.replaceAll('engine="0"', `engine="${i}"`);
for (const p of [page1, page]) {
  const keep = (name: string) => !name.endsWith("_bucket"); // as the scraper reads pages
  for (let i = 0; i < 50; i++) serverSampleFromPage(readPromText(p, { keep }), 0);
  const n = 500;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) serverSampleFromPage(readPromText(p, { keep }), 0);
  console.log(
    `${(p.length / 1024).toFixed(1)} KiB, ${p.split("\n").length} lines: ${
      ((performance.now() - t0) / n).toFixed(3)
    } ms per page`,
  );
}
