/**
 * Where the simulator's CPU goes under streaming load: runs the simulator in a child process
 * with the V8 inspector on, drives N concurrent streams at it over raw HTTP/1.1 sockets, samples
 * the child's JavaScript thread with the inspector's CPU profiler meanwhile, and prints the
 * functions with the most self time. Native work done on the JS thread (socket writes, promise
 * machinery) shows up under the JS function that called it or as "(program)".
 *
 *   deno run -A bench/sim_profile.ts [--streams 1000] [--tokens 100] [--itl 10] [--server raw|deno]
 */

import { parseArgs } from "node:util";

const args = parseArgs({
  options: {
    streams: { type: "string", default: "1000" },
    tokens: { type: "string", default: "100" },
    itl: { type: "string", default: "10" },
    server: { type: "string", default: "raw" },
    top: { type: "string", default: "30" },
  },
});
const streams = Number(args.values.streams);
const tokens = Number(args.values.tokens);
const itl = Number(args.values.itl);
const INSPECT_PORT = 9339;

const simMain = new URL("../lib/sim/sim_process.ts", import.meta.url).pathname;
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net",
    `--inspect=127.0.0.1:${INSPECT_PORT}`,
    simMain,
    JSON.stringify({ ttftMs: 40, itlMs: itl, httpServer: args.values.server }),
  ],
  stdin: "piped",
  stdout: "piped",
  stderr: "piped",
}).spawn();

const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
let wsUrl = "";
while (!wsUrl) {
  const { value, done } = await stderr.read();
  if (done) throw new Error("simulator exited before the inspector started");
  wsUrl = /ws:\/\/\S+/.exec(value)?.[0] ?? "";
}
void (async () => {
  while (!(await stderr.read()).done) { /* drain */ }
})();
const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
let line = "";
while (!line.includes("\n")) {
  const { value, done } = await stdout.read();
  if (done) throw new Error("simulator exited before listening");
  line += value;
}
const port = JSON.parse(line.slice(0, line.indexOf("\n"))).port as number;

const ws = new WebSocket(wsUrl);
await new Promise((r) => ws.onopen = r);
let nextId = 1;
const waiting = new Map<number, (v: unknown) => void>();
ws.onmessage = (e) => {
  const msg = JSON.parse(e.data);
  if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
};
const call = (method: string, params: unknown = {}) =>
  new Promise<unknown>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });

async function rawStream(i: number): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const body = JSON.stringify({
      prompt: `s ${i}`,
      max_tokens: tokens,
      ignore_eos: true,
      stream: true,
    });
    await conn.write(new TextEncoder().encode(
      `POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
        `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    ));
    const buf = new Uint8Array(65536);
    let got = 0;
    for (let reads = 0; reads < 10 * tokens + 100; reads++) {
      const n = await conn.read(buf);
      if (n === null) break;
      got += n;
    }
    return got;
  } finally {
    conn.close();
  }
}

await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 200 });
await call("Profiler.start");
const t0 = performance.now();
await Promise.all(Array.from({ length: streams }, async (_, i) => {
  await new Promise((r) => setTimeout(r, (i * 1000) / streams));
  return await rawStream(i);
}));
const wall = performance.now() - t0;
const { profile } = await call("Profiler.stop") as { profile: Profile };
ws.close();
await child.stdin.close();
while (!(await stdout.read()).done) { /* drain */ }
await child.status;

interface Profile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  const n = byNode.get(profile.samples[i])!;
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^.*\/(lib|bench)\//, "$1/")}:${f.lineNumber + 1}` : "";
  const key = `${f.functionName || "(anonymous)"} ${where}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
}
const idle = [...self].filter(([k]) => k.startsWith("(idle)")).reduce((a, [, v]) => a + v, 0);
console.log(
  `${streams} streams × ${tokens} tokens, ITL ${itl} ms, server ${args.values.server}: ` +
    `wall ${(wall / 1000).toFixed(2)} s, sampled ${(total / 1e6).toFixed(2)} s, ` +
    `busy ${((total - idle) / 1e6).toFixed(2)} s = ` +
    `${((total - idle) / (streams * tokens)).toFixed(1)} µs per token on the JS thread`,
);
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(args.values.top));
for (const [k, v] of rows) {
  console.log(
    `${(v / 1000).toFixed(0).padStart(7)} ms  ${(v / total * 100).toFixed(1).padStart(5)}%  ${k}`,
  );
}
