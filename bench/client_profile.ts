/**
 * Where llmload's own CPU goes: one `llmload run` (in this process, the real run path) against
 * bench/truth_server.ts in a child process, with V8's sampling profiler on this thread, then
 * the functions with the most self time. Native work done on the JS thread (socket reads,
 * promise machinery) shows up under the JS function that called it or as "(program)".
 *
 *   deno run -A bench/client_profile.ts [--ttft 50] [--itl 10] [--batch 1] [--top 30] -- RUN FLAGS
 *   e.g. -- --concurrency 1000 --requests 2000 --max-tokens 150 --ignore-eos --transport socket
 *        -- --rate 1000 --arrival constant --duration 4s --max-tokens 4 --transport socket
 */
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { parseRunArgs } from "../lib/cli/run_args.ts";
import { runBenchmark } from "../lib/run/run_benchmark.ts";
import { spawnTruthServer } from "./truth_server.ts";

const cut = Deno.args.indexOf("--");
const own = parseArgs({
  args: cut < 0 ? Deno.args : Deno.args.slice(0, cut),
  options: {
    ttft: { type: "string", default: "50" },
    itl: { type: "string", default: "10" },
    batch: { type: "string", default: "1" },
    top: { type: "string", default: "30" },
  },
}).values;
const runFlags = cut < 0 ? ["--concurrency", "100", "--requests", "400"] : Deno.args.slice(cut + 1);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const server = await spawnTruthServer({
  ttftMs: Number(own.ttft),
  itlMs: Number(own.itl),
  batch: Number(own.batch),
});
const out = await Deno.makeTempDir();
const session = new Session();
session.connect();
try {
  const { plan } = parseRunArgs(
    ["--url", server.baseUrl, ...runFlags, "--out", out, "--quiet", "--metrics", "off"],
    {},
  );
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  const t0 = performance.now();
  await runBenchmark(plan, { log: () => {}, isTty: false, quiet: true });
  const wall = performance.now() - t0;
  const { profile } = await session.post("Profiler.stop") as unknown as {
    profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  };
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i])!;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const f = n.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${
      f.lineNumber + 1
    }`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  const idle = self.get("(idle) :0") ?? 0;
  console.log(
    `wall ${wall.toFixed(0)} ms, sampled ${total.toFixed(0)} ms, busy ${
      (total - idle).toFixed(0)
    } ms`,
  );
  const line = (ms: number, k: string) =>
    console.log(
      `${ms.toFixed(1).padStart(9)} ms  ${(100 * ms / total).toFixed(1).padStart(5)} %  ${k}`,
    );
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(own.top))) {
    line(ms, k);
  }
  // Grouped by source file: Deno's web streams (fetch's body path) spread their cost over
  // dozens of small functions that each look cheap on their own.
  const byFile = new Map<string, number>();
  for (const [k, ms] of self) {
    const file = k.slice(k.lastIndexOf(" ") + 1).replace(/:\d+$/, "") || k;
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  console.log("by file:");
  for (const [k, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 12)) line(ms, k);
} finally {
  session.disconnect();
  await server.stop();
  await Deno.remove(out, { recursive: true });
}
