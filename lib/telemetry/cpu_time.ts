/**
 * CPU time used so far, from /proc (Linux only; null elsewhere). The main thread's share is what
 * the load generator's own event loop costs: the simulator of `--target sim` runs on a worker
 * thread and Deno's file writes on helper threads, which count towards the process only.
 */

/** User + system CPU seconds of the whole process and of the calling JavaScript thread. */
export interface CpuTime {
  process: number;
  mainThread: number;
}

/** Clock ticks per second of /proc's stat fields: 100 on every Linux we run on. */
const CLK_TCK = 100;

/** utime + stime, seconds, from one /proc stat line (the command name may hold spaces). */
export function parseStatCpuSeconds(stat: string): number | null {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const user = Number(fields[11]), system = Number(fields[12]);
  return Number.isFinite(user) && Number.isFinite(system) ? (user + system) / CLK_TCK : null;
}

/** This process's and this thread's CPU time now, or null where /proc is missing or unreadable. */
export function readCpuTime(): CpuTime | null {
  // Seen once in a long test run: a read of /proc that failed or came back short. A second
  // try costs nothing; a null makes callers drop their CPU column.
  for (let attempt = 0; attempt < 3; attempt++) {
    const t = readOnce();
    if (t !== null) return t;
  }
  return null;
}

function readOnce(): CpuTime | null {
  try {
    const process = parseStatCpuSeconds(Deno.readTextFileSync("/proc/self/stat"));
    // A sync read runs on the calling JavaScript thread, so thread-self is that thread (the
    // main one in a plain run; `deno test` runs test modules on another thread).
    const mainThread = parseStatCpuSeconds(Deno.readTextFileSync("/proc/thread-self/stat"));
    return process === null || mainThread === null ? null : { process, mainThread };
  } catch {
    return null;
  }
}
