import assert from "node:assert/strict";
import { join } from "node:path";
import { processAlive } from "./process_alive.ts";

/**
 * Starts `argv` as a true orphan (its parent `sh` exits at once, so init or a subreaper adopts
 * it, as after llmload and its watchdog were killed) and returns its pid.
 */
export async function startOrphan(argv: string[]): Promise<number> {
  const out = await new Deno.Command("sh", {
    args: ["-c", '"$@" </dev/null >/dev/null 2>&1 & echo $!', "sh", ...argv],
    stdout: "piped",
  }).output();
  const pid = Number(new TextDecoder().decode(out.stdout).trim());
  assert.ok(pid > 0 && processAlive(pid), `orphan ${argv.join(" ")} runs`);
  return pid;
}

/**
 * A variants sweep directory under `root` whose variants.json records `variants` as started by
 * the llmload `owner` on `host`, none of them stopped unless `stop` says so.
 */
export async function recordSweep(
  root: string,
  variants: { label: string; pid: number; argv: string[]; stop?: unknown }[],
  owner: number,
  host = Deno.hostname(),
): Promise<string> {
  const dir = join(root, `20261206-120000-${crypto.randomUUID().slice(0, 4)}-variants`);
  await Deno.mkdir(dir, { recursive: true });
  const saved = {
    sweep_id: "x",
    llmload_pid: owner,
    host,
    variants: variants.map((v) => ({ ...v, stop: v.stop ?? null })),
  };
  await Deno.writeTextFile(join(dir, "variants.json"), JSON.stringify(saved));
  return dir;
}

/** A pid no process has any more: a child that has already exited. */
export async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

/** SIGKILL to `pid`, if it still exists (test clean-up). */
export function killIfAlive(pid: number): void {
  try {
    Deno.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
