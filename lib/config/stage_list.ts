import { parseDurationMs } from "./duration.ts";

/** One stage as written: how long, and the rate or user count it holds. */
export interface StageEntry {
  durationMs: number;
  value: number;
}

/**
 * Parses a stage list such as `30s@5,1m@20,30s@5` (DURATION@VALUE, comma-separated; durations
 * as for --duration). `integer` asks for whole values (user counts). Values must be ≥ 0 (0 is a
 * pause). Returns the stages, or every problem found, naming the stage by position.
 */
export function parseStageList(
  text: string,
  options: { integer?: boolean } = {},
): { stages: StageEntry[] } | { problems: string[] } {
  const parts = text.split(",").map((p) => p.trim());
  const problems: string[] = [];
  const stages: StageEntry[] = [];
  if (text.trim() === "") return { problems: ["give at least one stage, e.g. 30s@5,1m@20"] };
  parts.forEach((part, i) => {
    const m = /^([^@]+)@([^@]+)$/.exec(part);
    if (!m) {
      problems.push(`stage ${i + 1} "${part}" must be DURATION@VALUE, e.g. 30s@5`);
      return;
    }
    const durationMs = parseDurationMs(m[1]);
    const value = Number(m[2]);
    if (durationMs === undefined || !(durationMs > 0)) {
      problems.push(`stage ${i + 1} "${part}": duration must be like 500ms, 30s, 5m`);
    }
    const whole = options.integer ? Number.isInteger(value) : true;
    if (m[2].trim() === "" || !Number.isFinite(value) || value < 0 || !whole) {
      const want = options.integer ? "a whole number ≥ 0" : "a number ≥ 0";
      problems.push(`stage ${i + 1} "${part}": value must be ${want}`);
    }
    if (durationMs !== undefined) stages.push({ durationMs, value });
  });
  return problems.length ? { problems } : { stages };
}
