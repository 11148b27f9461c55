/**
 * Servers an earlier variants run left running. The watchdog (server_process.ts) stops a
 * variant's server when llmload dies, but it can die with it (a container's whole tree killed,
 * no `sh`): the server then holds its GPU and port until someone finds it. Every variants run
 * records its servers in `<root>/<sweep-id>/variants.json` (pid, command line, owner pid and
 * host), so the next run, and `llmload variants --cleanup`, stop the ones still alive.
 *
 * A pid is only trusted together with its command line: the OS reuses pids, and a recycled one
 * runs something else, which must never be signalled. A server whose parent is still the
 * llmload that recorded it belongs to a run in progress (another scenario into the same root)
 * and is left alone, as is everything recorded on another host (a shared results directory).
 */

import { VARIANTS_FILE } from "../results/results_files.ts";
import { join } from "node:path";
import { REDACTED } from "../config/redact.ts";
import { isRunning, type ProcessEntry, processTable } from "./process_table.ts";

/** How long a server gets to end after SIGTERM before SIGKILL, ms. */
export const ORPHAN_GRACE_MS = 5_000;
/** How long to wait for the end after SIGKILL, ms. */
const KILL_WAIT_MS = 2_000;
const POLL_MS = 100;

/** A server a variants.json says was started and never recorded as stopped. */
export interface RecordedServer {
  /** The sweep directory holding the variants.json. */
  sweepDir: string;
  label: string;
  pid: number;
  /** As recorded: secret values shown as `***`. */
  argv: string[];
  /** The llmload process that started it, when recorded. */
  owner?: number;
}

/** A server this module stopped. */
export interface StoppedServer {
  server: RecordedServer;
  /** It ignored SIGTERM for the grace period and got SIGKILL. */
  forced: boolean;
}

/**
 * True when the command line `ps` shows (`live`, words joined by spaces) is the recorded argv:
 * the same words in order, where a `***` of the record stands for the secret it hid.
 */
export function commandMatches(recorded: readonly string[], live: string): boolean {
  if (recorded.length === 0) return false;
  const pattern = recorded.join(" ").split(REDACTED)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+?");
  return new RegExp(`^${pattern}$`, "s").test(live);
}

/** The servers the variants.json files directly under `root` list as not stopped. */
export async function recordedServers(root: string, host: string): Promise<RecordedServer[]> {
  const found: RecordedServer[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(root));
  } catch {
    return found; // no results root yet: nothing was ever started there
  }
  for (const e of entries.filter((e) => e.isDirectory).sort((a, b) => a.name < b.name ? -1 : 1)) {
    const sweepDir = join(root, e.name);
    let saved;
    try {
      saved = JSON.parse(await Deno.readTextFile(join(sweepDir, VARIANTS_FILE)));
    } catch {
      continue; // a plain run, a sweep, or a variants.json cut short: nothing to go on
    }
    if (typeof saved?.host === "string" && saved.host !== host) continue;
    const owner = typeof saved?.llmload_pid === "number" ? saved.llmload_pid : undefined;
    for (const v of Array.isArray(saved?.variants) ? saved.variants : []) {
      // A recorded stop means its run saw the whole group end.
      if (typeof v?.pid !== "number" || !Array.isArray(v.argv) || v.stop) continue;
      found.push({ sweepDir, label: String(v.label ?? ""), pid: v.pid, argv: v.argv, owner });
    }
  }
  return found;
}

/**
 * Sends `signal` to the server's group when it leads one (as started), else to it alone. Returns
 * why it could not (another user's process), or undefined.
 */
function send(entry: ProcessEntry, signal: Deno.Signal): string | undefined {
  try {
    Deno.kill(entry.pgid === entry.pid ? -entry.pid : entry.pid, signal);
  } catch (e) {
    // ESRCH: it ended in between, which is what was wanted.
    if (!(e instanceof Deno.errors.NotFound)) return (e as Error).message;
  }
  return undefined;
}

/** Waits up to `limitMs` for `pid` to stop running; says whether it did. */
async function waitGone(pid: number, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs;
  for (;;) {
    if (!isRunning((await processTable([pid])).get(pid))) return true;
    if (performance.now() >= end) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Stops every server recorded under the results roots `roots` that still runs the recorded
 * command line and is not owned by a live llmload: SIGTERM (to its group), SIGKILL after
 * `graceMs`. Logs one line per server stopped, or left running because it could not be.
 */
export async function stopOrphanServers(
  roots: readonly string[],
  options: { log: (line: string) => void; graceMs?: number },
): Promise<StoppedServer[]> {
  const host = Deno.hostname();
  const recorded = (await Promise.all([...new Set(roots)].map((r) => recordedServers(r, host))))
    .flat();
  const table = await processTable(recorded.map((s) => s.pid));
  const stopped: StoppedServer[] = [];
  const seen = new Set<number>();
  for (const server of recorded) {
    const entry = table.get(server.pid);
    if (seen.has(server.pid) || !isRunning(entry)) continue;
    // Its parent is still the llmload that started it: a run in progress, not an orphan.
    if (server.owner !== undefined && entry.ppid === server.owner) continue;
    if (!commandMatches(server.argv, entry.args)) continue;
    seen.add(server.pid);
    const name = `pid ${server.pid} (${server.label || "server"} of ${server.sweepDir})`;
    const refused = send(entry, "SIGTERM");
    if (refused) {
      options.log(`could not stop orphaned server ${name}: ${refused}`);
      continue;
    }
    let forced = false;
    if (!await waitGone(server.pid, options.graceMs ?? ORPHAN_GRACE_MS)) {
      forced = true;
      send(entry, "SIGKILL");
      if (!await waitGone(server.pid, KILL_WAIT_MS)) {
        options.log(`could not stop orphaned server ${name}: it outlived SIGKILL`);
        continue;
      }
    } else if (entry.pgid === entry.pid) send(entry, "SIGKILL"); // workers that outlive it
    stopped.push({ server, forced });
    options.log(
      `stopped orphaned server ${name}${forced ? " with SIGKILL" : ""}: ${server.argv.join(" ")}`,
    );
  }
  return stopped;
}
