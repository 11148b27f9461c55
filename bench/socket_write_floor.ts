/**
 * The floor under any per-token HTTP writer in Deno: what one `conn.write` of a ~300-byte token
 * chunk on a loopback TCP socket costs the writing thread, with nothing else (no HTTP, no
 * engine). N connections, one write each per round, a round every `--gap` ms (as 10 ms ITL
 * streams would); the readers run in a Worker so only the writer's thread is measured: its user
 * and system time from /proc (Linux; Deno reads /proc only with -A). System time includes the
 * kernel's delivery of the segment to the reader's socket, which on loopback runs inside the
 * sender's write.
 *
 *   deno run -A bench/socket_write_floor.ts [--conns 1000] [--rounds 100] [--gap 10] [--bytes 300]
 */

import { parseArgs } from "node:util";

const args = parseArgs({
  options: {
    conns: { type: "string", default: "1000" },
    rounds: { type: "string", default: "100" },
    gap: { type: "string", default: "10" },
    bytes: { type: "string", default: "300" },
  },
});
const conns = Number(args.values.conns);
const rounds = Number(args.values.rounds);
const gapMs = Number(args.values.gap);

/** This thread's user and system CPU, µs (the main thread's task id is the process id). */
function threadCpu(): { user: number; sys: number } {
  const stat = Deno.readTextFileSync(`/proc/${Deno.pid}/task/${Deno.pid}/stat`);
  const f = stat.split(") ")[1].split(" ");
  return { user: Number(f[11]) * 1e4, sys: Number(f[12]) * 1e4 }; // 10 ms clock ticks
}

const READER = `
self.onmessage = async (e) => {
  const { port, n } = e.data;
  const all = [];
  for (let i = 0; i < n; i++) all.push(await Deno.connect({ hostname: "127.0.0.1", port }));
  self.postMessage("connected");
  await Promise.all(all.map(async (c) => {
    const b = new Uint8Array(65536);
    for (;;) if ((await c.read(b).catch(() => null)) === null) return c.close();
  }));
  self.postMessage("done");
};`;

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const worker = new Worker(URL.createObjectURL(new Blob([READER])), { type: "module" });
const messages: string[] = [];
let wake = () => {};
worker.onmessage = (e) => {
  messages.push(e.data);
  wake();
};
const next = (want: string) =>
  new Promise<void>((resolve) => {
    const check = () => messages.includes(want) ? resolve() : (wake = check);
    check();
  });
worker.postMessage({ port: listener.addr.port, n: conns });
const servers: Deno.TcpConn[] = [];
for (let i = 0; i < conns; i++) {
  const c = await listener.accept();
  c.setNoDelay(true);
  servers.push(c);
}
await next("connected");

const payload = new Uint8Array(Number(args.values.bytes)).fill(97);
console.log(`${conns} connections, ${rounds} rounds every ${gapMs} ms, ${payload.length} B`);
for (let rep = 0; rep < 3; rep++) {
  const c0 = threadCpu();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    await Promise.all(servers.map((s) => s.write(payload)));
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  const c1 = threadCpu();
  const writes = conns * rounds;
  const user = (c1.user - c0.user) / writes;
  const sys = (c1.sys - c0.sys) / writes;
  console.log(
    `writer thread: ${(user + sys).toFixed(1)} µs per write (user ${user.toFixed(1)}, ` +
      `system ${sys.toFixed(1)}), ${((performance.now() - t0) / 1000).toFixed(2)} s`,
  );
}
for (const s of servers) s.close();
await next("done");
listener.close();
worker.terminate();
