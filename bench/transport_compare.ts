/**
 * Issue 17: fetch vs socket vs the default (`--transport auto` + `--preconnect auto`) at 1000
 * concurrent streams, one token per server write, each load a real `llmload run` in a child
 * `deno run main.ts` (under `/usr/bin/time -v` for the whole process's peak RSS, with the
 * compile task's V8 flags, as the binary runs) against bench/truth_server.ts in its own
 * process, on 127.0.0.1 only. Numbers in printed tables, each beside its target.
 *
 *   deno run -A bench/transport_compare.ts [--reps=2] [--concurrency=1000] [--requests=2000]
 *          [--only=accuracy,ingest] [--configs=fetch,socket,default]
 *
 * Accuracy: truth server TTFT 50 ms, ITL 10 ms, 100–200 output tokens; error = measured −
 * true, over every request (each user's first request, which opens or reuses a connection,
 * included: that is what preconnect is for). TPOT error compares (end − first token) / (n − 1)
 * with the server's own (last − first token write) / (n − 1). Client CPU: the child's CPU
 * (all its threads) while requests were in flight, in cores. Ingest: zero-delay server, 50
 * streams, one write per token: tokens/s from first send to last end.
 */
import { join } from "node:path";
import { describe } from "../lib/metrics/stats.ts";
import { measurementError } from "../lib/metrics/measurement_error.ts";
import { recordFromJsonl } from "../lib/report/files/record_jsonl.ts";
import type { RequestRecord } from "../lib/metrics/record.ts";
import { spawnTruthServer, type Truth, type TruthServerConfig } from "./truth_server.ts";

const flag = (name: string) => Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const reps = Number(flag("reps") ?? 2);
const concurrency = Number(flag("concurrency") ?? 1000);
const requests = Number(flag("requests") ?? 2 * concurrency);
const only = flag("only")?.split(",");
const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** The configurations compared: their extra `llmload run` flags. */
const CONFIGS: Record<string, string[]> = {
  fetch: ["--transport", "fetch"],
  socket: ["--transport", "socket", "--preconnect", "off"],
  default: [],
};
const configs = flag("configs")?.split(",") ?? Object.keys(CONFIGS);

/** What one child run measured. */
interface ChildRun {
  records: RequestRecord[];
  meta: Record<string, unknown>;
  truth: Truth[];
  /** Whole-process peak RSS, MB (`/usr/bin/time -v`): start-up and the reports included. */
  peakRssMb: number | null;
  /** Highest RSS sampled while requests were in flight, MB. */
  inFlightRssMb: number | null;
  /** Child CPU while requests were in flight, cores. */
  cpu: number | null;
  /** The truth server's CPU in the same window, cores. */
  serverCpu: number | null;
  serverLagP99: number;
}

/** `--v8-flags=…` of deno.json's compile task: the child runs the way the binary does. */
async function binaryV8Flags(): Promise<string[]> {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  ) as { tasks: Record<string, string> };
  return config.tasks.compile.split(/\s+/).filter((a) => a.startsWith("--v8-flags="));
}

