/**
 * The table a person reads at the end of a run: latency rows with aligned columns, then
 * request counts, errors, throughput and token provenance. Pure: summary in, string out; it
 * formats numbers but never computes statistics.
 */

import type { Stats } from "../../metrics/stats.ts";
import type { LatencyMetric, Summary } from "../../metrics/summary.ts";
import { ERROR_KINDS } from "../../metrics/record.ts";
import type { GpuSummary } from "../../metrics/gpu_summary.ts";
import { tokenSourceNote } from "../token_source_note.ts";
import { formatMs } from "../format_ms.ts";
import { reasoningText } from "../reasoning_text.ts";
import { turnTableLines } from "./turn_table.ts";

/** Options of {@link renderSummaryTable}. */
export interface SummaryTableOptions {
  /** Use ANSI colours (default false). The caller decides (TTY, NO_COLOR, --no-color). */
  color?: boolean;
  /** A heading line above the table (e.g. scenario and target). */
  title?: string;
  /** The API the run called: a 404 from `completions` gets a hint to try `chat`. */
  endpoint?: "chat" | "completions";
}

/** A latency row; `ttfat_ms` is in a summary only when some request reasoned. */
const ROWS: readonly { label: string; key: LatencyMetric | "ttfat_ms"; openOnly?: boolean }[] = [
  { label: "TTFT", key: "ttft_ms" },
  { label: "TTFAT (answer)", key: "ttfat_ms" },
  { label: "TTFT from schedule", key: "ttft_from_scheduled_ms", openOnly: true },
  { label: "TPOT", key: "tpot_ms" },
  { label: "ITL", key: "itl_ms" },
  { label: "E2E", key: "e2e_ms" },
  { label: "Prefill", key: "prefill_ms" },
  { label: "Decode", key: "decode_ms" },
  { label: "Send lateness", key: "send_lateness_ms" },
];

const COLUMNS: readonly { label: string; key: keyof Stats }[] = [
  { label: "n", key: "count" },
  { label: "mean", key: "mean" },
  { label: "p50", key: "p50" },
  { label: "p90", key: "p90" },
  { label: "p99", key: "p99" },
  { label: "max", key: "max" },
];

/** Longest example error message shown, so the table stays readable in a terminal. */
const MAX_EXAMPLE = 80;

function formatRate(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "n/a";
  const a = Math.abs(v);
  return v.toFixed(a < 10 ? 2 : a < 1000 ? 1 : 0);
}

function formatMean(v: number | null): string {
  return v === null ? "n/a" : v.toFixed(1);
}

/** Renders `summary` as the end-of-run terminal table (no trailing newline). */
export function renderSummaryTable(summary: Summary, options: SummaryTableOptions = {}): string {
  const paint = painter(options.color === true);
  const out: string[] = [];
  if (options.title) out.push(paint.bold(options.title));
  out.push(...latencyLines(summary, paint));
  const turns = turnTableLines(summary.by_turn);
  if (turns.length > 0) out.push("", paint.bold(turns[0]), ...turns.slice(1));
  out.push("");
  out.push(requestsLine(summary, paint));
  out.push(...errorLines(summary, options.endpoint, paint));
  const t = summary.throughput;
  out.push(
    rowName("Throughput") +
      `${formatRate(t.requests_per_s)} req/s, ${formatRate(t.output_tokens_per_s)} output tok/s, ` +
      `${formatRate(t.total_tokens_per_s)} total tok/s` +
      (t.window_s === null ? "" : ` over ${t.window_s.toFixed(1)} s`),
  );
  const reasoning = reasoningText(summary);
  if (reasoning) out.push(rowName("Reasoning") + reasoning);
  out.push(...tokenLines(summary, paint));
  if (summary.gpu) out.push(rowName("GPU") + formatGpuLine(summary.gpu));
  return out.join("\n");
}

/** ANSI styles, or plain text when colour is off. */
interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

function painter(color: boolean): Paint {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {
    bold: (s) => paint("1", s),
    dim: (s) => paint("2", s),
    red: (s) => paint("31", s),
    yellow: (s) => paint("33", s),
  };
}

/** A row's label column below the latency table. */
function rowName(s: string): string {
  return s.padEnd(12);
}

/** The latency table: heading, rule and one aligned row per metric. */
function latencyLines(summary: Summary, paint: Paint): string[] {
  const rows = ROWS.filter((r) =>
    (!r.openOnly || summary.load_mode === "open") && summary[r.key] !== undefined
  );
  const headLabel = "Latency (ms)";
  const cells = rows.map((r) =>
    COLUMNS.map((c) => {
      const v = summary[r.key]![c.key];
      return c.key === "count" ? String(v) : formatMs(v);
    })
  );
  const labelWidth = Math.max(headLabel.length, ...rows.map((r) => r.label.length));
  const widths = COLUMNS.map((c, j) =>
    Math.max(c.label.length, ...cells.map((row) => row[j].length))
  );
  const gap = "  ";
  const line = (label: string, values: string[]) =>
    label.padEnd(labelWidth) + values.map((v, j) => gap + v.padStart(widths[j])).join("");
  const tableWidth = labelWidth + widths.reduce((a, w) => a + gap.length + w, 0);
  return [
    paint.bold(line(headLabel, COLUMNS.map((c) => c.label))),
    paint.dim("-".repeat(tableWidth)),
    ...rows.map((r, i) => line(r.label, cells[i])),
  ];
}

