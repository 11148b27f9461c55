/**
 * `client_health.jsonl`: one line per probe window per thread, the raw samples behind summary.json
 * `client`, so `llmload report <dir>` recomputes the verdict from the files alone. Times are ms
 * from the run origin, rounded to 0.001 ms like requests.jsonl.
 */

import type { HealthWindow } from "../../metrics/client_health.ts";

/** The run directory's file name. */
export const CLIENT_HEALTH_FILE = "client_health.jsonl";

const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** One line (no newline) of a window. */
export function windowToJsonl(w: HealthWindow): string {
  return JSON.stringify({
    thread: w.thread,
    t0_ms: r3(w.t0),
    t1_ms: r3(w.t1),
    cpu_ms: w.cpuMs === null ? null : r3(w.cpuMs),
    cpu_source: w.cpuSource ?? null,
    lag_ms: w.lagMs,
  });
}

/** The windows of a file's text; throws an Error naming the line for a damaged one. */
export function windowsFromJsonl(text: string): HealthWindow[] {
  return text.split("\n").flatMap((line, i) => {
    if (line.trim() === "") return [];
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1} is not JSON`);
    }
    if (
      typeof v.thread !== "string" || typeof v.t0_ms !== "number" ||
      typeof v.t1_ms !== "number" || !Array.isArray(v.lag_ms)
    ) {
      throw new Error(`line ${i + 1} lacks thread, t0_ms, t1_ms or lag_ms`);
    }
    const source = v.cpu_source === "thread" || v.cpu_source === "process"
      ? v.cpu_source
      : undefined;
    return [{
      thread: v.thread,
      t0: v.t0_ms,
      t1: v.t1_ms,
      cpuMs: typeof v.cpu_ms === "number" ? v.cpu_ms : null,
      ...(source ? { cpuSource: source } : {}),
      lagMs: v.lag_ms.filter((x): x is number => typeof x === "number"),
    }];
  });
}
