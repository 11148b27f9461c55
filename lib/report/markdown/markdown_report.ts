/**
 * `report.md`: a run, a sweep or a comparison as the report template users already know
 * (docs/reports.md "report.md": test environment, configuration, results by case, concurrency
 * table, comparisons, observations). Pure: loaded inputs in (report_input.ts), text out, the same
 * bytes for the same files, so `llmload report` re-renders a report exactly. No times other than
 * the ones the run recorded, so two renders never differ.
 *
 * Numbers: latencies in ms (formatMs: 3 significant decimals below 1 ms, none above 1 s),
 * throughput with 1–2 decimals, VRAM in MiB; "–" where a value is undefined.
 */

import { sweepVerdictMarkdown, verdictMarkdown } from "./verdict_section.ts";
import { compareRuns } from "../../metrics/runs_comparison.ts";
import { type GpuUsage, gpuUsage } from "../../metrics/gpu_usage.ts";
import { latencyKnee, type Observation, runObservations } from "../../metrics/observations.ts";
import { clientHealthMarkdown } from "./client_health_markdown.ts";
import type { Summary } from "../../metrics/summary.ts";
import { renderComparisonMarkdown } from "./lora_comparison_markdown.ts";
import type { AdapterStats } from "../../metrics/adapter_stats.ts";
import { renderAdapterMarkdown } from "./adapter_stats_markdown.ts";
import { turnMarkdown } from "./turn_markdown.ts";
import { markdownTable } from "./markdown_table.ts";
import { observationText, thresholdsText } from "../observation_text.ts";
import type {
  CompareReportInput,
  RunReportInput,
  SweepPointInput,
  SweepReportInput,
} from "../report_input.ts";
import { configurationFacts, environmentFacts } from "../run_facts.ts";
import { runToCompare } from "../compared_runs.ts";
import { renderRunsComparisonMarkdown } from "./runs_comparison_markdown.ts";
import { formatMs } from "../format_ms.ts";
import { tokenSourceNote } from "../token_source_note.ts";
import { reasoningText } from "../reasoning_text.ts";

const DASH = "–";

function rate(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return DASH;
  return v.toFixed(Math.abs(v) < 10 ? 2 : 1);
}

const ms = (v: number | null) => (v === null ? DASH : formatMs(v));

/** One row of "results by case". */
interface Case {
  name: string;
  run: RunReportInput;
}

function inputLength(s: Summary): string {
  const v = s.tokens.prompt_actual_mean ?? s.tokens.prompt_requested_mean;
  if (v === null) return DASH;
  return (s.tokens.prompt_lengths_approximate ? "~" : "") + Math.round(v);
}

function vramPeak(gpus: readonly GpuUsage[]): string {
  const peaks = gpus.filter((g) => g.memoryPeakMiB !== null);
  if (peaks.length === 0) return DASH;
  const top = peaks.reduce((a, b) => (b.memoryPeakMiB! > a.memoryPeakMiB! ? b : a));
  return `${top.memoryPeakMiB} MiB` + (top.memoryTotalMiB ? ` / ${top.memoryTotalMiB}` : "");
}

function notes(s: Summary, meta: Record<string, unknown>): string {
  const out: string[] = [];
  if (s.requests.failed > 0) {
    out.push(
      `${s.requests.failed} failed (` +
        Object.entries(s.errors).map(([k, e]) => `${k} ${e!.count}`).join(", ") + ")",
    );
  }
  if (s.requests.dropped > 0) out.push(`${s.requests.dropped} dropped`);
  if (meta.interrupted === true) {
    const why = typeof meta.interrupt_reason === "string" ? ` (${meta.interrupt_reason})` : "";
    out.push(`interrupted${why}`);
  }
  return out.length ? out.join("; ") : DASH;
}

function resultsTable(cases: readonly Case[]): string {
  const rows = cases.map(({ name, run }) => {
    const s = run.summary;
    return [
      name,
      inputLength(s),
      `${s.requests.ok}/${s.requests.total}`,
      ms(s.e2e_ms.mean),
      ms(s.e2e_ms.p50),
      ms(s.e2e_ms.p99),
      ms(s.ttft_ms.p50),
      ms(s.ttft_ms.p99),
      ms(s.tpot_ms.p50),
      rate(s.throughput.requests_per_s),
      rate(s.throughput.output_tokens_per_s),
      vramPeak(gpuUsage(run.gpuSamples)),
      notes(s, run.meta),
    ];
  });
  return markdownTable([
    "Case",
    "Input tokens",
    "OK/total",
    "Latency mean (ms)",
    "p50 (ms)",
    "p99 (ms)",
    "TTFT p50 (ms)",
    "TTFT p99 (ms)",
    "TPOT p50 (ms)",
    "Req/s",
    "Output tok/s",
    "GPU VRAM peak",
    "Errors / notes",
  ], rows);
}

