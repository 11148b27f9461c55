/**
 * Trace replay: arrivals read from a JSONL trace of recorded traffic.
 *
 * One JSON object per line; blank lines are ignored. Fields:
 * - `timestamp` (required): a number ≥ 0, in ms by default (Mooncake traces), or in seconds with
 *   `timeUnit: "s"`. Only differences matter: the earliest timestamp becomes t = 0.
 * - `input_length` or `input_tokens` (optional): prompt tokens, an integer ≥ 0.
 * - `output_length` or `output_tokens` (optional): output tokens, an integer ≥ 0.
 * - `hash_ids` (optional, Mooncake): an array of integers naming shared prefix blocks.
 * Other fields are ignored. Mooncake's `{"timestamp": 0, "input_length": 6955,
 * "output_length": 52, "hash_ids": [46, 47]}` is read as is.
 *
 * Lines are sorted by timestamp (stably, so equal times keep file order): a trace merged from
 * several hosts need not be pre-sorted. `timeScale` speeds the replay up: 2 sends twice as fast
 * (atMs = (timestamp − t0) / 2).
 */

import { UsageError } from "../config/usage_error.ts";
import type { Arrival } from "./arrival_feed.ts";

/** Options for {@link parseTrace}. */
export interface TraceOptions {
  /** Unit of `timestamp`; default "ms" (Mooncake). */
  timeUnit?: "ms" | "s";
  /** Replay speed: 2 = twice as fast, 0.5 = half as fast; > 0, default 1. */
  timeScale?: number;
  /** Malformed lines: "fail" (default) throws one UsageError listing them; "skip" drops them. */
  onMalformed?: "fail" | "skip";
  /** Name used in messages, e.g. the file path; default "trace". */
  source?: string;
}

/** A malformed line: 1-based line number and what is wrong with it. */
export interface TraceProblem {
  line: number;
  problem: string;
}

/** Result of {@link parseTrace}. */
export interface ParsedTrace {
  /** Arrivals in time order, the first at 0 ms. */
  arrivals: Arrival[];
  /** Malformed lines that were skipped (always empty with onMalformed "fail"). */
  skipped: TraceProblem[];
  /** Length of the replay in ms (the last arrival's time), after scaling. */
  durationMs: number;
}

type Row = { ts: number; arrival: Omit<Arrival, "atMs"> };

// A UsageError listing more lines than this is noise; the count of the rest is reported.
const MAX_LISTED = 20;

/** Parses a JSONL trace (see the module comment); throws {@link UsageError} on bad input. */
export function parseTrace(text: string, options: TraceOptions = {}): ParsedTrace {
  const { timeUnit = "ms", timeScale = 1, onMalformed = "fail", source = "trace" } = options;
  const optionProblems: string[] = [];
  if (timeUnit !== "ms" && timeUnit !== "s") {
    optionProblems.push(`timeUnit must be "ms" or "s" (got "${timeUnit}")`);
  }
  if (!(timeScale > 0 && Number.isFinite(timeScale))) {
    optionProblems.push(`timeScale must be > 0 and finite (got ${timeScale})`);
  }
  if (onMalformed !== "fail" && onMalformed !== "skip") {
    optionProblems.push(`onMalformed must be "fail" or "skip" (got "${onMalformed}")`);
  }
  if (optionProblems.length > 0) {
    throw new UsageError(optionProblems.map((p) => `Cannot replay ${source}: ${p}`));
  }

  const rows: Row[] = [];
  const skipped: TraceProblem[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const parsed = parseLine(line);
    if (typeof parsed === "string") skipped.push({ line: i + 1, problem: parsed });
    else rows.push(parsed);
  });

  if (onMalformed === "fail" && skipped.length > 0) {
    const listed = skipped.slice(0, MAX_LISTED).map((p) =>
      `Cannot replay ${source}: line ${p.line}: ${p.problem}`
    );
    if (skipped.length > MAX_LISTED) {
      listed.push(`Cannot replay ${source}: ${skipped.length - MAX_LISTED} more malformed lines`);
    }
    throw new UsageError(listed);
  }
  if (rows.length === 0) throw new UsageError(`Cannot replay ${source}: no arrivals in it`);

  // Array.prototype.sort is stable: equal timestamps keep file order.
  rows.sort((a, b) => a.ts - b.ts);
  const t0 = rows[0].ts;
  const msPerUnit = timeUnit === "s" ? 1000 : 1;
  const arrivals = rows.map(({ ts, arrival }) => ({
    atMs: ((ts - t0) * msPerUnit) / timeScale,
    ...arrival,
  }));
  return { arrivals, skipped, durationMs: arrivals[arrivals.length - 1].atMs };
}

/** Reads and parses a trace file; `source` defaults to the path. */
export async function readTrace(path: string, options: TraceOptions = {}): Promise<ParsedTrace> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(`Cannot replay ${path}: ${(error as Error).message}`);
  }
  return parseTrace(text, { source: path, ...options });
}

/** One line to a row, or a message saying everything wrong with it. */
function parseLine(line: string): Row | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not valid JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "expected a JSON object";
  }
  const o = value as Record<string, unknown>;
  const problems: string[] = [];
  const ts = o.timestamp;
  if (ts === undefined) problems.push(`"timestamp" is missing`);
  else if (typeof ts !== "number" || !Number.isFinite(ts) || ts < 0) {
    problems.push(`"timestamp" must be a number ≥ 0 (got ${JSON.stringify(ts)})`);
  }
  const arrival: Omit<Arrival, "atMs"> = {};
  const input = tokenField(o, ["input_length", "input_tokens"], 0, problems);
  if (input !== undefined) arrival.inputTokens = input;
  const output = tokenField(o, ["output_length", "output_tokens"], 0, problems);
  if (output !== undefined) arrival.outputTokens = output;
  if (o.hash_ids !== undefined) {
    const ids = o.hash_ids;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) {
      problems.push(`"hash_ids" must be an array of integers`);
    } else arrival.hashIds = ids as number[];
  }
  if (problems.length > 0) return problems.join("; ");
  return { ts: ts as number, arrival };
}

function tokenField(
  o: Record<string, unknown>,
  names: readonly string[],
  min: number,
  problems: string[],
): number | undefined {
  const name = names.find((n) => o[n] !== undefined);
  if (name === undefined) return undefined;
  const v = o[name];
  if (!(Number.isInteger(v) && (v as number) >= min)) {
    problems.push(`"${name}" must be an integer ≥ ${min} (got ${JSON.stringify(v)})`);
    return undefined;
  }
  return v as number;
}
