import { parseFlags } from "../flag_suggestion.ts";
import { UsageError } from "../../config/usage_error.ts";
import { readTrace } from "../../load/trace_replay.ts";
import { type LengthStats, type TraceStats, traceStats } from "../../load/trace_stats.ts";
import { DEFAULT_BLOCK_SIZE } from "../../workload/block_prompts.ts";
import { TRACE_STATS_HELP } from "../help.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";

/**
 * `llmload trace-stats FILE [--trace-block-size N] [--trace-time-unit ms|s] [--json]`: what a
 * trace asks for and the ideal prefix-cache hit rate on it, without sending anything.
 */
export async function traceStatsCommand(args: string[], cli: CliIo): Promise<number> {
  const parsed = parseFlags("trace-stats", {
    args,
    allowPositionals: true,
    strict: true,
    options: {
      "trace-block-size": { type: "string" },
      "trace-time-unit": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const v = parsed.values;
  if (v.help) {
    cli.out(TRACE_STATS_HELP);
    return EXIT.ok;
  }
  const problems: string[] = [];
  if (parsed.positionals.length !== 1) {
    problems.push("llmload trace-stats needs one trace file, e.g. llmload trace-stats trace.jsonl");
  }
  const blockRaw = v["trace-block-size"];
  const blockSize = blockRaw === undefined ? DEFAULT_BLOCK_SIZE : Number(blockRaw);
  if (!(Number.isInteger(blockSize) && blockSize > 0)) {
    problems.push(`--trace-block-size must be a whole number of tokens > 0 (got "${blockRaw}")`);
  }
  const unit = v["trace-time-unit"] ?? "ms";
  if (unit !== "ms" && unit !== "s") {
    problems.push(`--trace-time-unit must be one of ms, s (got "${unit}")`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  const file = parsed.positionals[0];
  const trace = await readTrace(file, { timeUnit: unit as "ms" | "s", onMalformed: "skip" });
  for (const p of trace.skipped) {
    cli.err(`warning: ${file}: line ${p.line} skipped: ${p.problem}\n`);
  }
  const stats = traceStats(trace, blockSize);
  cli.out(
    v.json ? JSON.stringify(traceStatsJson(stats), null, 2) + "\n" : renderTraceStats(file, stats),
  );
  return EXIT.ok;
}

/** The stats as JSON (snake_case, like the other JSON llmload prints). */
export function traceStatsJson(s: TraceStats): Record<string, unknown> {
  return {
    requests: s.requests,
    duration_s: s.durationMs / 1000,
    block_size: s.blockSize,
    input_tokens: s.inputTokens ?? null,
    output_tokens: s.outputTokens ?? null,
    requests_with_hash_ids: s.requestsWithBlocks,
    blocks: s.blocks,
    unique_blocks: s.uniqueBlocks,
    unique_hash_ids: s.uniqueHashIds,
    block_hits: s.blockHits,
    ideal_block_hit_rate: s.idealBlockHitRate,
    ideal_token_hit_rate: s.idealTokenHitRate,
  };
}

/** The stats as a few aligned lines. */
export function renderTraceStats(file: string, s: TraceStats): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const dist = (d: LengthStats | undefined) =>
    d === undefined
      ? "(no line gives it)"
      : [d.min, d.p50, d.p90, d.p99, d.max].map((x) => String(x).padStart(7)).join("") +
        Math.round(d.mean).toString().padStart(9);
  const lines = [
    `trace ${file}`,
    `requests        ${s.requests} (${s.requestsWithBlocks} with hash_ids)`,
    `duration        ${(s.durationMs / 1000).toFixed(1)} s`,
    "tokens".padEnd(12) + ["min", "p50", "p90", "p99", "max"].map((h) => h.padStart(7)).join("") +
    "mean".padStart(9),
    `  input     ${dist(s.inputTokens)}`,
    `  output    ${dist(s.outputTokens)}`,
    `blocks          ${s.blocks} named, ${s.uniqueBlocks} unique prefixes, ` +
    `${s.uniqueHashIds} distinct ids (${s.blockSize} tokens each)`,
    `ideal prefix-cache hit rate: ${pct(s.idealBlockHitRate)} of blocks, ` +
    `${pct(s.idealTokenHitRate)} of prompt tokens`,
    `  (an infinite cache in trace order: a block hits when an earlier request had the same ` +
    `hash_ids up to and including it)`,
  ];
  return lines.join("\n") + "\n";
}
