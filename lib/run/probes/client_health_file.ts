/**
 * Writes a run's client-health samples (client_health.jsonl) and returns the verdict computed
 * from that file's contents, so the run and `llmload report <dir>` judge the very same numbers.
 */

import { join } from "node:path";
import { type ClientHealth, clientHealth, type HealthWindow } from "../../metrics/client_health.ts";
import type { Stats } from "../../metrics/stats.ts";
import { writeFileAtomic } from "../../fs/atomic_write.ts";
import {
  CLIENT_HEALTH_FILE,
  windowsFromJsonl,
  windowToJsonl,
} from "../../report/files/client_health_jsonl.ts";

/** Writes `<runDir>/client_health.jsonl` (threads in order, windows in time order). */
export async function writeClientHealth(
  runDir: string,
  windows: readonly HealthWindow[],
  options: { lateness: Stats; workers: number; cores?: number },
): Promise<ClientHealth> {
  const sorted = [...windows].sort((a, b) =>
    threadOrder(a.thread) - threadOrder(b.thread) || a.t0 - b.t0
  );
  const text = sorted.map((w) => windowToJsonl(w) + "\n").join("");
  await writeFileAtomic(join(runDir, CLIENT_HEALTH_FILE), text);
  return clientHealth(windowsFromJsonl(text), options.lateness, {
    workers: options.workers,
    cores: options.cores,
  });
}

/** `main` first, then workers by number. */
function threadOrder(thread: string): number {
  const m = /(\d+)$/.exec(thread);
  return m ? Number(m[1]) : 0;
}
