import assert from "node:assert/strict";
import { join } from "node:path";
import { SWEEP_CSV_COLUMNS } from "../../lib/report/files/sweep_csv.ts";

/** The CLI entry point, run the way a user runs it (a child `deno run -A main.ts ...`). */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Runs `llmload ARGS` in a child process with no stdin and NO_COLOR; resolves when it exits. */
export async function llmload(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1", ...options.env },
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Starts `llmload ARGS` in the background: no stdin, NO_COLOR, stdout and stderr piped. */
export function spawnLlmload(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Waits for a {@link spawnLlmload} child: its exit code and everything it printed. */
export async function finish(child: Deno.ChildProcess) {
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  return { code: status.code, stdout, stderr };
}

/** sweep.csv rows as objects keyed by column name (no quoted commas in our values). */
export function readSweepCsv(dir: string): Record<string, string>[] {
  const [header, ...rows] = Deno.readTextFileSync(join(dir, "sweep.csv")).trimEnd().split("\n");
  assert.deepEqual(header.split(","), SWEEP_CSV_COLUMNS);
  return rows.map((r) => Object.fromEntries(r.split(",").map((v, i) => [SWEEP_CSV_COLUMNS[i], v])));
}
