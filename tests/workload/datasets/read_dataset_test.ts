import assert from "node:assert/strict";
import { UsageError } from "../../../lib/config/usage_error.ts";
import {
  createDatasetCursor,
  datasetRows,
  readDataset,
  selectItems,
  shuffleItems,
} from "../../../lib/workload/datasets/mod.ts";

const FIX = new URL("../../../fixtures/datasets/", import.meta.url).pathname;

async function usageError(p: Promise<unknown>): Promise<UsageError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error("expected a UsageError");
}

Deno.test("jsonl reader reads prompts, chat messages, adapters and max_tokens with line numbers", async () => {
  const ds = await readDataset(FIX + "lora_prompts.jsonl");
  assert.equal(ds.format, "jsonl");
  assert.deepEqual(ds.items.map((i) => [i.line, i.adapter, i.maxTokens]), [
    [1, "geo-lora", 32],
    [2, "ko-lora", undefined],
    [4, "sum-lora", 64],
    [5, undefined, undefined],
  ]);
  assert.equal(ds.items[1].prompt, "서울의 인구는 얼마입니까?");
  assert.deepEqual(ds.items[2].prompt, [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Summarise LoRA." },
  ]);
  assert.equal(ds.items[0].source, FIX + "lora_prompts.jsonl");
});

Deno.test("prompts.json, adapters.json and sharegpt readers follow their documented shapes", async () => {
  const prompts = await readDataset(FIX + "prompts.json");
  assert.equal(prompts.format, "prompts");
  assert.deepEqual(prompts.items.map((i) => i.prompt)[1], "한국어로 짧은 시를 써 주세요.");

  const adapters = await readDataset(FIX + "adapters.json");
  assert.equal(adapters.format, "adapters");
  assert.deepEqual(adapters.items.map((i) => [i.adapter, i.adapterPath, i.maxTokens, i.line]), [
    ["sql-lora", "/models/loras/sql-lora", undefined, 1],
    ["ko-chat", "/models/loras/ko-chat/", undefined, 2],
    ["math-lora", "/models/loras/m", 8, 3],
  ]);

  const share = await readDataset(FIX + "sharegpt.json", { onError: "skip" });
  assert.equal(share.format, "sharegpt");
  assert.deepEqual(share.items.map((i) => [i.prompt, i.expectedOutputTokens]), [
    ["Tell me a joke about GPUs.", 17], // the first reply only: 67 characters / 4, rounded up
    ["김치찌개 만드는 법 알려줘", 7], // 26 code points
    ["A question nobody answered.", undefined],
  ]);
  assert.equal(share.skippedCount, 1);
  assert.match(share.problems[0].message, /no "human" turn/);
  assert.equal(share.problems[0].line, 3);
});

Deno.test("csv reader handles quotes, embedded line breaks, Korean text and bad rows", async () => {
  const ds = await readDataset(FIX + "prompts.csv", { onError: "skip" });
  assert.equal(ds.format, "csv");
  assert.deepEqual(ds.items.map((i) => [i.line, i.prompt, i.adapter, i.maxTokens]), [
    [2, "Hello, world", "lora-a", 16],
    [3, 'She said "hi"\r\nthen left', undefined, undefined],
    [5, "한국어 프롬프트", "ko-lora", undefined],
  ]);
  assert.deepEqual(ds.problems.map((p) => p.line), [6, 7]);
  assert.match(ds.problems[0].message, /5 cells but the header has 4/);
  assert.match(ds.problems[1].message, /never closed/);

  const err = await usageError(readDataset(FIX + "no_prompt_column.csv"));
  assert.match(err.message, /no "prompt" column/);
  const other = await readDataset(FIX + "no_prompt_column.csv", { promptColumn: "Question" });
  assert.equal(other.items[0].prompt, "What?");
});

