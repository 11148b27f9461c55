/**
 * The simulator in its own Deno process, so that it does not share a JavaScript thread with the
 * load generator measuring it: writing one HTTP chunk per token costs ~15-20 µs of the server's
 * thread on a 2-core VM, which at a few hundred streams would distort the client's timestamps.
 *
 * Protocol with the child (private to this module): options as JSON in argv[0]; the child prints
 * one line `{"port": N}` once listening; when its stdin closes it prints one line
 * `{"truth": TruthEntry[]}` (when asked to collect truth), closes the simulator and exits.
 */

import { type SimOptions, startSim, type TruthEntry } from "./server.ts";

/** Options of {@link spawnSim}: the simulator's, minus the in-process truth hook. */
export interface SpawnSimOptions extends Omit<SimOptions, "truthLog"> {
  /** Keep every {@link TruthEntry} in the child and return them from `stop()`; default false. */
  collectTruth?: boolean;
}

/** A simulator running in a child process. */
export interface SpawnedSim {
  /** API base including `/v1`. */
  baseUrl: string;
  port: number;
  /** The child's process id (for CPU accounting in benchmarks). */
  pid: number;
  /** Stops the child; resolves with its truth entries (empty unless `collectTruth`). */
  stop(): Promise<TruthEntry[]>;
}

/** Starts the simulator in a child Deno process (needs `--allow-run`) and waits until it listens. */
export async function spawnSim(options: SpawnSimOptions = {}): Promise<SpawnedSim> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", import.meta.filename ?? import.meta.url, JSON.stringify(options)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = readLines(child.stdout);
  const first = await lines.next();
  if (first.done) {
    await child.stdin.close();
    await child.status;
    throw new Error("simulator child exited before listening");
  }
  const { port } = JSON.parse(first.value) as { port: number };
  const hostname = options.hostname ?? "127.0.0.1";
  const host = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
  let stopping: Promise<TruthEntry[]> | undefined;
  return {
    baseUrl: `http://${host.includes(":") ? `[${host}]` : host}:${port}/v1`,
    port,
    pid: child.pid,
    stop() {
      stopping ??= (async () => {
        await child.stdin.close();
        const last = await lines.next();
        // Drain to EOF so the pipe's resource is released.
        while (!(await lines.next()).done) { /* nothing more is expected */ }
        await child.status;
        return last.done ? [] : (JSON.parse(last.value) as { truth: TruthEntry[] }).truth;
      })();
      return stopping;
    },
  };
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = "";
  for await (const chunk of stream) {
    buf += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf("\n")) >= 0) {
      yield buf.slice(0, cut);
      buf = buf.slice(cut + 1);
    }
  }
  if (buf) yield buf;
}

async function childMain(arg: string): Promise<void> {
  const options = JSON.parse(arg) as SpawnSimOptions;
  const truth: TruthEntry[] = [];
  const sim = await startSim({
    ...options,
    truthLog: options.collectTruth ? (e) => truth.push(e) : undefined,
  });
  const out = new TextEncoder();
  const write = async (line: string) => {
    const bytes = out.encode(line + "\n");
    for (let o = 0; o < bytes.length;) o += await Deno.stdout.write(bytes.subarray(o));
  };
  await write(JSON.stringify({ port: sim.port }));
  // Bounded by the parent: it closes our stdin to stop us.
  for await (const _ of Deno.stdin.readable) { /* input is ignored */ }
  await sim.close();
  await write(JSON.stringify({ truth }));
}

if (import.meta.main) await childMain(Deno.args[0] ?? "{}");
