import { parseFlags } from "./flag_suggestion.ts";
import { flagReaders } from "./flag_readers.ts";
import { UsageError } from "../config/usage_error.ts";
import { parseOutputLength } from "../workload/output_length.ts";

/** Defaults of `llmload calibrate` (docs/accuracy.md). */
export const CALIBRATE_DEFAULTS = {
  levels: "1,100,1000",
  itl: "10ms",
  ttft: "50ms",
  duration: "10s",
  outputTokens: "uniform:100-200",
} as const;

const OPTIONS = {
  levels: { type: "string" },
  itl: { type: "string" },
  ttft: { type: "string" },
  duration: { type: "string" },
  "output-tokens": { type: "string" },
  transport: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** A parsed `llmload calibrate` command line. */
export interface CalibrateArgs {
  levels: number[];
  itlMs: number;
  ttftMs: number;
  durationMs: number;
  outputTokens: string;
  transport?: "auto" | "fetch" | "socket";
  out?: string;
  json: boolean;
}

/** Parses the flags; every problem in one UsageError. Undefined for `--help`. */
export function parseCalibrateArgs(args: string[]): CalibrateArgs | undefined {
  const values: Record<string, string | boolean | undefined> = parseFlags("calibrate", {
    args,
    options: OPTIONS,
    strict: true,
    allowPositionals: false,
  }).values;
  if (values.help) return undefined;
  const problems: string[] = [];
  const r = flagReaders(values, problems);
  const str = r.str;

  const levelsRaw = str("levels") ?? CALIBRATE_DEFAULTS.levels;
  const levels = levelsRaw.split(",").map((s) => s.trim());
  const parsedLevels = levels.map(Number);
  if (
    levelsRaw.trim() === "" ||
    !parsedLevels.every((n, i) => /^\d+$/.test(levels[i]) && Number.isInteger(n) && n >= 1)
  ) {
    problems.push(
      `--levels must be concurrencies ≥ 1 separated by commas, e.g. 1,100,1000 (got "${levelsRaw}")`,
    );
  } else if (new Set(parsedLevels).size !== parsedLevels.length) {
    problems.push(`--levels lists a concurrency twice (got "${levelsRaw}")`);
  }
  const ms = (k: "itl" | "ttft" | "duration", min: number, want: string) =>
    r.duration(k, (v) => v >= min, want, CALIBRATE_DEFAULTS[k]) ?? 0;
  const itlMs = ms("itl", 0, "a duration ≥ 0, e.g. 10ms");
  const ttftMs = ms("ttft", 0, "a duration ≥ 0, e.g. 50ms");
  const durationMs = ms("duration", 1000, "a duration of at least 1s, e.g. 10s");
  const outputTokens = str("output-tokens") ?? CALIBRATE_DEFAULTS.outputTokens;
  const length = parseOutputLength(outputTokens);
  if ("problem" in length) problems.push(length.problem);
  const transport = str("transport");
  if (transport !== undefined && !["auto", "fetch", "socket"].includes(transport)) {
    problems.push(`--transport must be one of auto, fetch, socket (got "${transport}")`);
  }
  const out = str("out");
  if (out !== undefined) {
    try {
      if (!Deno.statSync(out).isDirectory) throw 0;
    } catch {
      problems.push(`--out must be an existing directory (got "${out}")`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems);
  return {
    levels: [...parsedLevels].sort((a, b) => a - b),
    itlMs,
    ttftMs,
    durationMs,
    outputTokens,
    transport: transport as CalibrateArgs["transport"],
    out,
    json: values.json === true,
  };
}

/** The run flags of one level: a closed loop of `concurrency` users against the simulator. */
export function levelRunArgs(
  a: CalibrateArgs,
  level: { concurrency: number; out: string; truthLog: string },
): string[] {
  return [
    "--target",
    "sim",
    "--sim-ttft",
    `${a.ttftMs}ms`,
    "--sim-itl",
    `${a.itlMs}ms`,
    "--sim-truth-log",
    level.truthLog,
    "--concurrency",
    String(level.concurrency),
    // Each user's first request opens its connection: at a few hundred users the server's
    // accept backlog, not the client, decides when those arrive. Steady streaming is compared.
    "--warmup-requests",
    String(level.concurrency),
    "--duration",
    `${a.durationMs}ms`,
    "--output-tokens",
    a.outputTokens,
    "--ignore-eos",
    "--prompt-tokens",
    "32",
    // The scraper would be one more thing on the client's thread; it measures nothing here.
    "--metrics",
    "off",
    "--out",
    level.out,
    "--quiet",
    ...(a.transport ? ["--transport", a.transport] : []),
  ];
}