Deno.test("malformed jsonl lines are skipped and counted, or fail with file and line numbers", async () => {
  const path = FIX + "malformed.jsonl";
  const skipped = await readDataset(path, { onError: "skip" });
  assert.deepEqual(skipped.items.map((i) => i.line), [1, 5, 7]);
  assert.equal(skipped.skippedCount, 4);
  assert.deepEqual(skipped.problems.map((p) => [p.line, p.field]), [
    [2, undefined],
    [3, undefined],
    [4, "max_tokens"],
    [6, undefined],
  ]);

  const err = await usageError(readDataset(path));
  assert.equal(err.problems.length, 5); // four lines plus the summary with the fix
  assert.match(err.problems[0], /malformed\.jsonl" line 2: is not valid JSON/);
  assert.match(err.problems[1], /line 3: has no "prompt"/);
  assert.match(err.problems[2], /line 4: field "max_tokens" must be a positive integer \(got -5\)/);
  assert.match(err.problems[3], /line 6: must be a JSON object/);
  assert.match(err.problems[4], /4 malformed records; fix them, or skip malformed records/);
});

Deno.test("fail mode stops at the tenth problem and a file of only bad lines always fails", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bad.jsonl`;
    await Deno.writeTextFile(path, Array.from({ length: 30 }, (_, i) => `{"n": ${i}}`).join("\n"));
    const err = await usageError(readDataset(path));
    assert.equal(err.problems.length, 11);
    assert.match(err.problems[9], /line 10:/);
    assert.match(err.problems[10], /stopped reading after 10/);
    const none = await usageError(readDataset(path, { onError: "skip" }));
    assert.match(none.problems[0], /no usable items \(30 malformed records\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad options and unknown formats are usage errors listing every problem", async () => {
  const err = await usageError(readDataset(FIX + "prompts.json", { take: 0, fraction: 2 }));
  assert.equal(err.problems.length, 3);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/data.txt`, "just text\n");
    const unknown = await usageError(readDataset(`${dir}/data.txt`));
    assert.match(unknown.message, /cannot tell its format/);
    // Forced to CSV the file is a header with no rows: nothing usable.
    const forced = await usageError(
      readDataset(`${dir}/data.txt`, { format: "csv", promptColumn: "just text" }),
    );
    assert.match(forced.message, /no usable items \(0 malformed records\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const missing = await usageError(readDataset(FIX + "nope.jsonl"));
  assert.match(missing.message, /nope\.jsonl" cannot be opened/);
});

Deno.test("seeded shuffle is reproducible and differs between seeds; subsets come after the shuffle", () => {
  const items = Array.from({ length: 200 }, (_, i) => i);
  const a = shuffleItems(items, 42);
  assert.deepEqual(a, shuffleItems(items, 42));
  assert.notDeepEqual(a, shuffleItems(items, 43));
  assert.deepEqual([...a].sort((x, y) => x - y), items);
  assert.deepEqual(selectItems(items, { seed: 42, take: 10 }), a.slice(0, 10));
  assert.deepEqual(selectItems(items, { take: 5 }), [0, 1, 2, 3, 4]);
  assert.equal(selectItems(items, { fraction: 0.1 }).length, 20);
  assert.equal(selectItems(items, { fraction: 0.001 }).length, 1);
  assert.equal(selectItems(items, { take: 500 }).length, 200);
});

Deno.test("readDataset subsets by count and fraction, reproducibly for a seed", async () => {
  const path = FIX + "lora_prompts.jsonl";
  const lines = async (o: object) => (await readDataset(path, o)).items.map((i) => i.line);
  assert.deepEqual(await lines({ take: 2 }), [1, 2]);
  assert.deepEqual(await lines({ fraction: 0.5 }), [1, 2]);
  assert.deepEqual(await lines({ seed: 5, take: 3 }), await lines({ seed: 5, take: 3 }));
  assert.equal((await lines({ seed: 5, take: 3 })).length, 3);
  const orders = new Set<string>();
  for (let seed = 0; seed < 20; seed++) orders.add(String(await lines({ seed })));
  assert.ok(orders.size > 5, `only ${orders.size} distinct orders from 20 seeds`);
});

Deno.test("a 50k-line jsonl streams through the reader and reservoir-samples a subset", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/big.jsonl`;
    const file = await Deno.open(path, { write: true, create: true });
    const enc = new TextEncoder();
    for (let block = 0; block < 50; block++) {
      let text = "";
      for (let i = 0; i < 1000; i++) {
        const n = block * 1000 + i;
        text += JSON.stringify({ prompt: `prompt ${n} 한국어`, adapter_name: `a${n % 7}` }) + "\n";
      }
      await file.write(enc.encode(text));
    }
    file.close();

    let count = 0;
    let lastLine = 0;
    for await (const row of datasetRows(path)) {
      assert.ok("item" in row);
      count++;
      lastLine = row.item.line;
    }
    assert.equal(count, 50_000);
    assert.equal(lastLine, 50_000);

    const sample = await readDataset(path, { seed: 9, take: 100 });
    assert.equal(sample.items.length, 100);
    assert.equal(sample.validCount, 50_000);
    assert.deepEqual(
      sample.items.map((i) => i.line),
      (await readDataset(path, { seed: 9, take: 100 })).items.map((i) => i.line),
    );
    // A uniform sample of 100 from 50k reaches past the first half of the file.
    assert.ok(sample.items.some((i) => i.line > 25_000));

    // Breaking out early closes the file (the resource sanitizer checks it).
    for await (const _ of datasetRows(path)) break;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cursor hands out items per request and cycles with a pass number", async () => {
  const { items } = await readDataset(FIX + "prompts.json");
  const cursor = createDatasetCursor(items);
  const picks = Array.from({ length: 7 }, () => cursor.next()!);
  assert.deepEqual(picks.map((p) => [p.item.line, p.pass, p.request]), [
    [1, 0, 0],
    [2, 0, 1],
    [3, 0, 2],
    [1, 1, 3],
    [2, 1, 4],
    [3, 1, 5],
    [1, 2, 6],
  ]);
  const once = createDatasetCursor(items, { cycle: false });
  for (let i = 0; i < 3; i++) assert.ok(once.next());
  assert.equal(once.next(), undefined);
  assert.equal(once.served, 3);
});
