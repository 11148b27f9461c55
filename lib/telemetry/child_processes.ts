/**
 * Every long-lived child llmload starts (the nvidia-smi sampler), so that no exit path leaves
 * one behind: Deno kills no child on `Deno.exit()`, SIGINT or SIGTERM (docs/deno_notes.md
 * "Subprocesses"). Samplers stop their own child; this is the net under them: the CLI calls
 * {@link killTrackedChildren} before `Deno.exit`, and an `unload` listener (which `Deno.exit`
 * and a normal end both fire) does the same.
 */

const live = new Set<Deno.ChildProcess>();
/** Children started in their own process group (`detached: true`): killed as a whole group. */
const groups = new Set<Deno.ChildProcess>();
let listening = false;

/**
 * Records `child` as running until {@link untrackChild}. `group`: the child leads its own process
 * group (a server and the workers it forks), so exit paths signal the whole group.
 */
export function trackChild(child: Deno.ChildProcess, options: { group?: boolean } = {}): void {
  live.add(child);
  if (options.group) groups.add(child);
  if (!listening) {
    listening = true;
    globalThis.addEventListener("unload", () => killTrackedChildren());
  }
}

/** The child has exited (its status resolved): nothing left to kill. */
export function untrackChild(child: Deno.ChildProcess): void {
  live.delete(child);
  groups.delete(child);
}

/** PIDs of the children still tracked. */
export function trackedPids(): number[] {
  return [...live].map((c) => c.pid);
}

/** Sends SIGTERM to every tracked child, synchronously (safe in an exit path); returns how many. */
export function killTrackedChildren(): number {
  let n = 0;
  for (const child of live) {
    try {
      if (groups.has(child)) Deno.kill(-child.pid, "SIGTERM");
      else child.kill("SIGTERM");
      n++;
    } catch {
      // already gone
    }
  }
  live.clear();
  groups.clear();
  return n;
}
