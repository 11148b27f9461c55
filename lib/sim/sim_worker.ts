/**
 * The simulator on its own thread: a module Worker that runs {@link startSim}, so `--target sim`
 * does not share the load generator's event loop (writing one HTTP chunk per token costs the
 * server tens of µs, which would show up as client lag). Works in a `deno compile` binary, where
 * spawning `deno run` (sim_process.ts) cannot.
 *
 * Messages: parent → worker `{ start: SimOptions, truthLogFile? }` then `{ close: true }`;
 * worker → parent `{ port }` once listening (or `{ error }`), `{ closed: true }` when done.
 */
import { type SimOptions, startSim, type TruthEntry } from "./server.ts";

/** A simulator running in a Worker. */
export interface WorkerSim {
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the simulator in a Worker and waits until it listens on 127.0.0.1. `truthLogFile`:
 * append one JSON line per finished request ({@link TruthEntry}) to this file, written by the
 * worker itself (a callback cannot cross to another thread).
 */
export function startSimWorker(
  options: Omit<SimOptions, "truthLog"> = {},
  extra: { truthLogFile?: string } = {},
): Promise<WorkerSim> {
  const worker = new Worker(new URL("./sim_worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new Error(`simulator worker failed: ${e.message}`));
    };
    worker.onmessage = (e: MessageEvent<{ port?: number; error?: string }>) => {
      if (e.data.error !== undefined) {
        worker.terminate();
        reject(new Error(e.data.error));
        return;
      }
      const port = e.data.port!;
      const host = options.hostname ?? "127.0.0.1";
      resolve({
        baseUrl: `http://${host}:${port}/v1`,
        port,
        close: () =>
          new Promise<void>((done) => {
            worker.onmessage = () => {
              worker.terminate();
              done();
            };
            worker.postMessage({ close: true });
          }),
      });
    };
    worker.postMessage({ start: options, truthLogFile: extra.truthLogFile });
  });
}

// Inside the worker (only there does WorkerGlobalScope exist), serve the parent's requests.
if ("WorkerGlobalScope" in globalThis) {
  let sim: Awaited<ReturnType<typeof startSim>> | undefined;
  let truthFile: Deno.FsFile | undefined;
  const scope = globalThis as unknown as {
    onmessage: (e: MessageEvent) => void;
    postMessage: (m: unknown) => void;
    close: () => void;
  };
  scope.onmessage = async (
    e: MessageEvent<{ start?: SimOptions; truthLogFile?: string; close?: boolean }>,
  ) => {
    if (e.data.start) {
      try {
        const encoder = new TextEncoder();
        if (e.data.truthLogFile) {
          truthFile = await Deno.open(e.data.truthLogFile, { create: true, append: true });
        }
        const file = truthFile;
        sim = await startSim({
          ...e.data.start,
          truthLog: file
            ? (entry: TruthEntry) => file.writeSync(encoder.encode(JSON.stringify(entry) + "\n"))
            : undefined,
        });
        scope.postMessage({ port: sim.port });
      } catch (err) {
        truthFile?.close();
        truthFile = undefined;
        scope.postMessage({ error: `simulator did not start: ${(err as Error).message}` });
      }
    } else if (e.data.close) {
      await sim?.close();
      truthFile?.close();
      scope.postMessage({ closed: true });
    }
  };
}
