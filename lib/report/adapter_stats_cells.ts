/**
 * The per-adapter table of a LoRA run: requests, errors, TTFT and E2E p50/p95/p99 (ms), output
 * tokens/s, and cold vs warm TTFT (the adapter's first request against the p50 of the rest), as text
 * cells shared by the terminal and Markdown tables. Pure: {@link AdapterStats} in, text out.
 *
 * Cold cells: the cold request's TTFT; `*` after it when that request ran during warm-up (no
 * measured request paid for loading the adapter); `failed` when it failed; `-` for the base
 * model (always loaded).
 */
import type { AdapterStats } from "../metrics/adapter_stats.ts";
import { formatMs } from "./format_ms.ts";

/** The columns after the adapter's name. */
export const ADAPTER_COLUMNS = [
  "requests",
  "ok",
  "errors",
  "TTFT p50",
  "TTFT p95",
  "TTFT p99",
  "E2E p50",
  "E2E p95",
  "E2E p99",
  "out tok/s",
  "cold TTFT",
  "warm TTFT p50",
  "cold penalty",
] as const;

/** The note under a table whose `*` marks a cold start during warm-up. */
export const WARMUP_NOTE =
  "* cold start during warm-up: no measured request paid for loading the adapter";

function rate(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "n/a";
  return v.toFixed(Math.abs(v) < 10 ? 2 : Math.abs(v) < 1000 ? 1 : 0);
}

function coldCell(s: AdapterStats): string {
  if (s.base || !s.cold) return "-";
  if (!s.cold.ok || s.cold.ttft_ms === null) return "failed";
  return formatMs(s.cold.ttft_ms) + (s.cold.phase === "warmup" ? "*" : "");
}

function penaltyCell(v: number | null): string {
  if (v === null) return "-";
  const s = formatMs(v);
  return v > 0 && s !== formatMs(0) ? `+${s}` : s;
}

/** One adapter's cells, in {@link ADAPTER_COLUMNS} order. */
export function adapterCells(s: AdapterStats): string[] {
  return [
    String(s.requests.total),
    String(s.requests.ok),
    String(s.requests.failed + s.requests.dropped),
    formatMs(s.ttft_ms.p50),
    formatMs(s.ttft_ms.p95),
    formatMs(s.ttft_ms.p99),
    formatMs(s.e2e_ms.p50),
    formatMs(s.e2e_ms.p95),
    formatMs(s.e2e_ms.p99),
    rate(s.output_tokens_per_s),
    coldCell(s),
    formatMs(s.warm_ttft_ms.p50),
    penaltyCell(s.cold_penalty_ms),
  ];
}

/** Whether some adapter's cold start fell in warm-up (the table then carries the note). */
export function hasWarmupColdStart(stats: readonly AdapterStats[]): boolean {
  return stats.some((s) => !s.base && s.cold?.ok && s.cold.phase === "warmup");
}
