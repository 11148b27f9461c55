/**
 * The comparison renderers: the seed tool's layout reproduced exactly, and golden files for
 * synthetic runs. Regenerate the golden files after a deliberate change with
 * `UPDATE_GOLDEN=1 deno test -A tests/report/lora_comparison_report_test.ts`.
 */
import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { summarize } from "../../lib/metrics/summary.ts";
import { adapterStats } from "../../lib/metrics/adapter_stats.ts";
import {
  compareLoraRuns,
  type ComparisonRow,
  improvementPct,
  type LoraComparison,
} from "../../lib/metrics/lora_comparison.ts";
import { comparisonToJson } from "../../lib/report/files/comparison_json.ts";
import { formatImprovement } from "../../lib/report/lora_comparison_tables.ts";
import { renderComparisonMarkdown } from "../../lib/report/markdown/lora_comparison_markdown.ts";
import { renderComparisonTable } from "../../lib/report/terminal/lora_comparison_table.ts";
import { assertGolden } from "../helpers/golden.ts";

const dir = new URL("../../fixtures/reports/", import.meta.url);

const golden = (name: string, actual: string) => assertGolden(dir, name, actual);

const SEED_OUTPUT = `==============================================================
COMPARISON RESULTS
==============================================================

--- Latency Comparison ---
Metric               Baseline        Multi-Adapter   Improvement
-----------------------------------------------------------------
Mean Latency         1.234s          1.156s          +6.32%
P50 Latency          1.200s          1.120s          +6.67%
P95 Latency          1.456s          1.389s          +4.60%
P99 Latency          1.678s          1.598s          +4.77%
Requests/sec         8.10            8.65            +6.79%
Tokens/sec           4150.23         4430.15         +6.74%

--- Request Statistics ---
Metric                         Baseline        Multi-Adapter
------------------------------------------------------------
Total Requests                 100             100
Successful Requests            98              98
Failed Requests                2               2
Total Duration                 12.35s          11.56s`;

Deno.test("the terminal block reproduces the seed tool's COMPARISON RESULTS layout exactly", () => {
  const row = (
    key: string,
    label: string,
    unit: ComparisonRow["unit"],
    b: number,
    m: number,
  ): ComparisonRow => {
    const better = unit === "ms" ? "lower" : "higher";
    return {
      key,
      label,
      unit,
      better,
      values: { baseline: b, multi: m },
      improvement_pct: { multi: improvementPct(b, m, better) },
    };
  };
  const stats = { total: 100, ok: 98, failed: 2, dropped: 0 };
  const c: LoraComparison = {
    reference: "baseline",
    runs: ["baseline", "multi"],
    metrics: [
      row("e2e_ms_mean", "Mean Latency", "ms", 1234, 1156),
      row("e2e_ms_p50", "P50 Latency", "ms", 1200, 1120),
      row("e2e_ms_p95", "P95 Latency", "ms", 1456, 1389),
      row("e2e_ms_p99", "P99 Latency", "ms", 1678, 1598),
      row("requests_per_s", "Requests/sec", "req/s", 8.1, 8.65),
      row("output_tokens_per_s", "Tokens/sec", "tok/s", 4150.23, 4430.15),
    ],
    requests: {
      baseline: { ...stats, duration_s: 12.35, success_rate_pct: 98 },
      multi: { ...stats, duration_s: 11.56, success_rate_pct: 98 },
    },
    adapters: {},
  };
  assert.equal(renderComparisonTable(c), SEED_OUTPUT);
});

Deno.test("improvements are signed, with +0.00% for no change and n/a when undefined", () => {
  const table: [number | null, string][] = [
    [6.3209, "+6.32%"],
    [-1.5, "-1.50%"],
    [0, "+0.00%"],
    [-0.001, "+0.00%"],
    [null, "n/a"],
    [Infinity, "n/a"],
  ];
  for (const [v, want] of table) assert.equal(formatImprovement(v), want, String(v));
});

