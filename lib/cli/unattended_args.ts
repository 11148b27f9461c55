import { parseDurationMs } from "../config/duration.ts";
import { DEFAULT_GRACE_MS, type UnattendedPlan } from "../config/unattended_plan.ts";

/** The unattended-run flags of `llmload run` (node:util parseArgs options; merged into RUN_OPTIONS). */
export const UNATTENDED_OPTIONS = {
  "wait-ready": { type: "string" },
  "max-runtime": { type: "string" },
  grace: { type: "string" },
} as const;

/** The `unattended` section from the flags; every problem is appended to `problems`. */
export function unattendedSection(
  values: Record<string, string | boolean | string[] | undefined>,
  problems: string[],
): UnattendedPlan {
  const ms = (flag: string, allowZero: boolean) => {
    const raw = values[flag] as string | undefined;
    if (raw === undefined) return undefined;
    const n = parseDurationMs(raw);
    if (n === undefined || n < 0 || (!allowZero && n === 0)) {
      const want = allowZero ? "a duration ≥ 0" : "a duration > 0";
      problems.push(`--${flag} must be ${want} like 30s, 5m, 2h (got "${raw}")`);
      return undefined;
    }
    return n;
  };
  return {
    waitReadyMs: ms("wait-ready", false),
    maxRuntimeMs: ms("max-runtime", false),
    graceMs: ms("grace", true) ?? DEFAULT_GRACE_MS,
  };
}
