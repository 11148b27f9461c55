import assert from "node:assert/strict";
import { summarize } from "../../lib/metrics/summary.ts";
import { recordFromJsonl } from "../../lib/report/files/record_jsonl.ts";
import { summaryToJson } from "../../lib/report/files/summary_json.ts";
import { renderSummaryTable } from "../../lib/report/terminal/terminal_table.ts";

const text = await Deno.readTextFile(
  new URL("../../fixtures/records/mixed_open.jsonl", import.meta.url),
);
const records = text.trimEnd().split("\n").map((l, i) => recordFromJsonl(l, { lineNumber: i + 1 }));

function promptLine(table: string): string {
  return table.split("\n").find((l) => l.startsWith("Prompt"))!;
}

Deno.test("estimated prompt lengths are marked approximate in summary.json and the terminal table", () => {
  const s = summarize(records, {
    loadMode: "open",
    promptLengths: { mode: "estimate", approximate: true },
  });
  const json = JSON.parse(summaryToJson(s));
  assert.equal(json.tokens.prompt_length_mode, "estimate");
  assert.equal(json.tokens.prompt_lengths_approximate, true);
  assert.match(promptLine(renderSummaryTable(s)), /, lengths APPROXIMATE \(estimate\)$/);
  assert.ok(
    promptLine(renderSummaryTable(s, { color: true }))
      .includes("\x1b[33mlengths APPROXIMATE (estimate)\x1b[0m"),
    "yellow",
  );
});

Deno.test("exact prompt lengths name how they were measured", () => {
  for (
    const [mode, shown] of [["exact", "/tokenize"], ["local_tokenizer", "local tokenizer"]] as const
  ) {
    const s = summarize(records, { loadMode: "open", promptLengths: { mode, approximate: false } });
    assert.equal(JSON.parse(summaryToJson(s)).tokens.prompt_lengths_approximate, false);
    assert.ok(promptLine(renderSummaryTable(s)).endsWith(`, lengths exact (${shown})`));
  }
});

Deno.test("without a prompt length mode (dataset prompts, bare records) nothing is added", () => {
  const s = summarize(records, { loadMode: "open" });
  assert.equal("prompt_length_mode" in s.tokens, false);
  assert.equal("prompt_lengths_approximate" in s.tokens, false);
  assert.doesNotMatch(promptLine(renderSummaryTable(s)), /lengths/);
});
