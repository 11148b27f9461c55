/**
 * Whole-process memory of `llmload run` by run length, as a user meets it: a child
 * `deno run main.ts run …` under `/usr/bin/time -v` (peak RSS of the process, summary and
 * reports included), default flags, against a zero-delay server that writes one token per
 * socket write (as vLLM sends them), with `ps` every second for the RSS while streaming.
 *
 * Target (issue 17): a 60 s run peaks within 1.15 × a 15 s run and under 200 MB; a 10-minute run
 * within 1.1 × a 1-minute one and under 150 MB (`--durations 60s,10m`).
 *
 * Usage: deno run -A bench/memory_growth.ts [--durations 15s,60s] [--concurrency 64]
 *          [--max-tokens 200] [-- extra llmload run flags, e.g. --gzip-records]
 */
import { join } from "node:path";
import { spawnTruthServer } from "./truth_server.ts";

const argv = [...Deno.args];
const dash = argv.indexOf("--");
const extra = dash >= 0 ? argv.splice(dash).slice(1) : [];
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const durations = opt("durations", "15s,60s").split(",");
const concurrency = opt("concurrency", "64");
const maxTokens = opt("max-tokens", "200");
const root = new URL("..", import.meta.url).pathname;

/** The `--v8-flags=…` the single binary is built with (deno.json's compile task). */
async function binaryV8Flags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
  return String(config.tasks.compile).split(/\s+/).filter((a) => a.startsWith("--v8-flags="));
}

interface Result {
  duration: string;
  peakMb: number;
  streamingMb: number[];
  wallS: number;
  tokensPerS: number | null;
  fileMb: number;
  load: string;
}

async function runOnce(duration: string, url: string, out: string): Promise<Result> {
  const args = [
    "-v",
    Deno.execPath(),
    "run",
    "-A",
    ...await binaryV8Flags(),
    join(root, "main.ts"),
    "run",
    "--url",
    url,
    "--concurrency",
    concurrency,
    "--max-tokens",
    maxTokens,
    "--ignore-eos",
    "--duration",
    duration,
    "--out",
    out,
    "--quiet",
    ...extra,
  ];
  const t0 = performance.now();
  const child = new Deno.Command("/usr/bin/time", { args, stdout: "piped", stderr: "piped" })
    .spawn();
  const streaming: number[] = [];
  const sampler = setInterval(async () => {
    const ps = await new Deno.Command("ps", {
      args: ["-o", "rss=", "--ppid", String(child.pid)],
      stdout: "piped",
    }).output();
    const kb = Number(new TextDecoder().decode(ps.stdout).trim().split("\n")[0]);
    if (kb > 0) streaming.push(kb / 1024);
  }, 1000);
  const done = await child.output();
  clearInterval(sampler);
  const stderr = new TextDecoder().decode(done.stderr);
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
  let tokensPerS: number | null = null;
  let fileMb = 0;
  for await (const e of Deno.readDir(out)) {
    if (!e.isDirectory) continue;
    const s = JSON.parse(await Deno.readTextFile(join(out, e.name, "summary.json")));
    tokensPerS = s.throughput.output_tokens_per_s;
    for (const f of ["requests.jsonl", "requests.jsonl.gz"]) {
      fileMb += await Deno.stat(join(out, e.name, f)).then((x) => x.size / 2 ** 20, () => 0);
    }
  }
  const load = new TextDecoder().decode((await new Deno.Command("uptime").output()).stdout);
  return {
    duration,
    peakMb: peakKb / 1024,
    streamingMb: streaming,
    wallS: (performance.now() - t0) / 1000,
    tokensPerS,
    fileMb,
    load: load.trim().replace(/^.*load average: /, ""),
  };
}

const server = await spawnTruthServer({ ttftMs: 0, itlMs: 0, batch: 1, noTruth: true });
const results: Result[] = [];
try {
  for (const d of durations) {
    const out = await Deno.makeTempDir();
    try {
      results.push(await runOnce(d, server.baseUrl, out));
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  }
} finally {
  await server.stop();
}
const f = (x: number) => x.toFixed(0);
console.log(
  `llmload run --concurrency ${concurrency} --max-tokens ${maxTokens} ${extra.join(" ")}` +
    ` against a zero-delay server, one token per write`,
);
console.log(
  "| duration | RSS while streaming (first → last, max) | whole-process peak | output tok/s | requests file | load avg after |",
);
console.log("|---|---|---|---|---|---|");
for (const r of results) {
  const s = r.streamingMb;
  console.log(
    `| ${r.duration} | ${
      s.length ? `${f(s[0])} → ${f(s.at(-1)!)}, max ${f(Math.max(...s))}` : "-"
    } MB` +
      ` | **${f(r.peakMb)} MB** | ${r.tokensPerS === null ? "-" : f(r.tokensPerS)} | ` +
      `${r.fileMb.toFixed(1)} MB | ${r.load} |`,
  );
}
if (results.length >= 2) {
  const a = results[0], b = results.at(-1)!;
  console.log(
    `peak ${b.duration} / ${a.duration} = ${(b.peakMb / a.peakMb).toFixed(2)}×`,
  );
}
