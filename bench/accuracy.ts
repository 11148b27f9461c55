/**
 * Client accuracy benchmark: llmload (the real `run` path, files and all) against a cheap server
 * (bench/truth_server.ts) in a separate process that logs when it truly sent every token. Per level,
 * measured-minus-true TTFT and ITL (p50/p99), and the events/s llmload ingests from a zero-delay
 * server. Numbers, not assertions: record them in the issue note.
 *
 * Usage: deno task bench [--quick] [--levels=100,500] [--transport=fetch|socket] [--server=sim]
 *        [--workers=1,2] (worker thread counts to measure, each at every level; default 1)
 */
import { join } from "node:path";
import { parseRunArgs } from "../lib/cli/run_args.ts";
import { runBenchmark } from "../lib/run/run_benchmark.ts";
import { recordFromJsonl } from "../lib/report/files/record_jsonl.ts";
import { describe } from "../lib/metrics/stats.ts";
import type { RequestRecord } from "../lib/metrics/record.ts";
import { spawnTruthServer } from "./truth_server.ts";
import { spawnSim } from "../lib/sim/sim_process.ts";

const quick = Deno.args.includes("--quick");
/** --server=sim measures against the built-in simulator instead of the cheap truth server. */
const useSim = Deno.args.includes("--server=sim");
/** --transport=socket|fetch: measure one client transport (default: both, fetch first). */
const onlyTransport = Deno.args.find((a) => a.startsWith("--transport="))?.slice(12);
const transports = onlyTransport ? [onlyTransport] : ["fetch", "socket"];
let transport = transports[0];
/** --workers=1,2: `--workers` values to measure (each at every level); default 1. */
const workerCounts = (Deno.args.find((a) => a.startsWith("--workers="))?.slice(10) ?? "1")
  .split(",");
let workers = workerCounts[0];
const tmp = await Deno.makeTempDir({ prefix: "llmload-bench-" });

