/**
 * Golden test of the per-adapter table. Regenerate after a deliberate change with
 * `UPDATE_GOLDEN=1 deno test -A tests/report/adapter_stats_table_test.ts`.
 */
import assert from "node:assert/strict";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import { adapterStats } from "../../lib/metrics/adapter_stats.ts";
import { renderAdapterMarkdown } from "../../lib/report/markdown/adapter_stats_markdown.ts";
import { renderAdapterTable } from "../../lib/report/terminal/adapter_stats_table.ts";
import { assertGolden } from "../helpers/golden.ts";

const dir = new URL("../../fixtures/reports/", import.meta.url);

const golden = (name: string, actual: string) => assertGolden(dir, name, actual);

/**
 * A LoRA run at one request per 100 ms over four models: "sql-lora" loads on its first
 * (measured) request, "chat-lora" was loaded during warm-up, "math-lora"'s first request failed,
 * and base-model requests carry no `model`.
 */
function records(): RequestRecord[] {
  const models = [undefined, "sql-lora", "chat-lora", "math-lora"];
  const out: RequestRecord[] = [];
  for (let i = 0; i < 40; i++) {
    const model = models[i % 4];
    const sentAt = i * 100;
    const first = i < 4;
    const warmup = model === "chat-lora" && first;
    const load = first && (model === "sql-lora" || model === "chat-lora") ? 480 : 0;
    const ttft = 40 + ((i * 7) % 11) * 2 + load;
    const tokenTimes = Array.from({ length: 16 }, (_, k) => sentAt + ttft + k * 12);
    const r: RequestRecord = {
      index: i,
      phase: warmup ? "warmup" : "measure",
      requestId: `r${i}`,
      scheduledAt: sentAt,
      sentAt,
      endAt: tokenTimes[15] + 1,
      tokenTimes,
      tokenCounts: tokenTimes.map(() => 1),
      outputTokens: 16,
      outputTokensSource: "usage",
      status: 200,
      model,
    };
    if (model === "math-lora" && (first || i === 27)) {
      Object.assign(r, {
        tokenTimes: [],
        tokenCounts: [],
        outputTokens: 0,
        endAt: sentAt + 30_000,
        status: undefined,
        error: { kind: "timeout", message: "no response in 30 s" },
      });
    }
    out.push(r);
  }
  return out;
}

Deno.test("per-adapter table renders to the golden terminal and Markdown files", async () => {
  const stats = adapterStats(records(), { baseModel: "llama-3.1-8b" });
  await golden("adapter_stats.txt", renderAdapterTable(stats) + "\n");
  await golden("adapter_stats.md", renderAdapterMarkdown(stats));
});

Deno.test("cold cells say warm-up, failure or base model instead of a bare number", () => {
  const stats = adapterStats(records(), { baseModel: "llama-3.1-8b" });
  const lines = renderAdapterTable(stats).split("\n");
  const row = (name: string) => lines.find((l) => l.startsWith(name + " "))!.trim().split(/\s+/);
  // Columns: name, 13 values; cold TTFT is the 12th field (index 11).
  assert.equal(row("llama-3.1-8b")[11], "-");
  assert.match(row("chat-lora")[11], /^\d+(\.\d+)?\*$/);
  assert.equal(row("math-lora")[11], "failed");
  assert.match(row("sql-lora")[11], /^\d+(\.\d+)?$/);
  assert.match(row("sql-lora")[13], /^\+\d/, "a positive cold penalty is signed");
  assert.ok(lines.at(-1)!.startsWith("* cold start during warm-up"));
  const widths = new Set(lines.slice(0, -1).map((l) => l.length));
  assert.equal(widths.size, 1, "header, rule and rows share one width");
});
