/**
 * What every report renderer (Markdown, HTML) reads: one typed, pure value per run, sweep or
 * comparison, built from a directory's files by the loader in lib/run/ (I/O stays there).
 * Renderers take these and return text; they never read files, so `llmload report <dir>`
 * re-renders from the raw files alone and a re-render equals the original output.
 *
 * Contract note: the HTML renderer (branch `html-report`) builds against a copy of this file.
 * Keep it stable: additive changes only (new optional fields), never renames or removals.
 *
 * Sample times (`GpuSample.tMs`, `ServerMetricsSample.tMs`) and record times share one clock:
 * ms from the run's time origin (`meta.time_origin_epoch_ms`).
 */

import type { RunDigest } from "../metrics/run_digest.ts";
import type { Summary } from "../metrics/summary.ts";
import type { Verdict } from "../metrics/gates.ts";
import type { ClientHealth } from "../metrics/client_health.ts";
import type { GpuSample, ServerMetricsSample } from "../metrics/telemetry_samples.ts";
import type { LoraComparison } from "../metrics/lora_comparison.ts";
import type { SweepValues } from "./sweep_row.ts";

/** One run directory, loaded. */
export interface RunReportInput {
  /** The run directory's name (its run id, e.g. `20261127-092216-ab12`). */
  runId: string;
  /**
   * `meta.json` as parsed JSON. Older runs lack keys later versions add (`system`, `gpus`,
   * `server`, `tags`, `notes`, …): renderers show "not recorded" rather than failing.
   */
  meta: Record<string, unknown>;
  /**
   * Recomputed from requests.jsonl through `digest` (the loader checks it against
   * `summary.json`, so old runs re-render identically).
   */
  summary: Summary;
  /**
   * `summary.json` as written, parsed: holds the keys `summarize()` does not compute
   * (`adapters`, `gpu`, `server_metrics`, …), null or absent when the run had none.
   */
  summaryJson: Record<string, unknown>;
  /**
   * Every `requests.jsonl` record folded into histograms and windows (warm-up included), read
   * as a stream: the records themselves are not kept, so a long run loads in bounded memory.
   */
  digest: RunDigest;
  /** `gpu.csv` rows in time order; empty when the file is absent. */
  gpuSamples: GpuSample[];
  /** `server_metrics.jsonl` lines in time order; empty when the file is absent. */
  serverSamples: ServerMetricsSample[];
  /** Which optional files the directory had (absent vs present-but-empty). */
  files: { gpuCsv: boolean; serverMetrics: boolean };
  /** `verdict.json` (gates, SLOs, baseline); absent in runs made before verdicts. */
  verdict?: Verdict;
  /**
   * Recomputed from `client_health.jsonl` and the summary's send lateness; absent in runs made before the
   * client probe.
   */
  clientHealth?: ClientHealth;
}

/** One point of a sweep: its values from `sweep.json` and its run. */
export interface SweepPointInput {
  /** 1-based position in the sweep. */
  index: number;
  label?: string;
  /** The point's effective load and request values (`sweep.json` `points[].values`). */
  values: SweepValues;
  run: RunReportInput;
}

/** A sweep's parent directory, loaded: `sweep.json` and each point's run directory. */
export interface SweepReportInput {
  sweepId: string;
  /** `sweep.json` as parsed JSON (`scenario`, `axes`, `interrupted`, `hooks`, `points`). */
  sweep: Record<string, unknown>;
  /** Swept axes (keys of {@link SweepValues}), as `sweep.json` lists them. */
  axes: string[];
  points: SweepPointInput[];
}

/** One run in a comparison, with the name it is shown under. */
export interface ComparedRunInput {
  /** Column/legend name: `baseline`/`multi`/`base` for LoRA compare, else a label or run id. */
  name: string;
  run: RunReportInput;
}

/**
 * Two or more runs side by side. `kind: "runs"` is `llmload compare <a> <b> …` (the first run
 * is the baseline); `kind: "lora"` is a `--lora-mode compare` directory (baseline, multi, base),
 * with the LoRA comparison from `comparison.json` recomputed from the runs' summaries.
 */
export interface CompareReportInput {
  kind: "runs" | "lora";
  /** In order; `runs[0]` is the baseline every change is measured against. */
  runs: ComparedRunInput[];
  /** `kind: "lora"` only. */
  lora?: LoraComparison;
}

/** Any loaded results directory, tagged by kind. */
export type AnyReportInput =
  | { kind: "run"; run: RunReportInput }
  | { kind: "sweep"; sweep: SweepReportInput }
  | { kind: "compare"; compare: CompareReportInput };
