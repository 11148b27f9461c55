/**
 * CPU time used so far by this process and by the calling JavaScript thread. The thread's share
 * is what the load generator's own event loop costs: the simulator of `--target sim` runs on a
 * worker thread and Deno's I/O on helper threads, which count towards the process only.
 *
 * From `node:process` (`cpuUsage`, `threadCpuUsage`: getrusage) rather than /proc, which Deno
 * only lets a program read with --allow-all — and neither the compiled binary nor
 * `deno task test` has that.
 */
import process from "node:process";

/** User + system CPU seconds of the whole process and of the calling JavaScript thread. */
export interface CpuTime {
  process: number;
  mainThread: number;
}

/** Node's `process.threadCpuUsage` (Node 23.9+), which Deno has; typed here as optional. */
type ThreadCpuUsage = () => { user: number; system: number };

/** This process's and this thread's CPU time now, or null where the runtime cannot tell. */
export function readCpuTime(): CpuTime | null {
  try {
    const threadUsage = (process as unknown as { threadCpuUsage?: ThreadCpuUsage })
      .threadCpuUsage;
    if (threadUsage === undefined) return null;
    const p = process.cpuUsage();
    const t = threadUsage.call(process);
    return { process: (p.user + p.system) / 1e6, mainThread: (t.user + t.system) / 1e6 };
  } catch {
    return null;
  }
}
