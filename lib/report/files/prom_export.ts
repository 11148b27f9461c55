/**
 * A run's key metrics in the Prometheus text exposition format (0.0.4), for node_exporter's
 * textfile collector (`--prom-file`) and a Pushgateway (`--pushgateway`). Every family is a
 * gauge (a run's figures are a snapshot, not a counter), named `llmload_*` with its unit in the
 * name (seconds, bytes, joules, ratio), labelled `scenario`, `target`, `model` (and `point` for a
 * sweep point or compared run). A metric a run lacks (no GPU, no SLO, no verdict) is left out
 * rather than written as NaN. Pure: history records in, page text out.
 */

import type { HistoryRecord } from "../../metrics/run_history.ts";

interface Family {
  name: string;
  help: string;
  samples: (r: HistoryRecord) => { labels?: Record<string, string>; value: number | null }[];
}

const ms = (v: number | null) => v === null ? null : v / 1000;
const quantiles = (p50: number | null, p99: number | null) => [
  { labels: { quantile: "0.5" }, value: ms(p50) },
  { labels: { quantile: "0.99" }, value: ms(p99) },
];

/** The exported families, in page order. Names are a contract (dashboards query them). */
const FAMILIES: readonly Family[] = [
  {
    name: "llmload_run_start_timestamp_seconds",
    help: "Start of the run, Unix time in seconds.",
    samples: (r) => [{ value: r.time ? Date.parse(r.time) / 1000 : null }],
  },
  {
    name: "llmload_run_interrupted",
    help: "1 when the run was interrupted (Ctrl-C, SIGTERM), else 0.",
    samples: (r) => [{ value: r.interrupted ? 1 : 0 }],
  },
  {
    name: "llmload_verdict_pass",
    help:
      "1 when the run's gates passed, 0 when they failed (verdict.json); absent without gates or when interrupted.",
    samples: (r) => [{
      value: r.verdict === null || r.verdict === "interrupted"
        ? null
        : r.verdict === "pass"
        ? 1
        : 0,
    }],
  },
  {
    name: "llmload_requests",
    help: "Measured requests of the run by outcome (warm-up excluded).",
    samples: (r) => [
      { labels: { outcome: "ok" }, value: r.requests_ok },
      { labels: { outcome: "failed" }, value: r.requests_failed },
      { labels: { outcome: "dropped" }, value: r.requests_dropped },
    ],
  },
  {
    name: "llmload_error_ratio",
    help: "Failed requests over sent measured requests (0-1).",
    samples: (r) => [{ value: r.error_rate_pct === null ? null : r.error_rate_pct / 100 }],
  },
  {
    name: "llmload_ttft_seconds",
    help: "Time to first token of the run's requests, by quantile.",
    samples: (r) => quantiles(r.ttft_p50_ms, r.ttft_p99_ms),
  },
  {
    name: "llmload_tpot_seconds",
    help: "Time per output token after the first, by quantile.",
    samples: (r) => quantiles(r.tpot_p50_ms, r.tpot_p99_ms),
  },
  {
    name: "llmload_e2e_seconds",
    help: "End-to-end request latency, by quantile.",
    samples: (r) => quantiles(r.e2e_p50_ms, r.e2e_p99_ms),
  },
  {
    name: "llmload_requests_per_second",
    help: "Completed requests per second over the measured window.",
    samples: (r) => [{ value: r.requests_per_s }],
  },
  {
    name: "llmload_output_tokens_per_second",
    help: "Output tokens per second over the measured window.",
    samples: (r) => [{ value: r.output_tokens_per_s }],
  },
  {
    name: "llmload_goodput_requests_per_second",
    help: "Requests per second that met every per-request SLO.",
    samples: (r) => [{ value: r.goodput_rps }],
  },
  {
    name: "llmload_slo_attainment_ratio",
    help: "Share of requests that met every per-request SLO (0-1).",
    samples: (r) => [{
      value: r.slo_attainment_pct === null ? null : r.slo_attainment_pct / 100,
    }],
  },
  {
    name: "llmload_gpu_memory_peak_bytes",
    help: "Peak GPU memory used during the measured window, summed over GPUs.",
    samples: (r) => [{
      value: r.gpu_memory_peak_mib === null ? null : r.gpu_memory_peak_mib * 1024 * 1024,
    }],
  },
  {
    name: "llmload_gpu_energy_joules",
    help: "GPU energy over the measured window, summed over GPUs.",
    samples: (r) => [{ value: r.gpu_energy_j }],
  },
];

/** A value as a plain decimal, without binary noise (0.055066, not 0.055066000000000004). */
function promNumber(v: number): string {
  return String(Number(v.toPrecision(15)));
}

/** A label value with the format's three escapes (backslash, quote, newline). */
function labelValue(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** The identifying labels of a record: scenario, target, model (and point when it has one). */
export function promLabels(r: HistoryRecord): Record<string, string> {
  return {
    scenario: r.scenario ?? "",
    target: r.target,
    model: r.model,
    ...(r.parent ? { point: r.parent.label } : {}),
  };
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}="${labelValue(v)}"`).join(",");
}

/**
 * The page for `records` (one run, or every point of a sweep): `# HELP`, `# TYPE` and the
 * samples of each family that has at least one value. Values are plain decimals (`String`), so
 * the page parses strictly; it ends with a newline, as the format requires.
 */
export function renderPromText(records: readonly HistoryRecord[]): string {
  const out: string[] = [];
  for (const f of FAMILIES) {
    const perRecord: string[][] = [];
    const seen = new Set<string>();
    // Newest first, so when two records share their labels (a sweep point run twice) the later
    // one is kept: a duplicate series would make the whole page invalid.
    for (const r of [...records].reverse()) {
      const own: string[] = [];
      for (const s of f.samples(r)) {
        if (s.value === null || !Number.isFinite(s.value)) continue;
        const labels = labelText({ ...promLabels(r), ...s.labels });
        if (seen.has(labels)) continue;
        seen.add(labels);
        own.push(`${f.name}{${labels}} ${promNumber(s.value)}`);
      }
      perRecord.unshift(own);
    }
    const lines = perRecord.flat();
    if (lines.length === 0) continue;
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} gauge`, ...lines);
  }
  return out.join("\n") + "\n";
}

/** The exported family names (docs/reports.md and tests list them). */
export const PROM_FAMILIES: readonly string[] = FAMILIES.map((f) => f.name);