let next = 0;
/**
 * A deterministic synthetic run: request i goes to `models[i % n]` at i × `gap` ms, TTFT
 * `ttft + ((7i) mod 13) × 3` ms, then 32 tokens `tpot` ms apart; `fail` failed requests follow
 * the `n` ok ones, then `dropped` ones that were never sent.
 */
function run(o: {
  n: number;
  gap: number;
  ttft: number;
  tpot: number;
  models: (string | undefined)[];
  fail?: number;
  dropped?: number;
}): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let i = 0; i < o.n + (o.fail ?? 0) + (o.dropped ?? 0); i++) {
    const sentAt = i * o.gap;
    const base = {
      index: next++,
      phase: "measure" as const,
      requestId: `r${i}`,
      scheduledAt: sentAt,
      sentAt,
      model: o.models[i % o.models.length],
    };
    if (i < o.n) {
      const tokenTimes = Array.from(
        { length: 32 },
        (_, k) => sentAt + o.ttft + ((i * 7) % 13) * 3 + k * o.tpot,
      );
      out.push({
        ...base,
        endAt: tokenTimes[31] + 1,
        tokenTimes,
        tokenCounts: tokenTimes.map(() => 1),
        outputTokens: 32,
        outputTokensSource: "usage",
        status: 200,
      });
    } else if (i < o.n + (o.fail ?? 0)) {
      out.push({
        ...base,
        endAt: sentAt + 3,
        tokenTimes: [],
        tokenCounts: [],
        outputTokens: 0,
        outputTokensSource: "counted",
        status: 503,
        error: { kind: "http", message: "busy", status: 503 },
      });
    } else {
      out.push({
        ...base,
        endAt: sentAt,
        tokenTimes: [],
        tokenCounts: [],
        outputTokens: 0,
        outputTokensSource: "counted",
        dropped: true,
      });
    }
  }
  return out;
}

function comparison(withBase: boolean): LoraComparison {
  const side = (records: RequestRecord[]) => ({
    summary: summarize(records, { loadMode: "open" }),
    adapters: adapterStats(records, { baseModel: "llama-3.1-8b" }),
  });
  const baseline = run({ n: 40, gap: 250, ttft: 180, tpot: 21, models: ["multi-task"], fail: 1 });
  const multi = run({
    n: 39,
    gap: 250,
    ttft: 210,
    tpot: 19.5,
    models: ["sql-lora", "chat-lora", "sql-lora", "math-lora"],
    fail: 1,
    dropped: withBase ? 1 : 0,
  });
  const base = run({ n: 41, gap: 250, ttft: 150, tpot: 18, models: [undefined] });
  return compareLoraRuns({
    baseline: side(baseline),
    multi: side(multi),
    ...(withBase ? { base: side(base) } : {}),
  });
}

Deno.test("two-run comparison renders to the golden terminal, Markdown and JSON files", async () => {
  const c = comparison(false);
  await golden("lora_comparison.txt", renderComparisonTable(c) + "\n");
  await golden("lora_comparison.md", renderComparisonMarkdown(c));
  await golden("lora_comparison.json", comparisonToJson(c));
});

Deno.test("three-run comparison (with the base model) renders to the golden files", async () => {
  const c = comparison(true);
  await golden("lora_comparison_base.txt", renderComparisonTable(c) + "\n");
  await golden("lora_comparison_base.md", renderComparisonMarkdown(c));
});

Deno.test("every terminal table line fits its dashed rule", () => {
  for (const withBase of [false, true]) {
    const lines = renderComparisonTable(comparison(withBase)).split("\n");
    let width = 0;
    for (const l of lines) {
      if (/^-+$/.test(l)) width = l.length;
      else if (l === "" || l.startsWith("---")) width = 0;
      else if (width > 0) assert.ok(l.length <= width, `"${l}" is wider than ${width}`);
    }
  }
});
