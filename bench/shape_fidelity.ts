/**
 * How closely a real run follows an arrival shape: a linear ramp against the in-process
 * simulator on 127.0.0.1, then per second the intended arrivals (the integrated rate), the
 * scheduled ones and the sent ones (from requests.jsonl), and send lateness. Not a test.
 *
 * Usage: deno run -A bench/shape_fidelity.ts [FROM] [TO] [SECONDS]   (default 10 200 10)
 */
import { join } from "node:path";
import { parseRunArgs } from "../lib/cli/run_args.ts";
import { integrateRate, linearRamp } from "../lib/load/rate_function.ts";
import { runBenchmark } from "../lib/run/run_benchmark.ts";
import { startSim } from "../lib/sim/mod.ts";

const [from, to, seconds] = [
  Number(Deno.args[0] ?? 10),
  Number(Deno.args[1] ?? 200),
  Number(Deno.args[2] ?? 10),
];
const out = await Deno.makeTempDir();
const sim = await startSim({ seed: 1, ttftMs: 20, itlMs: 5 });
try {
  const { plan } = parseRunArgs([
    "--url",
    sim.baseUrl,
    "--rate",
    String(from),
    "--ramp-to",
    String(to),
    "--ramp-over",
    `${seconds}s`,
    "--arrival",
    "constant",
    "--prompt-tokens",
    "64",
    "--max-tokens",
    "16",
    "--out",
    out,
  ], {});
  const outcome = await runBenchmark(plan, { log: () => {}, isTty: false, quiet: true });
  const records = (await Deno.readTextFile(join(outcome.runDir, "requests.jsonl"))).trim()
    .split("\n").map((l) => JSON.parse(l));
  const ramp = linearRamp(from, to, { durationMs: seconds * 1000 });
  const count = (key: string, s: number) =>
    records.filter((r) => Math.floor(r[key] / 1000) === s).length;
  console.log(`linear ramp ${from} → ${to} req/s over ${seconds} s, constant arrivals`);
  console.log("| second | intended | scheduled | sent |");
  console.log("| ---: | ---: | ---: | ---: |");
  for (let s = 0; s < seconds; s++) {
    const intended = integrateRate(ramp, (s + 1) * 1000) - integrateRate(ramp, s * 1000);
    console.log(
      `| ${s} | ${intended.toFixed(1)} | ${count("scheduled_at_ms", s)} | ${
        count("sent_at_ms", s)
      } |`,
    );
  }
  const l = outcome.summary.send_lateness_ms;
  console.log(
    `requests ${records.length}, ok ${outcome.summary.requests.ok}; send lateness ms p50 ${
      l.p50?.toFixed(2)
    } p99 ${l.p99?.toFixed(2)} max ${l.max?.toFixed(2)}`,
  );
} finally {
  await sim.close();
  await Deno.remove(out, { recursive: true });
}
