import assert from "node:assert/strict";
import { recordToRow } from "../../../lib/workload/datasets/mod.ts";

const place = { source: "t.jsonl", line: 1, unit: "line" as const };

Deno.test("a JSONL messages conversation gives its user turns, answers and system message", () => {
  const row = recordToRow({
    messages: [
      { role: "system", content: "be brief" },
      { role: "user", content: "q1" },
      { role: "assistant", content: "a1" },
      { role: "user", content: "q2" },
    ],
  }, place);
  assert.ok("item" in row);
  assert.equal(row.item.system, "be brief");
  assert.deepEqual(row.item.turns, [{ user: "q1", answer: "a1" }, { user: "q2" }]);
});

Deno.test("a ShareGPT entry keeps its first turn as the prompt and lists every turn", () => {
  const row = recordToRow({
    conversations: [
      { from: "human", value: "q1" },
      { from: "gpt", value: "a1" },
      { from: "human", value: "q2" },
      { from: "gpt", value: "a2" },
    ],
  }, place);
  assert.ok("item" in row);
  assert.equal(row.item.prompt, "q1");
  assert.deepEqual(row.item.turns, [{ user: "q1", answer: "a1" }, { user: "q2", answer: "a2" }]);
});
