/**
 * The seed project's report fields (request_num, fail_rate, TTFT/TPOT {min, max, avg, std} in
 * seconds, SLO, Throughput), computed from a run's requests.jsonl and summary.json. Pure.
 */

/** Min, max, mean and population standard deviation, in seconds. */
export interface SecondsStats {
  min: number | null;
  max: number | null;
  avg: number | null;
  std: number | null;
}

/** The seed's report shape. */
export interface SeedReport {
  request_num: number;
  fail_rate: number | null;
  TTFT: SecondsStats;
  TPOT: SecondsStats;
  /** SLO attainment as a fraction (summary.json's slo.attainment_pct / 100); null without --slo. */
  SLO: number | null;
  /** Output tokens per second. */
  Throughput: number | null;
}

function describe(ms: number[]): SecondsStats {
  if (ms.length === 0) return { min: null, max: null, avg: null, std: null };
  const s = ms.map((x) => x / 1000);
  const avg = s.reduce((a, b) => a + b, 0) / s.length;
  const variance = s.reduce((a, b) => a + (b - avg) ** 2, 0) / s.length;
  return { min: Math.min(...s), max: Math.max(...s), avg, std: Math.sqrt(variance) };
}

/** Builds the seed's fields from requests.jsonl's text and summary.json's object. */
export function seedReport(jsonl: string, summary: Record<string, unknown>): SeedReport {
  const ttft: number[] = [];
  const tpot: number[] = [];
  let n = 0;
  let failed = 0;
  for (const line of jsonl.split("\n")) {
    if (line.trim() === "") continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    if (r.phase === "warmup") continue;
    n++;
    if (r.error !== null || r.dropped === true) failed++;
    if (typeof r.ttft_ms === "number") ttft.push(r.ttft_ms);
    if (typeof r.tpot_ms === "number") tpot.push(r.tpot_ms);
  }
  const slo = summary.slo as { attainment_pct?: number | null } | null | undefined;
  const tp = summary.throughput as { output_tokens_per_s?: number | null } | undefined;
  return {
    request_num: n,
    fail_rate: n > 0 ? failed / n : null,
    TTFT: describe(ttft),
    TPOT: describe(tpot),
    SLO: typeof slo?.attainment_pct === "number" ? slo.attainment_pct / 100 : null,
    Throughput: tp?.output_tokens_per_s ?? null,
  };
}