function cpuSeconds(pid: number): number | undefined {
  try {
    const f = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function childPid(pid: number): number | undefined {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim();
    return text === "" ? undefined : Number(text.split(" ")[0]);
  } catch {
    return undefined;
  }
}

const epochNow = () => performance.timeOrigin + performance.now();

/** One `llmload run` in a child process against a fresh truth server. */
async function childRun(server: TruthServerConfig, runArgs: string[]): Promise<ChildRun> {
  const truthServer = await spawnTruthServer(server);
  const out = await Deno.makeTempDir({ prefix: "llmload-transport-" });
  try {
    const args = [
      "run",
      "-A",
      ...(await binaryV8Flags()),
      MAIN,
      "run",
      "--url",
      truthServer.baseUrl,
      "--model",
      "truth",
      "--out",
      out,
      "--quiet",
      "--metrics",
      "off",
      ...runArgs,
    ];
    const child = new Deno.Command("/usr/bin/time", {
      args: ["-v", Deno.execPath(), ...args],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const samples: { at: number; s: number; server: number; rss: number }[] = [];
    let deno: number | undefined;
    const sampler = setInterval(() => {
      deno ??= childPid(child.pid);
      const s = deno === undefined ? undefined : cpuSeconds(deno);
      const server = cpuSeconds(truthServer.pid) ?? NaN;
      const rss = deno === undefined ? undefined : rssMb(deno);
      if (s !== undefined) samples.push({ at: epochNow(), s, server, rss: rss ?? NaN });
    }, 50);
    const result = await child.output();
    clearInterval(sampler);
    const stderr = new TextDecoder().decode(result.stderr);
    if (!result.success) throw new Error(`llmload run failed:\n${stderr.slice(-2000)}`);
    const { truth, lag } = await truthServer.stopWithLag();
    const dir = [...Deno.readDirSync(out)].find((e) => e.isDirectory)!.name;
    const meta = JSON.parse(await Deno.readTextFile(join(out, dir, "meta.json")));
    const text = await Deno.readTextFile(join(out, dir, "requests.jsonl"));
    const records = text.split("\n").filter((l) => l).map((l) => recordFromJsonl(l));
    const origin = meta.time_origin_epoch_ms as number;
    const from = origin + Math.min(...records.map((r) => r.sentAt));
    const to = origin + Math.max(...records.map((r) => r.endAt));
    const inside = samples.filter((x) => x.at >= from && x.at <= to);
    const a = inside[0], b = inside.at(-1);
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    return {
      records,
      meta,
      truth,
      peakRssMb: rss ? Number(rss[1]) / 1024 : null,
      inFlightRssMb: inside.length ? Math.max(...inside.map((x) => x.rss)) : null,
      cpu: a && b && b.at > a.at ? (b.s - a.s) / ((b.at - a.at) / 1000) : null,
      serverCpu: a && b && b.at > a.at ? (b.server - a.server) / ((b.at - a.at) / 1000) : null,
      serverLagP99: lag.p99,
    };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** TPOT measured − true per matched request, ms. */
function tpotErrors(records: RequestRecord[], truth: Truth[]): number[] {
  const byId = new Map(truth.map((t) => [t.requestId, t]));
  const out: number[] = [];
  for (const r of records) {
    const t = byId.get(r.requestId);
    const n = r.tokenTimes.length;
    if (r.error || !t || t.tokenTimes.length !== n || n < 2) continue;
    const measured = (r.endAt - r.tokenTimes[0]) / (n - 1);
    const real = (t.tokenTimes[n - 1] - t.tokenTimes[0]) / (n - 1);
    out.push(measured - real);
  }
  return out;
}

const f = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || Number.isNaN(v)
    ? "–"
    : `${v >= 0 ? "+" : ""}${v.toFixed(digits)}`;
const n1 = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(1);
const load = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");

function table(title: string, columns: string[], rows: string[][]): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${columns.join(" | ")} |`);
  console.log(`| ${columns.map((_, i) => i === 0 ? "---" : "---:").join(" | ")} |`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
}

async function accuracy(): Promise<void> {
  const rows: string[][] = [];
  // Interleaved (fetch, socket, default, fetch, …): a burst of load on the shared box hits
  // every configuration rather than one.
  for (let rep = 1; rep <= reps; rep++) {
    for (const name of configs) {
      const before = load();
      const run = await childRun({ ttftMs: 50, itlMs: 10 }, [
        "--concurrency",
        String(concurrency),
        "--requests",
        String(requests),
        "--output-tokens",
        "uniform:100-200",
        "--ignore-eos",
        "--prompt-tokens",
        "32",
        ...CONFIGS[name],
      ]);
      const e = measurementError(run.records, run.truth, {
        originEpochMs: run.meta.time_origin_epoch_ms as number,
      });
      const tpot = describe(tpotErrors(run.records, run.truth));
      const fresh = run.records.filter((r) => r.connectMs !== undefined);
      const pre = run.meta.preconnect as { opened?: number } | null;
      rows.push([
        `${name} #${rep}`,
        String(run.meta.transport_resolved ?? run.meta.transport),
        String(pre?.opened ?? 0),
        `${e.matched}/${e.requests}`,
        f(e.ttft.p50),
        f(e.ttft.p99),
        f(e.itl.p99),
        f(tpot.p50, 2),
        f(e.transit.p99),
        fresh.length
          ? `${fresh.length}, p50 ${n1(describe(fresh.map((r) => r.connectMs!)).p50)}`
          : "0",
        run.cpu === null ? "–" : run.cpu.toFixed(2),
        run.serverCpu === null ? "–" : run.serverCpu.toFixed(2),
        n1(run.inFlightRssMb),
        n1(run.peakRssMb),
        n1(run.serverLagP99),
        before,
      ]);
      console.error(`done: ${name} #${rep} (load ${load()})`);
    }
  }
  table(
    `c=${concurrency}, ${requests} requests, truth server TTFT 50 ms / ITL 10 ms, 100–200 tokens, ` +
      `one token per server write; error = measured − true, ms ` +
      `(targets: TTFT p50 ≤ 10, p99 ≤ 50, ITL p99 ≤ 5, TPOT p50 ≤ 0.1, CPU ≤ 0.6, RSS ≤ 150)`,
    [
      "config",
      "transport",
      "preconnected",
      "compared",
      "TTFT err p50",
      "TTFT err p99",
      "ITL err p99",
      "TPOT err p50",
      "send→server p99",
      "fresh connects (connect_ms p50)",
      "client CPU (cores)",
      "server CPU",
      "RSS in flight MB",
      "peak RSS MB (whole process)",
      "server lag p99",
      "load avg before",
    ],
    rows,
  );
}

