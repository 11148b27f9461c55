import { join } from "node:path";

/**
 * A run id that sorts by start time and stays unique when runs start in the same second:
 * `YYYYMMDD-HHMMSS-xxxx` (UTC, 4 random hex digits).
 */
export function makeRunId(now: Date, randomHex = crypto.randomUUID().slice(0, 4)): string {
  const iso = now.toISOString(); // 2026-11-22T13:41:05.123Z
  const stamp = iso.slice(0, 10).replaceAll("-", "") + "-" + iso.slice(11, 19).replaceAll(":", "");
  return `${stamp}-${randomHex}`;
}

/** Creates `<out>/<runId>/` (and `out` itself) and returns its path. */
export async function createRunDir(out: string, runId: string): Promise<string> {
  const dir = join(out, runId);
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}
