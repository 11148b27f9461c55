/**
 * One sweep point as every medium reports it: its swept values, its run and statistics, and the
 * heading each axis gets in a table. Shared by the terminal table, sweep.csv/json and the
 * report inputs.
 */

import type { Summary } from "../metrics/summary.ts";

/** The effective load and request values of one sweep point (null when not applicable). */
export interface SweepValues {
  concurrency: number | null;
  rate: number | null;
  maxInFlight: number | null;
  promptTokens: number | null;
  maxTokens: number | null;
  /** Output length shape as `--output-tokens` text (`uniform:64-256`); null with a fixed max. */
  outputTokens?: string | null;
  sharedPrefixTokens?: number | null;
  /** Sampling temperature; null when the server's default applies. */
  temperature?: number | null;
  /** LoRA adapters used (the set's first N); absent or null without the adapterCount axis. */
  adapterCount?: number | null;
}

/** One finished sweep point: where its run went and its statistics. */
export interface SweepRow {
  /** 1-based position in the sweep. */
  index: number;
  label?: string;
  runId: string;
  values: SweepValues;
  summary: Summary;
  /** The point's verdict (verdict.json of its run); absent in sweeps loaded from older files. */
  verdict?: { verdict: "pass" | "fail" | "interrupted"; reasons: string[] };
}

/** Column heading of each sweep axis (also the server-variants comparison's point column). */
export const AXIS_LABEL: Record<keyof SweepValues, string> = {
  concurrency: "concurrency",
  rate: "rate/s",
  maxInFlight: "max in flight",
  promptTokens: "input tokens",
  maxTokens: "max tokens",
  outputTokens: "output tokens",
  sharedPrefixTokens: "prefix tokens",
  temperature: "temperature",
  adapterCount: "adapters",
};
