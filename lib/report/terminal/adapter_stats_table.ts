/**
 * The per-adapter table of a LoRA run: requests, errors, TTFT and E2E p50/p95/p99 (ms), output
 * tokens/s, and cold vs warm TTFT (the adapter's first request against the p50 of the rest), for
 * the terminal and for Markdown. Pure: {@link AdapterStats} in, text out.
 *
 * Cold cells: the cold request's TTFT; `*` after it when that request ran during warm-up (no
 * measured request paid for loading the adapter); `failed` when it failed; `-` for the base
 * model (always loaded).
 */
import type { AdapterStats } from "../../metrics/adapter_stats.ts";
import { formatMs } from "../format_ms.ts";
import { markdownTable } from "../markdown/markdown_table.ts";

const COLUMNS = [
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

const WARMUP_NOTE = "* cold start during warm-up: no measured request paid for loading the adapter";

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

function cells(s: AdapterStats): string[] {
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

function hasWarmupColdStart(stats: readonly AdapterStats[]): boolean {
  return stats.some((s) => !s.base && s.cold?.ok && s.cold.phase === "warmup");
}

/**
 * Renders the per-adapter table for the terminal (no trailing newline): a row per adapter, the
 * base model first, columns right-aligned. "errors" counts failed and dropped requests.
 */
export function renderAdapterTable(stats: readonly AdapterStats[]): string {
  const head = "Adapter (ms)";
  const rows = stats.map(cells);
  const labelWidth = Math.max(head.length, ...stats.map((s) => s.adapter.length));
  const widths = COLUMNS.map((c, j) => Math.max(c.length, ...rows.map((r) => r[j].length)));
  const line = (label: string, values: readonly string[]) =>
    label.padEnd(labelWidth) + values.map((v, j) => "  " + v.padStart(widths[j])).join("");
  const out = [line(head, COLUMNS)];
  out.push("-".repeat(out[0].length));
  stats.forEach((s, i) => out.push(line(s.adapter, rows[i])));
  if (hasWarmupColdStart(stats)) out.push(WARMUP_NOTE);
  return out.join("\n");
}

/** Renders the per-adapter table as Markdown (an aligned table, as `deno fmt` leaves it). */
export function renderAdapterMarkdown(stats: readonly AdapterStats[]): string {
  const rows = stats.map((s) => [s.adapter, ...cells(s)].map((c) => c.replaceAll("*", "\\*")));
  const out = ["### Per-adapter statistics (ms)", "", markdownTable(["Adapter", ...COLUMNS], rows)];
  if (hasWarmupColdStart(stats)) out.push("", WARMUP_NOTE.replace("*", "\\*"));
  return out.join("\n") + "\n";
}
