import { parseDurationMs } from "../config/duration.ts";
import { DEFAULT_GPU_INTERVAL_MS, type TelemetryPlan } from "../config/telemetry_plan.ts";
import { splitCommand } from "../telemetry/split_command.ts";
import { flagReaders, type FlagValues } from "./flag_readers.ts";

/** The telemetry flags of `llmload run` and `llmload sysinfo` (node:util parseArgs options). */
export const TELEMETRY_OPTIONS = {
  "gpu-sampler": { type: "string" },
  "gpu-interval": { type: "string" },
  gpus: { type: "string" },
  "gpu-processes": { type: "boolean" },
  tag: { type: "string", multiple: true },
  note: { type: "string", multiple: true },
} as const;

/** Tag keys: what a column name or a YAML key can be. */
const TAG_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-]*$/;

/**
 * The `telemetry` section from the flags, or undefined when none is given (the run then uses
 * the defaults). Every problem is appended to `problems`.
 */
export function telemetrySection(
  values: FlagValues,
  problems: string[],
): TelemetryPlan | undefined {
  if (!Object.keys(TELEMETRY_OPTIONS).some((k) => values[k] !== undefined)) return undefined;
  const { str, list } = flagReaders(values, problems);

  let gpuSampler: TelemetryPlan["gpuSampler"] = "auto";
  let command: string[] | undefined;
  const raw = str("gpu-sampler");
  if (raw === "off" || raw === "auto" || raw === undefined) gpuSampler = raw ?? "auto";
  else {
    const split = splitCommand(raw);
    if ("problem" in split) {
      problems.push(
        `--gpu-sampler must be auto, off or a command such as "ssh gpu-box nvidia-smi" (${split.problem} in "${raw}")`,
      );
    } else {
      gpuSampler = "command";
      command = split.argv;
    }
  }

  let gpuIntervalMs = DEFAULT_GPU_INTERVAL_MS;
  const interval = str("gpu-interval");
  if (interval !== undefined) {
    // A bare number is ms, like nvidia-smi's -lms.
    const ms = /^\d+$/.test(interval.trim()) ? Number(interval) : parseDurationMs(interval);
    if (ms === undefined || !Number.isInteger(ms) || ms < 10) {
      problems.push(
        `--gpu-interval must be a whole number of ms ≥ 10, or a duration like 250ms, 1s (got "${interval}")`,
      );
    } else gpuIntervalMs = ms;
  }

  let gpus: number[] | undefined;
  const gpuList = str("gpus");
  if (gpuList !== undefined) {
    const parts = gpuList.split(",").map((p) => p.trim());
    if (parts.some((p) => !/^\d+$/.test(p))) {
      problems.push(
        `--gpus must be GPU indices separated by commas, such as 0,1 (got "${gpuList}")`,
      );
    } else gpus = [...new Set(parts.map(Number))];
  }
  if (gpuSampler === "off") {
    for (const flag of ["gpu-interval", "gpus", "gpu-processes"]) {
      if (values[flag] !== undefined) {
        problems.push(`--${flag} has no effect with --gpu-sampler off`);
      }
    }
  }

  const tags: Record<string, string> = {};
  for (const t of list("tag")) {
    const eq = t.indexOf("=");
    const key = eq < 0 ? t : t.slice(0, eq);
    if (eq < 0 || !TAG_KEY.test(key)) {
      problems.push(
        `--tag must be key=value with a key of letters, digits, _ . - (got "${t}"), e.g. --tag tp=2`,
      );
    } else if (key in tags) {
      problems.push(`--tag ${key} is given twice; give each key once`);
    } else tags[key] = t.slice(eq + 1);
  }
  const notes = list("note");
  if (notes.some((n) => n.trim() === "")) problems.push("--note must not be empty");

  return {
    gpuSampler,
    ...(command ? { command } : {}),
    gpuIntervalMs,
    ...(gpus ? { gpus } : {}),
    ...(values["gpu-processes"] === true ? { gpuProcesses: true } : {}),
    ...(["gpu-sampler", "gpus", "gpu-interval", "gpu-processes"].some((k) =>
        values[k] !== undefined
      )
      ? { gpuExpected: true }
      : {}),
    tags,
    notes,
  };
}
