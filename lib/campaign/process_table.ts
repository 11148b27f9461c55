/**
 * What the OS says about a few processes: parent, group, state and command line. Asks `ps`, not
 * /proc: Deno lets only --allow-all read /proc, and the CLI (like the compiled binary and the
 * test task) runs with explicit permissions, where `ps` needs only --allow-run.
 */

/** One live (or zombie) process as `ps` shows it. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  /** `ps` state letters (`S`, `R+`, `Z`...). */
  stat: string;
  /** The command line, its words joined by single spaces (argv boundaries are lost). */
  args: string;
}

/** One `ps` line: `PID PPID PGID STAT ARGS...`, columns padded with spaces. */
const LINE = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s*(.*)$/;

/** Parses `ps -o pid=,ppid=,pgid=,stat=,args=` output; lines it cannot read are skipped. */
export function parsePsLines(text: string): Map<number, ProcessEntry> {
  const found = new Map<number, ProcessEntry>();
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [pid, ppid, pgid] = [Number(m[1]), Number(m[2]), Number(m[3])];
    found.set(pid, { pid, ppid, pgid, stat: m[4], args: m[5].trimEnd() });
  }
  return found;
}

/**
 * The processes among `pids` that exist (zombies included: see {@link isRunning}), by pid; one
 * `ps` call for all. `-ww` keeps long command lines whole (ps cuts them to 80 columns when its
 * output is not a terminal).
 */
export async function processTable(pids: readonly number[]): Promise<Map<number, ProcessEntry>> {
  const wanted = [...new Set(pids)].filter((p) => Number.isInteger(p) && p > 0);
  if (wanted.length === 0) return new Map();
  // ps exits 1 when none of the pids exists: an empty answer, not an error.
  const out = await new Deno.Command("ps", {
    args: ["-ww", "-o", "pid=,ppid=,pgid=,stat=,args=", "-p", wanted.join(",")],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  return parsePsLines(new TextDecoder().decode(out.stdout));
}

/** True for a process that still runs: a zombie has ended and only waits to be reaped. */
export function isRunning(entry: ProcessEntry | undefined): entry is ProcessEntry {
  return entry !== undefined && !entry.stat.startsWith("Z") && !entry.stat.startsWith("X");
}