async function readRecords(dir: string): Promise<RequestRecord[]> {
  const text = await Deno.readTextFile(join(dir, "requests.jsonl"));
  return text.trim().split("\n").map((l) => recordFromJsonl(l));
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux only). */
function cpuSeconds(pid: number | "self"): number {
  try {
    const f = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Samples this process's event-loop lag every ms while `fn` runs: the client's own health. */
async function withLoopLag<T>(fn: () => Promise<T>): Promise<[T, number[]]> {
  const lags: number[] = [];
  let last = performance.now();
  const id = setInterval(() => {
    const now = performance.now();
    lags.push(now - last);
    last = now;
  }, 1);
  try {
    return [await fn(), lags];
  } finally {
    clearInterval(id);
  }
}

async function runLlmload(args: string[]) {
  const { plan } = parseRunArgs(
    [...args, "--transport", transport, "--workers", workers, "--out", tmp, "--quiet"],
    {},
  );
  const [outcome, lags] = await withLoopLag(() =>
    runBenchmark(plan, { log: () => {}, isTty: false, quiet: true })
  );
  const meta = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json")));
  return {
    outcome,
    records: await readRecords(outcome.runDir),
    originEpochMs: meta.time_origin_epoch_ms as number,
    loopLag: describe(lags),
    client: outcome.client,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const fmt = (v: number | null) => v === null ? "-" : (v >= 0 ? "+" : "") + v.toFixed(2);

async function accuracyLevel(concurrency: number, requests: number) {
  const ttftMs = 50, itlMs = 10, tokens = 50;
  const server = useSim
    ? await spawnSim({ ttftMs, itlMs, ttftPerPromptTokenMs: 0, collectTruth: true })
    : await spawnTruthServer({ ttftMs, itlMs });
  let stopped = false;
  try {
    const cpu0 = {
      self: cpuSeconds("self"),
      server: cpuSeconds(server.pid),
      wall: performance.now(),
    };
    const { records, originEpochMs, loopLag, client } = await runLlmload([
      "--url",
      server.baseUrl,
      "--concurrency",
      String(concurrency),
      "--requests",
      String(requests),
      "--max-tokens",
      String(tokens),
      "--ignore-eos",
      "--prompt-tokens",
      "32",
    ]);
    const wallS = (performance.now() - cpu0.wall) / 1000;
    const clientCpu = (cpuSeconds("self") - cpu0.self) / wallS;
    const serverCpu = (cpuSeconds(server.pid) - cpu0.server) / wallS;
    stopped = true;
    const truth = new Map((await server.stop()).map((t) => [t.requestId, t]));
    const ttftErr: number[] = [], itlErr: number[] = [], lateness: number[] = [];
    // Cross-process decomposition (both clocks are timeOrigin + now): request transit from our
    // sentAt to the server's handler, and how long after its write each token was stamped.
    const transit: number[] = [], delivery: number[] = [];
    let unmatched = 0, failed = 0;
    for (const r of records) {
      if (r.error) {
        failed++;
        continue;
      }
      const t = truth.get(r.requestId);
      if (!t || t.tokenTimes.length !== r.tokenTimes.length) {
        unmatched++;
        continue;
      }
      const tt = t.tokenTimes;
      ttftErr.push((r.tokenTimes[0] - r.sentAt) - (tt[0] - t.receivedAt));
      for (let i = 1; i < tt.length; i++) {
        itlErr.push((r.tokenTimes[i] - r.tokenTimes[i - 1]) - (tt[i] - tt[i - 1]));
      }
      lateness.push(r.sentAt - r.scheduledAt);
      transit.push(t.receivedAt - (originEpochMs + r.sentAt));
      for (let i = 0; i < tt.length; i++) delivery.push(originEpochMs + r.tokenTimes[i] - tt[i]);
    }
    const tt = describe(ttftErr), it = describe(itlErr);
    const tr = describe(transit), dl = describe(delivery);
    return {
      concurrency,
      requests: records.length,
      failed,
      unmatched,
      ttftP50: tt.p50,
      ttftP99: tt.p99,
      itlP50: it.p50,
      itlP99: it.p99,
      transitP50: tr.p50,
      deliveryP50: dl.p50,
      deliveryP99: dl.p99,
      loopP99: loopLag.p99,
      clientCpu,
      serverCpu,
      verdict: client
        ? `${client.verdict}, lag p99 ≤ ${
          Math.max(...client.threads.map((t) => t.lag_p99_ms ?? 0)).toFixed(1)
        }`
        : "-",
    };
  } finally {
    if (!stopped) await server.stop();
  }
}

async function ingest(concurrency: number, tokens: number, requests: number) {
  const server = await spawnTruthServer({ ttftMs: 0, itlMs: 0 });
  try {
    const { records } = await runLlmload([
      "--url",
      server.baseUrl,
      "--concurrency",
      String(concurrency),
      "--requests",
      String(requests),
      "--max-tokens",
      String(tokens),
      "--ignore-eos",
      "--prompt-tokens",
      "8",
      "--ramp",
      "1ms",
    ]);
    const ok = records.filter((r) => !r.error);
    const events = ok.reduce((n, r) => n + r.tokenTimes.length, 0);
    const start = Math.min(...ok.map((r) => r.sentAt));
    const end = Math.max(...ok.map((r) => r.endAt));
    return {
      concurrency,
      events,
      seconds: (end - start) / 1000,
      failed: records.length - ok.length,
    };
  } finally {
    await server.stop();
  }
}

console.log(
  `llmload accuracy bench — ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
);
console.log(
  "server: bench/truth_server.ts in its own process, TTFT 50 ms, ITL 10 ms, 50 tokens per request",
);
console.log("error = llmload's measurement − the server's logged truth (ms)\n");
console.log("send→server: our sentAt to the server's handler (includes the server's accept lag);");
console.log(
  "delivery lag: the server's enqueue of a token to our stamp; loop lag: our event loop, 1 ms tick\n",
);
console.log(
  "| transport | workers | concurrency | requests | failed | TTFT err p50 | TTFT err p99 | ITL err p50 " +
    "| ITL err p99 | send→server p50 | delivery lag p50 | delivery lag p99 | loop lag p99 " +
    "| client CPU | server CPU | client health (worst thread) |",
);
console.log("| --- | ---: |" + " ---: |".repeat(13) + " --- |");
const only = Deno.args.find((a) => a.startsWith("--levels="))?.slice(9);
const levels: [number, number][] = only
  ? only.split(",").map((c) => [Number(c), Number(c) * 4] as [number, number])
  : quick
  ? [[1, 10], [100, 200], [500, 500]]
  : [[1, 30], [100, 600], [500, 2000]];
for (transport of transports) {
  for (workers of workerCounts) {
    for (const [c, n] of levels) {
      const r = await accuracyLevel(c, n);
      console.log(
        `| ${transport} | ${workers} | ${c} | ${r.requests} | ${r.failed}${
          r.unmatched ? ` (+${r.unmatched} unmatched)` : ""
        } | ` +
          `${fmt(r.ttftP50)} | ${fmt(r.ttftP99)} | ${fmt(r.itlP50)} | ${fmt(r.itlP99)} | ` +
          `${fmt(r.transitP50)} | ${fmt(r.deliveryP50)} | ${fmt(r.deliveryP99)} | ` +
          `${r.loopP99?.toFixed(1)} | ${pct(r.clientCpu)} | ${pct(r.serverCpu)} | ${r.verdict} |`,
      );
    }
  }
}

console.log("\nzero-delay server (TTFT 0, ITL 0), 2000 tokens per request:");
console.log("| transport | workers | concurrency | events | seconds | events/s |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (transport of only ? [] : transports) {
  for (workers of workerCounts) {
    for (const c of [1, 50]) {
      const r = await ingest(c, 2000, quick ? c * 2 : c * 4);
      console.log(
        `| ${transport} | ${workers} | ${c} | ${r.events} | ${r.seconds.toFixed(2)} | ${
          Math.round(r.events / r.seconds)
        } |`,
      );
    }
  }
}
await Deno.remove(tmp, { recursive: true });
