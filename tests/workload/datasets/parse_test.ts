import assert from "node:assert/strict";
import { recordToRow } from "../../../lib/workload/datasets/record_item.ts";
import { parseJsonDataset } from "../../../lib/workload/datasets/json_dataset.ts";
import { detectFormat } from "../../../lib/workload/datasets/detect_format.ts";
import { estimateTokens } from "../../../lib/workload/datasets/estimate_tokens.ts";
import { formatProblem } from "../../../lib/workload/datasets/dataset_item.ts";

const place = { source: "d.jsonl", line: 7, unit: "line" as const };

Deno.test("record reader names the field, the value and the expected shape for bad records", () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ adapter_name: "a" }, /has no "prompt"/],
    [{ prompt: "" }, /field "prompt" must be a non-empty string/],
    [{ prompt: "x", max_tokens: 1.5 }, /field "max_tokens" must be a positive integer \(got 1.5\)/],
    [{ prompt: "x", adapter_name: 3 }, /field "adapter_name" must be a non-empty string/],
    [{ messages: [{ role: "robot", content: "x" }] }, /field "messages" entry 1: "role"/],
    [{ prompt: "x", messages: [] }, /only one of "prompt", "messages"/],
    [[1, 2], /must be a JSON object \(got a list\)/],
  ];
  for (const [record, pattern] of cases) {
    const row = recordToRow(record, place);
    assert.ok("problem" in row, JSON.stringify(record));
    assert.match(formatProblem(row.problem), /^dataset "d\.jsonl" line 7: /);
    assert.match(formatProblem(row.problem), pattern);
  }
});

Deno.test("record reader takes the adapter name from its path when no name is given", () => {
  const row = recordToRow({ prompt: "p", lora_path: "/loras/sql-lora/" }, place);
  assert.ok("item" in row);
  assert.equal(row.item.adapter, "sql-lora");
  assert.equal(row.item.adapterPath, "/loras/sql-lora/");
  const named = recordToRow({ prompt: "p", adapter_name: "n", adapter_path: "/x/y" }, place);
  assert.ok("item" in named);
  assert.equal(named.item.adapter, "n");
});

Deno.test("sharegpt reply length is estimated as code points / 4 unless a tokenizer is given", () => {
  const record = {
    conversations: [{ from: "human", value: "q" }, { from: "gpt", value: "한국어 답변입니다" }],
  };
  const row = recordToRow(record, place);
  assert.ok("item" in row);
  assert.equal(row.item.prompt, "q");
  assert.equal(row.item.expectedOutputTokens, 3); // 9 code points
  const words = recordToRow(record, place, { estimateTokens: (t) => t.split(" ").length });
  assert.ok("item" in words);
  assert.equal(words.item.expectedOutputTokens, 2);
  assert.equal(estimateTokens(""), 0);
  assert.equal(estimateTokens("abcde"), 2);
});

Deno.test("json datasets are recognised by their first element", () => {
  assert.equal(parseJsonDataset('["a","b"]', { source: "p.json" }).format, "prompts");
  assert.equal(
    parseJsonDataset('[{"prompt":"a","adapter":"x"}]', { source: "a.json" }).format,
    "adapters",
  );
  assert.equal(parseJsonDataset('[{"conversations":[]}]', { source: "s.json" }).format, "sharegpt");
  const wrapped = parseJsonDataset('{"prompts": ["a", 3]}', { source: "w.json" });
  assert.equal(wrapped.rows.length, 2);
  assert.ok("problem" in wrapped.rows[1]);
  assert.equal(wrapped.rows[1].problem.line, 2);
  const broken = parseJsonDataset("[1,", { source: "b.json" });
  assert.equal(broken.rows.length, 1);
  assert.ok("problem" in broken.rows[0]);
  assert.match(formatProblem(broken.rows[0].problem), /^dataset "b\.json": is not valid JSON/);
});

Deno.test("format detection uses the extension first, then the content", () => {
  assert.equal(detectFormat("x.jsonl", "["), "jsonl");
  assert.equal(detectFormat("x.CSV", "{"), "csv");
  assert.equal(detectFormat("x.json", '[\n"a"]'), "json");
  assert.equal(detectFormat("x.json", '{"prompt":"a"}\n{"prompt":"b"}\n'), "jsonl");
  assert.equal(detectFormat("x.json", '{"prompts":["a"]}\n'), "json");
  assert.equal(detectFormat("data", '\uFEFF  {"prompt":"a"}'), "jsonl");
  assert.equal(detectFormat("data.txt", "prompt\nhello"), undefined);
});
