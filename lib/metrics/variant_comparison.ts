/**
 * Server variants side by side: for each metric and each swept point, every variant's value and
 * its change in % against the first variant (the baseline). Pure: summaries in, numbers out.
 */

import type { Summary } from "./summary.ts";

/** What the comparison needs of one variant. */
export interface VariantResult {
  label: string;
  /** "ok", or why there is no (complete) result: a failure kind, "interrupted", "pending". */
  status: string;
  /** Summaries by point name (the point's label or swept values, "" for a single run). */
  points: ReadonlyMap<string, Summary>;
}

/** One compared metric. */
export interface ComparedMetric {
  key: string;
  /** Heading, with its unit. */
  label: string;
  /** True when a smaller value is the better one (latencies). */
  lowerIsBetter: boolean;
  pick(summary: Summary): number | null;
}

/**
 * The metrics compared, in report order: end-to-end latency (the guide's "latency"), time to
 * first token, the inter-token latency tail (what chunked prefill is for), and output
 * throughput.
 */
export const COMPARED_METRICS: readonly ComparedMetric[] = [
  { key: "e2e_ms_mean", label: "E2E mean, ms", lowerIsBetter: true, pick: (s) => s.e2e_ms.mean },
  { key: "ttft_ms_p50", label: "TTFT p50, ms", lowerIsBetter: true, pick: (s) => s.ttft_ms.p50 },
  { key: "itl_ms_p99", label: "ITL p99, ms", lowerIsBetter: true, pick: (s) => s.itl_ms.p99 },
  {
    key: "output_tokens_per_s",
    label: "output tok/s",
    lowerIsBetter: false,
    pick: (s) => s.throughput.output_tokens_per_s,
  },
];

/** One row: a point, each variant's value (null: no result), and each one's change vs the first. */
export interface ComparisonRow {
  point: string;
  values: (number | null)[];
  /** (value − baseline) / baseline × 100; null for the baseline itself or a missing value. */
  changePct: (number | null)[];
}

/** One metric's table. */
export interface MetricComparison {
  key: string;
  label: string;
  lowerIsBetter: boolean;
  rows: ComparisonRow[];
}

/** The whole comparison: variants in order (the first is the baseline), one table per metric. */
export interface VariantComparison {
  variants: { label: string; status: string }[];
  points: string[];
  metrics: MetricComparison[];
}

/** Builds the comparison; points in their first-seen order across variants. */
export function compareVariants(
  variants: readonly VariantResult[],
  options: { metrics?: readonly ComparedMetric[]; points?: readonly string[] } = {},
): VariantComparison {
  const points = options.points ? [...options.points] : [];
  if (!options.points) {
    for (const v of variants) {
      for (const p of v.points.keys()) if (!points.includes(p)) points.push(p);
    }
  }
  const metrics = (options.metrics ?? COMPARED_METRICS).map((m): MetricComparison => ({
    key: m.key,
    label: m.label,
    lowerIsBetter: m.lowerIsBetter,
    rows: points.map((point) => {
      const values = variants.map((v) => {
        const s = v.points.get(point);
        const x = s ? m.pick(s) : null;
        return x === null || x === undefined || !Number.isFinite(x) ? null : x;
      });
      const base = values[0];
      const changePct = values.map((x, i) =>
        i === 0 || x === null || base === null || base === 0 ? null : (x - base) / base * 100
      );
      return { point, values, changePct };
    }),
  }));
  return {
    variants: variants.map((v) => ({ label: v.label, status: v.status })),
    points,
    metrics,
  };
}
