import type { Sampling } from "../config/run_plan.ts";

/** The sampling flags of `llmload run` (node:util parseArgs options); merged into RUN_OPTIONS. */
export const SAMPLING_OPTIONS = {
  temperature: { type: "string" },
  "top-p": { type: "string" },
  "top-k": { type: "string" },
  "min-p": { type: "string" },
  "presence-penalty": { type: "string" },
  "frequency-penalty": { type: "string" },
  "repetition-penalty": { type: "string" },
  "stop-sequence": { type: "string", multiple: true },
  "request-seed": { type: "string" },
} as const;

/** Each numeric sampling flag: its Sampling key, the check vLLM applies, and how to say it. */
const NUMERIC: readonly {
  flag: keyof typeof SAMPLING_OPTIONS;
  key: keyof Sampling;
  ok: (n: number) => boolean;
  want: string;
}[] = [
  { flag: "temperature", key: "temperature", ok: (n) => n >= 0, want: "a number ≥ 0 (0 = greedy)" },
  { flag: "top-p", key: "topP", ok: (n) => n > 0 && n <= 1, want: "a number in (0, 1]" },
  {
    flag: "top-k",
    key: "topK",
    ok: (n) => Number.isInteger(n) && n >= -1,
    want: "a whole number ≥ 1, or -1 or 0 for off",
  },
  { flag: "min-p", key: "minP", ok: (n) => n >= 0 && n <= 1, want: "a number in [0, 1]" },
  {
    flag: "presence-penalty",
    key: "presencePenalty",
    ok: (n) => n >= -2 && n <= 2,
    want: "a number in [-2, 2]",
  },
  {
    flag: "frequency-penalty",
    key: "frequencyPenalty",
    ok: (n) => n >= -2 && n <= 2,
    want: "a number in [-2, 2]",
  },
  { flag: "repetition-penalty", key: "repetitionPenalty", ok: (n) => n > 0, want: "a number > 0" },
  {
    flag: "request-seed",
    key: "seed",
    ok: (n) => Number.isSafeInteger(n),
    want: "a whole number",
  },
];

/**
 * The sampling flags as a plan's `request.sampling`, or undefined when none is given (the
 * server's defaults then apply and nothing extra is sent). Problems are appended to `problems`.
 */
export function parseSamplingFlags(
  values: Record<string, unknown>,
  problems: string[],
): Sampling | undefined {
  const sampling: Record<string, unknown> = {};
  for (const { flag, key, ok, want } of NUMERIC) {
    const raw = values[flag];
    if (typeof raw !== "string") continue;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || !ok(n)) {
      problems.push(`--${flag} must be ${want} (got "${raw}")`);
      continue;
    }
    sampling[key] = n;
  }
  const stop = values["stop-sequence"];
  if (Array.isArray(stop) && stop.length > 0) {
    if (stop.some((s) => s === "")) problems.push("--stop-sequence must not be empty");
    else sampling.stop = [...stop];
  }
  return Object.keys(sampling).length ? sampling as Sampling : undefined;
}
