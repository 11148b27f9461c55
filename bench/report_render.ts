/**
 * How long the end-of-run report costs: writes a synthetic run directory of N requests (default
 * 50 000, 64 output tokens each) and times loading it (requests.jsonl parse + summary recompute)
 * and rendering report.md. `deno run -A bench/report_render.ts [N]`.
 */
import { loadRunInput } from "../lib/results/load_report_input.ts";
import { renderRunMarkdown } from "../lib/report/markdown/markdown_report.ts";
import { writeSyntheticRun } from "../tests/helpers/synthetic_run.ts";

const n = Number(Deno.args[0] ?? 50_000);
const tmp = await Deno.makeTempDir();
try {
  const dir = await writeSyntheticRun(tmp, {
    runId: "bench",
    requests: n,
    intervalMs: 5,
    ttftMs: 50,
    itlMs: 10,
    outputTokens: 64,
    promptTokens: 512,
  });
  const bytes = (await Deno.stat(`${dir}/requests.jsonl`)).size;
  const t0 = performance.now();
  const input = await loadRunInput(dir);
  const t1 = performance.now();
  const md = renderRunMarkdown(input);
  const t2 = performance.now();
  console.log(
    `${n} requests (${(bytes / 2 ** 20).toFixed(1)} MiB requests.jsonl): load ${
      (t1 - t0).toFixed(0)
    } ms, render ${(t2 - t1).toFixed(1)} ms, report.md ${md.length} chars`,
  );
} finally {
  await Deno.remove(tmp, { recursive: true });
}