/** Under the table, where its TPOT and tok/s are read: which cases' output counts are estimates. */
function tokenNotes(cases: readonly Case[]): string[] {
  const out: string[] = [];
  for (const { name, run } of cases) {
    const note = tokenSourceNote(run.summary.tokens.output_source);
    if (!note) continue;
    const who = cases.length > 1 ? `${name}: ` : "";
    out.push(
      "",
      note.level === "warning" ? `> **Warning**: ${who}${note.text}.` : `Note: ${who}${note.text}.`,
    );
  }
  return out;
}

/** Under the table, for cases whose streams reasoned: their reasoning tokens and TTFAT. */
function reasoningNotes(cases: readonly Case[]): string[] {
  const out: string[] = [];
  for (const { name, run } of cases) {
    const text = reasoningText(run.summary);
    if (text) out.push("", `Reasoning${cases.length > 1 ? ` (${name})` : ""}: ${text}.`);
  }
  return out;
}

function gpuTable(cases: readonly Case[]): string | undefined {
  const rows = cases.flatMap(({ name, run }) =>
    gpuUsage(run.gpuSamples).map((g) => [
      cases.length > 1 ? `${name}: GPU ${g.gpu}` : `GPU ${g.gpu}`,
      g.name || DASH,
      g.memoryPeakMiB === null ? DASH : String(g.memoryPeakMiB),
      g.memoryTotalMiB === null ? DASH : String(g.memoryTotalMiB),
      g.utilizationMeanPct === null ? DASH : g.utilizationMeanPct.toFixed(1),
      g.powerPeakW === null ? DASH : g.powerPeakW.toFixed(1),
      g.energyWh === null ? DASH : g.energyWh.toFixed(3),
    ])
  );
  if (rows.length === 0) return undefined;
  return markdownTable(
    [
      "GPU",
      "Name",
      "VRAM peak (MiB)",
      "VRAM total (MiB)",
      "Util mean (%)",
      "Power peak (W)",
      "Energy (Wh)",
    ],
    rows,
  );
}

function serverTable(cases: readonly Case[]): string | undefined {
  const maxOf = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.max(...v) : null;
  };
  const rows = cases.filter(({ run }) => run.serverSamples.length > 0).map(({ name, run }) => {
    const s = run.serverSamples;
    const kv = maxOf(s.map((x) => x.kvCacheUsage));
    const pre = maxOf(s.map((x) => x.numPreemptionsTotal));
    const pre0 = s.find((x) => x.numPreemptionsTotal !== null)?.numPreemptionsTotal ?? null;
    return [
      name,
      String(s.length),
      String(maxOf(s.map((x) => x.numRequestsRunning)) ?? DASH),
      String(maxOf(s.map((x) => x.numRequestsWaiting)) ?? DASH),
      kv === null ? DASH : (kv * 100).toFixed(1),
      pre === null || pre0 === null ? DASH : String(pre - pre0),
    ];
  });
  if (rows.length === 0) return undefined;
  return markdownTable(
    ["Case", "Scrapes", "Running max", "Waiting max", "KV cache peak (%)", "Preemptions"],
    rows,
  );
}

function factsTable(facts: [string, string][]): string {
  return markdownTable(["Item", "Value"], facts, { allLeft: true });
}

/** Why no case has GPU data, from meta.json `gpu_sampler` (the sampler's own record). */
function noGpuReason(cases: readonly Case[]): string {
  const statuses = new Set(
    cases.map((c) => (c.run.meta.gpu_sampler as { status?: unknown } | undefined)?.status),
  );
  if (statuses.size === 1 && statuses.has("unavailable")) {
    return 'nvidia-smi was not on PATH; --gpu-sampler "ssh HOST nvidia-smi" samples another host';
  }
  if (statuses.size === 1 && statuses.has("off")) return "--gpu-sampler off";
  return "no gpu.csv";
}