async function ingest(): Promise<void> {
  const rows: string[][] = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const name of configs) {
      const before = load();
      const run = await childRun({ ttftMs: 0, itlMs: 0, batch: 1 }, [
        "--concurrency",
        "50",
        "--requests",
        "100",
        "--max-tokens",
        "2000",
        "--ignore-eos",
        "--prompt-tokens",
        "8",
        "--ramp",
        "1ms",
        ...CONFIGS[name],
      ]);
      const ok = run.records.filter((r) => !r.error);
      const tokens = ok.reduce((n, r) => n + r.outputTokens, 0);
      const events = ok.reduce((n, r) => n + r.tokenTimes.length, 0);
      const s = (Math.max(...ok.map((r) => r.endAt)) - Math.min(...ok.map((r) => r.sentAt))) /
        1000;
      rows.push([
        `${name} #${rep}`,
        String(run.meta.transport_resolved ?? run.meta.transport),
        `${ok.length}/${run.records.length}`,
        `${(tokens / s / 1000).toFixed(0)}k`,
        `${(events / s / 1000).toFixed(0)}k`,
        run.cpu === null ? "–" : run.cpu.toFixed(2),
        // Client CPU per token event: what the client would need at any rate a server offers.
        run.cpu === null ? "–" : (run.cpu * s / events * 1e6).toFixed(1),
        run.serverCpu === null ? "–" : run.serverCpu.toFixed(2),
        before,
      ]);
      console.error(`done: ingest ${name} #${rep} (load ${load()})`);
    }
  }
  table(
    "Zero-delay ingest, 50 streams × 2000 tokens, one server write per token (target ≥ 300k tokens/s)",
    [
      "config",
      "transport",
      "ok",
      "tokens/s",
      "token events/s",
      "client CPU (cores)",
      "client µs/event",
      "server CPU",
      "load avg",
    ],
    rows,
  );
}

console.log(
  `transport_compare — ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ` +
    `${new Date().toISOString().slice(0, 16)}Z, load average ${load()}`,
);
if (!only || only.includes("accuracy")) await accuracy();
if (!only || only.includes("ingest")) await ingest();
console.log(`\nload average at the end: ${load()}`);
