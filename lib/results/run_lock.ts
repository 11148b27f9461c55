import { join } from "node:path";
import { prepareResultsRoot } from "./results_root.ts";

/**
 * One lock file per results root and scenario, so overlapping cron runs refuse to start
 * instead of skewing each other's numbers. The file is created with `createNew`, which the OS
 * grants to exactly one process; it holds the owner's PID, host and start time so a lock left
 * by a dead process (same host, PID gone) can be taken over. A lock from another host (a shared
 * results directory) is never taken over: we cannot see its processes.
 */

/** What a lock file says about its owner. */
export interface LockOwner {
  pid: number;
  host: string;
  started_at: string;
}

/** Another live llmload run holds the lock; the CLI exits with code 2 and starts nothing. */
export class RunLockBusy extends Error {
  constructor(readonly path: string, readonly owner: LockOwner | undefined) {
    const who = owner
      ? `pid ${owner.pid} on ${owner.host}, started ${owner.started_at}`
      : "an unreadable owner";
    super(
      `another llmload run holds ${path} (${who}); not starting. Runs of one scenario into one ` +
        `results root never overlap: wait for it, or remove the file if that process is gone.`,
    );
    this.name = "RunLockBusy";
  }
}

/** A lock held by this process; `release` removes it (idempotent, synchronous). */
export interface RunLock {
  path: string;
  release(): void;
}

const held = new Map<string, string>();
let listening = false;

/** The lock file of scenario `name` under results root `root`. */
export function lockPath(root: string, name: string): string {
  return join(root, `.llmload-${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.lock`);
}

/**
 * Takes the lock `<root>/.llmload-<name>.lock` or throws {@link RunLockBusy}. A stale lock (its
 * PID dead on this host) is taken over with a warning through `log`.
 */
export async function acquireRunLock(
  root: string,
  options: { name: string; log: (line: string) => void },
): Promise<RunLock> {
  // A run that ends before writing anything (a failed setup, a busy lock) leaves no empty root.
  const created = await prepareResultsRoot(root);
  const path = lockPath(root, options.name);
  const text = JSON.stringify(
    {
      pid: Deno.pid,
      host: Deno.hostname(),
      started_at: new Date().toISOString(),
    } satisfies LockOwner,
  ) + "\n";
  // Two rounds: the second follows a stale lock's removal.
  for (let round = 0; round < 2; round++) {
    try {
      const file = await Deno.open(path, { write: true, createNew: true });
      try {
        await file.write(new TextEncoder().encode(text));
      } finally {
        file.close();
      }
      return hold(path, text, created ? root : undefined);
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    const owner = readOwner(path);
    if (!owner || owner.host !== Deno.hostname() || pidAlive(owner.pid) || round > 0) {
      throw new RunLockBusy(path, owner);
    }
    if (!takeOverStale(path, owner)) throw new RunLockBusy(path, readOwner(path));
    options.log(
      `warning: took over the stale lock ${path} (pid ${owner.pid} started ${owner.started_at} is gone)`,
    );
  }
  throw new RunLockBusy(path, readOwner(path));
}

/** Removes every lock this process holds: for exit paths that skip `finally` (Deno.exit). */
export function releaseHeldLocks(): void {
  for (const [path, text] of [...held]) removeIfOurs(path, text);
}

/** True while `pid` runs on this host: /proc on Linux (a zombie is dead), `kill -0` elsewhere. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === Deno.pid) return true;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && procMounted()) return false;
  }
  try {
    return new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" }).outputSync()
      .success;
  } catch {
    return true; // cannot tell: never steal
  }
}

function procMounted(): boolean {
  try {
    Deno.statSync("/proc/self");
    return true;
  } catch {
    return false;
  }
}

function hold(path: string, text: string, createdRoot?: string): RunLock {
  held.set(path, text);
  if (!listening) {
    listening = true;
    globalThis.addEventListener("unload", releaseHeldLocks);
  }
  return {
    path,
    release: () => {
      removeIfOurs(path, text);
      try {
        if (createdRoot) Deno.removeSync(createdRoot); // fails unless empty: results stay
      } catch {
        // holds results (or another run's lock)
      }
    },
  };
}

/** Removes the lock only while it still holds our text (never another run's lock). */
function removeIfOurs(path: string, text: string): void {
  held.delete(path);
  try {
    if (Deno.readTextFileSync(path) === text) Deno.removeSync(path);
  } catch {
    // already gone
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(Deno.readTextFileSync(path));
    return typeof o?.pid === "number" && typeof o?.host === "string" ? o : undefined;
  } catch {
    return undefined; // being written, or not ours: treated as busy
  }
}

/**
 * Moves the stale lock aside under a unique name, then checks that what moved is the dead
 * owner's lock: if another process took it over first, its fresh lock is put back.
 */
function takeOverStale(path: string, stale: LockOwner): boolean {
  const aside = `${path}.stale-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    Deno.renameSync(path, aside);
  } catch {
    return false;
  }
  let moved: LockOwner | undefined;
  try {
    moved = JSON.parse(Deno.readTextFileSync(aside));
  } catch {
    moved = undefined;
  }
  if (moved?.pid === stale.pid && moved?.started_at === stale.started_at) {
    Deno.removeSync(aside);
    return true;
  }
  try {
    Deno.linkSync(aside, path); // never overwrites a lock created meanwhile
  } catch {
    // someone holds it now; theirs stays
  }
  Deno.removeSync(aside);
  return false;
}