function resultsSection(cases: readonly Case[]): string[] {
  const out = ["## 3. Results by case", "", resultsTable(cases), ...tokenNotes(cases)];
  out.push(...reasoningNotes(cases));
  const gpu = gpuTable(cases);
  out.push("", gpu ? "GPU (gpu.csv):\n\n" + gpu : `GPU: not recorded (${noGpuReason(cases)}).`);
  const server = serverTable(cases);
  out.push(
    "",
    server
      ? "Server (/metrics, server_metrics.jsonl):\n\n" + server
      : "Server metrics: not recorded (no server_metrics.jsonl).",
  );
  return out;
}

function concurrencyTable(rows: { c: number | string; s: Summary }[]): string {
  return markdownTable(
    [
      "Concurrency",
      "Mean latency (ms)",
      "Max latency (ms)",
      "Min latency (ms)",
      "Req/s",
      "Output tok/s",
    ],
    rows.map(({ c, s }) => [
      String(c),
      ms(s.e2e_ms.mean),
      ms(s.e2e_ms.max),
      ms(s.e2e_ms.min),
      rate(s.throughput.requests_per_s),
      rate(s.throughput.output_tokens_per_s),
    ]),
  );
}

function observationLines(groups: { prefix: string; list: Observation[] }[]): string[] {
  const lines = groups.flatMap(({ prefix, list }) =>
    list.map((o) => `- ${prefix}${observationText(o)}`)
  );
  if (lines.length === 0) {
    return [`No check crossed its threshold (${thresholdsText()}).`];
  }
  return [...lines, "", `Thresholds: ${thresholdsText()}.`];
}

function runObs(run: RunReportInput): Observation[] {
  return runObservations(run.summary, {
    bursts: run.digest.bursts.result(),
    gpus: gpuUsage(run.gpuSamples),
    serverSamples: run.serverSamples,
  });
}

function header(title: string, meta: Record<string, unknown>): string[] {
  const started = typeof meta.started_at === "string" ? meta.started_at : "start not recorded";
  const version = typeof meta.llmload_version === "string"
    ? `llmload ${meta.llmload_version}`
    : "llmload";
  return [`# ${title}`, "", `${started} · ${version}`];
}

/** `report.md` of one run (trailing newline). */
export function renderRunMarkdown(input: RunReportInput): string {
  const meta = input.meta;
  const s = input.summary;
  const concurrency = (meta.load as Record<string, unknown> | undefined)?.concurrency;
  const out = [
    ...header(`llmload report: ${input.runId}`, meta),
    "",
    ...verdictMarkdown(input.verdict),
    "## 1. Test environment",
    "",
    factsTable(environmentFacts(meta)),
    "",
    "## 2. Configuration",
    "",
    factsTable(configurationFacts(meta)),
    "",
    ...resultsSection([{ name: input.runId, run: input }]),
    ...turnMarkdown(s.by_turn),
    "",
    "## 4. Concurrency",
    "",
    s.load_mode === "closed" && typeof concurrency === "number"
      ? concurrencyTable([{ c: concurrency, s }])
      : "Open-loop run (paced by rate, not concurrency): no concurrency table. A sweep over " +
        "concurrency fills this section.",
    "",
    "## 5. Comparisons",
    "",
    "None in a single run: `llmload compare RUN_A RUN_B` compares runs.",
    "",
    "## 6. Observations",
    "",
    ...observationLines([{ prefix: "", list: runObs(input) }]),
    ...(input.clientHealth
      ? ["", "## 7. Client health", "", ...clientHealthMarkdown(input.clientHealth)]
      : []),
  ];
  return out.join("\n") + "\n";
}

function pointName(p: SweepPointInput, axes: readonly string[]): string {
  if (p.label) return p.label;
  const v = p.values as unknown as Record<string, unknown>;
  const parts = axes.map((a) => `${a}=${v[a] ?? DASH}`);
  return parts.length ? `#${p.index} ${parts.join(" ")}` : `#${p.index}`;
}