function requestsLine(summary: Summary, paint: Paint): string {
  const req = summary.requests;
  const failed = `${req.failed} failed`;
  const dropped = `${req.dropped} dropped`;
  return rowName("Requests") +
    [
      `${req.total} total`,
      `${req.ok} ok`,
      req.failed > 0 ? paint.red(failed) : failed,
      req.dropped > 0 ? paint.yellow(dropped) : dropped,
      // Only when some were: requests llmload itself stopped (Ctrl-C, --max-runtime).
      ...((req.cancelled ?? 0) > 0 ? [`${req.cancelled} cancelled by llmload`] : []),
      `${req.warmup} warm-up (excluded)`,
      `${summary.load_mode} loop`,
    ].join(", ");
}

/** One line per error kind with an example message, or "none"; then a 404 hint if it fits. */
function errorLines(
  summary: Summary,
  endpoint: SummaryTableOptions["endpoint"],
  paint: Paint,
): string[] {
  const out: string[] = [];
  const kinds = ERROR_KINDS.filter((k) => summary.errors[k]);
  if (kinds.length === 0) out.push(rowName("Errors") + "none");
  kinds.forEach((k, i) => {
    const e = summary.errors[k]!;
    let example = e.examples[0] ?? "";
    if (example.length > MAX_EXAMPLE) example = example.slice(0, MAX_EXAMPLE - 1) + "…";
    out.push(
      rowName(i === 0 ? "Errors" : "") + paint.red(`${k} ${e.count}`) +
        `  e.g. ${JSON.stringify(example)}`,
    );
  });
  const http = summary.errors.http;
  if (endpoint === "completions" && http?.examples.some((m) => m.startsWith("404"))) {
    // Chat-only deployments (many LoRA and proxy setups) answer 404 on /v1/completions.
    out.push(
      rowName("") +
        "hint: 404 on /v1/completions: the server may serve chat only; try --endpoint chat",
    );
  }
  return out;
}

/** Output tokens with their provenance note, then the prompt lengths and their drift. */
function tokenLines(summary: Summary, paint: Paint): string[] {
  const { yellow } = paint;
  const out: string[] = [];
  const tok = summary.tokens;
  const drift = tok.prompt_drift_pct === null
    ? "drift n/a"
    : `drift ${tok.prompt_drift_pct >= 0 ? "+" : ""}${tok.prompt_drift_pct.toFixed(2)}%`;
  out.push(rowName("Tokens") + tokensLine(summary, yellow));
  const note = tokenSourceNote(tok.output_source);
  if (note) {
    out.push(
      rowName("") + (note.level === "warning" ? yellow(`warning: ${note.text}`) : note.text),
    );
  }
  // Estimated lengths are announced before the run; repeat it here where the numbers are read.
  const lengths = tok.prompt_length_mode === undefined
    ? ""
    : tok.prompt_lengths_approximate
    ? ", " + yellow(`lengths APPROXIMATE (${tok.prompt_length_mode})`)
    : `, lengths exact (${tok.prompt_length_mode === "exact" ? "/tokenize" : "local tokenizer"})`;
  out.push(
    rowName("Prompt") +
      `mean ${formatMean(tok.prompt_requested_mean)} tokens requested, ` +
      `${formatMean(tok.prompt_actual_mean)} per usage, ${drift}${lengths}`,
  );
  return out;
}

/**
 * Output tokens and where their counts came from: usage and counted always (counted is a lower
 * bound when the server packs several tokens into one event), tokenizer and estimate when any.
 */
function tokensLine(summary: Summary, yellow: (s: string) => string): string {
  const src = summary.tokens.output_source;
  const parts = [
    `output ${summary.tokens.output_total}`,
    `counts from usage in ${src.usage} requests`,
  ];
  if (src.tokenizer > 0) parts.push(`tokenizer in ${src.tokenizer}`);
  if (src.estimate > 0) parts.push(yellow(`estimated in ${src.estimate}`));
  const counted = `counted in ${src.counted}`;
  parts.push(src.counted > 0 ? yellow(counted) : counted);
  return parts.join(", ");
}

/**
 * The GPU line: how many GPUs of which kind, VRAM baseline → peak (delta), utilisation, power,
 * energy and output tokens per joule over the measured window; "n/a" for what was not reported.
 */
export function formatGpuLine(g: GpuSummary): string {
  const names = [...new Set(g.per_gpu.map((d) => d.name))].join(" + ");
  const mib = (v: number | null) => (v === null ? "n/a" : `${Math.round(v)}`);
  const fixed = (v: number | null, digits: number, unit: string) =>
    v === null ? "n/a" : `${v.toFixed(digits)}${unit}`;
  const delta = g.memory_delta_mib === null
    ? ""
    : ` (${g.memory_delta_mib >= 0 ? "+" : ""}${Math.round(g.memory_delta_mib)})`;
  return `${g.gpus}× ${names}: VRAM ${mib(g.memory_baseline_mib)} → peak ` +
    `${mib(g.memory_peak_mib)} MiB${delta}, util ${fixed(g.utilization_mean_pct, 0, "%")}, ` +
    `power ${fixed(g.power_mean_w, 0, " W")}, energy ${fixed(g.energy_j, 0, " J")}, ` +
    `${fixed(g.output_tokens_per_joule, 3, " output tok/J")}`;
}
