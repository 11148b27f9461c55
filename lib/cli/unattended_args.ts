import { DEFAULT_GRACE_MS, type UnattendedPlan } from "../config/unattended_plan.ts";
import { flagReaders, type FlagValues } from "./flag_readers.ts";

/** The unattended-run flags of `llmload run` (node:util parseArgs options; merged into RUN_OPTIONS). */
export const UNATTENDED_OPTIONS = {
  "wait-ready": { type: "string" },
  "max-runtime": { type: "string" },
  grace: { type: "string" },
} as const;

/** The `unattended` section from the flags; every problem is appended to `problems`. */
export function unattendedSection(
  values: FlagValues,
  problems: string[],
): UnattendedPlan {
  const r = flagReaders(values, problems);
  const ms = (flag: string, allowZero: boolean) =>
    allowZero
      ? r.duration(flag, (n) => n >= 0, "a duration ≥ 0 like 30s, 5m, 2h")
      : r.duration(flag, (n) => n > 0, "a duration > 0 like 30s, 5m, 2h");
  return {
    waitReadyMs: ms("wait-ready", false),
    maxRuntimeMs: ms("max-runtime", false),
    graceMs: ms("grace", true) ?? DEFAULT_GRACE_MS,
  };
}