/** `report.md` of a sweep's parent directory (trailing newline). */
export function renderSweepMarkdown(input: SweepReportInput): string {
  const first = input.points[0]?.run.meta ?? {};
  const cases = input.points.map((p) => ({ name: pointName(p, input.axes), run: p.run }));
  const byConcurrency = input.axes.includes("concurrency");
  const loadAxis = byConcurrency ? "concurrency" : input.axes.includes("rate") ? "rate" : undefined;
  const knee = loadAxis
    ? latencyKnee(input.points.flatMap((p) => {
      const load = (p.values as unknown as Record<string, unknown>)[loadAxis];
      return typeof load === "number"
        ? [{ point: p.index, label: pointName(p, input.axes), load, summary: p.run.summary }]
        : [];
    }))
    : [];
  const sweepFacts: [string, string][] = [
    ["Scenario", String(input.sweep.scenario ?? DASH)],
    ["Swept axes", input.axes.join(", ") || DASH],
    ["Points", String(input.points.length)],
    ["Interrupted", input.sweep.interrupted === true ? "yes" : "no"],
  ];
  const out = [
    ...header(`llmload sweep report: ${input.sweepId}`, first),
    "",
    ...sweepVerdictMarkdown(input.points.map((p) => ({
      name: pointName(p, input.axes),
      verdict: p.run.verdict,
    }))),
    "## 1. Test environment",
    "",
    factsTable(environmentFacts(first)),
    "",
    "## 2. Configuration",
    "",
    "Sweep:",
    "",
    factsTable(sweepFacts),
    "",
    "First point (the others differ in the swept axes):",
    "",
    factsTable(configurationFacts(first)),
    "",
    ...resultsSection(cases),
    "",
    "## 4. Concurrency",
    "",
    byConcurrency
      ? concurrencyTable(
        input.points.map((p) => ({ c: p.values.concurrency ?? DASH, s: p.run.summary })),
      )
      : "Not a sweep over concurrency: see section 3.",
    "",
    "## 5. Comparisons",
    "",
    "None in a sweep: `llmload compare` compares runs (or sweep points' run directories).",
    "",
    "## 6. Observations",
    "",
    ...observationLines([
      { prefix: "", list: knee },
      ...cases.map((c) => ({ prefix: `${c.name}: `, list: runObs(c.run) })),
    ]),
  ];
  return out.join("\n") + "\n";
}

/**
 * `report.md` of a comparison: a `--lora-mode compare` directory (its LoRA comparison tables)
 * or `llmload compare` (aligned metrics with run-to-run noise); trailing newline.
 */
export function renderCompareMarkdown(input: CompareReportInput): string {
  const base = input.runs[0].run;
  const cases = input.runs.map((r) => ({ name: r.name, run: r.run }));
  let comparison = input.kind === "lora" && input.lora
    ? renderComparisonMarkdown(input.lora)
    : renderRunsComparisonMarkdown(compareRuns(input.runs.map(runToCompare)));
  // A LoRA compare also shows the multi run's per-adapter table (cold vs warm TTFT), as its
  // comparison.md does.
  const multiAdapters = input.kind === "lora"
    ? input.runs.find((r) => r.name === "multi")?.run.summaryJson.adapters as
      | AdapterStats[]
      | undefined
    : undefined;
  if (multiAdapters) {
    comparison += `\n### Multi-adapter run\n\n` +
      renderAdapterMarkdown(multiAdapters).replace(/^## /gm, "#### ");
  }
  const out = [
    ...header(
      input.kind === "lora" ? "llmload LoRA comparison report" : "llmload comparison report",
      base.meta,
    ),
    "",
    `Runs: ${
      input.runs.map((r) => `${r.name} (${r.run.runId})`).join(", ")
    }; the first is the baseline.`,
    "",
    "## 1. Test environment",
    "",
    `Of the baseline, ${input.runs[0].name}:`,
    "",
    factsTable(environmentFacts(base.meta)),
    "",
    "## 2. Configuration",
    "",
    markdownTable(
      ["Run", "Load", "Command line"],
      input.runs.map((r) => {
        const f = Object.fromEntries(configurationFacts(r.run.meta));
        return [r.name, f["Load"], f["Command line"]];
      }),
      { allLeft: true },
    ),
    "",
    ...resultsSection(cases),
    "",
    "## 4. Concurrency",
    "",
    "See section 3 (one row per compared run).",
    "",
    // The comparison block brings its own `## Comparison results` heading; numbered here.
    comparison.replace(/^## Comparison results/, "## 5. Comparisons").trimEnd(),
    "",
    "## 6. Observations",
    "",
    ...observationLines(cases.map((c) => ({ prefix: `${c.name}: `, list: runObs(c.run) }))),
  ];
  return out.join("\n") + "\n";
}
