import assert from "node:assert/strict";
import { resolve } from "node:path";
import { UsageError } from "../../../lib/config/usage_error.ts";
import {
  adapterInfoToJson,
  adaptersFromDataset,
  adaptersFromModels,
  baseModelMismatches,
  baseModelsFromModels,
  parseAdapterConfig,
  parseAdapterList,
  readAdaptersDir,
} from "../../../lib/workload/lora/mod.ts";
import { readDataset } from "../../../lib/workload/datasets/mod.ts";

const fixtures = new URL("../../../fixtures/", import.meta.url).pathname;

Deno.test("adapter lists parse names in order, trimming spaces around them", () => {
  assert.deepEqual(parseAdapterList("sql-lora, chat-lora,org/math_v2.1"), {
    adapters: [
      { name: "sql-lora", source: "list" },
      { name: "chat-lora", source: "list" },
      { name: "org/math_v2.1", source: "list" },
    ],
  });
});

Deno.test("adapter lists report every bad name and duplicate at once, naming the flag", () => {
  const table: { text: string; problems: RegExp[] }[] = [
    { text: "", problems: [/--adapters: name at least one adapter/] },
    { text: "a,,b", problems: [/entry 2 "" is empty/] },
    { text: "a,", problems: [/entry 2 "" is empty/] },
    { text: "a b,-x", problems: [/entry 1 "a b" may hold only/, /entry 2 "-x" may hold only/] },
    { text: "a,b,a,a", problems: [/adapter "a" is listed twice/] },
    { text: "x".repeat(257), problems: [/longer than 256/] },
  ];
  for (const { text, problems } of table) {
    const r = parseAdapterList(text);
    assert.ok("problems" in r, text);
    assert.equal(r.problems.length, problems.length, `${text}: ${r.problems.join(" | ")}`);
    problems.forEach((p, i) => assert.match(r.problems[i], p));
  }
  const named = parseAdapterList(" ", { what: 'scenario field "adapters"' });
  assert.ok("problems" in named && named.problems[0].startsWith('scenario field "adapters"'));
});

Deno.test("adapter_config.json fields are read: rank, alpha, target modules, base model", () => {
  const src = { name: "x", dir: "/a/x", file: "a/x/adapter_config.json" };
  const r = parseAdapterConfig(
    JSON.stringify({
      r: 8,
      lora_alpha: 16,
      target_modules: ["q_proj"],
      base_model_name_or_path: "m",
      peft_type: "LORA",
    }),
    src,
  );
  assert.deepEqual(r, {
    adapter: {
      name: "x",
      source: "dir",
      path: "/a/x",
      rank: 8,
      alpha: 16,
      targetModules: ["q_proj"],
      baseModel: "m",
    },
  });
});

Deno.test("adapter_config.json problems name the file and every bad field", () => {
  const src = { name: "x", dir: "/a/x", file: "a/x/adapter_config.json" };
  const table: { text: string; problems: RegExp[] }[] = [
    { text: "{ r: 8", problems: [/^a\/x\/adapter_config.json: not valid JSON/] },
    { text: "[1]", problems: [/must hold a JSON object/] },
    {
      text: "{}",
      problems: [/field "r" is missing/, /field "lora_alpha" is missing/, /"target_modules" is/],
    },
    {
      text: JSON.stringify({
        r: 2.5,
        lora_alpha: -1,
        target_modules: [1],
        base_model_name_or_path: 7,
        peft_type: "IA3",
      }),
      problems: [
        /field "peft_type" must be "LORA" \(got "IA3"\)/,
        /field "r" must be a positive integer \(got 2.5\)/,
        /field "lora_alpha" must be a number > 0 \(got -1\)/,
        /field "target_modules" must be a non-empty list/,
        /field "base_model_name_or_path" must be a model name/,
      ],
    },
  ];
  for (const { text, problems } of table) {
    const r = parseAdapterConfig(text, src);
    assert.ok("problems" in r, text);
    assert.equal(r.problems.length, problems.length, r.problems.join(" | "));
    problems.forEach((p, i) => assert.match(r.problems[i], p));
    for (const p of r.problems) assert.ok(p.startsWith("a/x/adapter_config.json: "), p);
  }
});

Deno.test("an adapters directory yields one adapter per folder, sorted, with absolute paths", async () => {
  const dir = `${fixtures}adapters/set`;
  const adapters = await readAdaptersDir(dir);
  assert.deepEqual(adapters.map((a) => a.name), ["chat-lora", "math-lora", "sql-lora"]);
  assert.deepEqual(adapters.map(adapterInfoToJson), [
    {
      name: "chat-lora",
      source: "dir",
      path: resolve(dir, "chat-lora"),
      r: 8,
      lora_alpha: 16,
      target_modules: ["q_proj", "v_proj"],
      base_model_name_or_path: "meta-llama/Llama-3.1-8B-Instruct",
    },
    {
      name: "math-lora",
      source: "dir",
      path: resolve(dir, "math-lora"),
      r: 64,
      lora_alpha: 128.5,
      target_modules: ".*\\.(q_proj|v_proj)$",
      base_model_name_or_path: null,
    },
    {
      name: "sql-lora",
      source: "dir",
      path: resolve(dir, "sql-lora"),
      r: 16,
      lora_alpha: 32,
      target_modules: ["q_proj", "k_proj", "v_proj", "o_proj"],
      base_model_name_or_path: "meta-llama/Llama-3.1-8B-Instruct",
    },
  ]);
  assert.deepEqual(baseModelMismatches(adapters, "meta-llama/Llama-3.1-8B-Instruct"), []);
  assert.deepEqual(baseModelMismatches(adapters, "Qwen/Qwen2-7B"), [
    'adapter "chat-lora" was made for "meta-llama/Llama-3.1-8B-Instruct", but the base model is "Qwen/Qwen2-7B"',
    'adapter "sql-lora" was made for "meta-llama/Llama-3.1-8B-Instruct", but the base model is "Qwen/Qwen2-7B"',
  ]);
});

Deno.test("a broken adapters directory lists every problem at once, with file and field", async () => {
  const dir = "fixtures/adapters/broken";
  const err = await readAdaptersDir(`${fixtures}adapters/broken`).catch((e) => e);
  assert.ok(err instanceof UsageError);
  const rel = await readAdaptersDir(dir).catch((e) => e as UsageError);
  assert.ok(rel instanceof UsageError);
  assert.deepEqual(rel.problems, [
    `${dir}/bad-fields/adapter_config.json: field "peft_type" must be "LORA" (got "PREFIX_TUNING")`,
    `${dir}/bad-fields/adapter_config.json: field "r" must be a positive integer (got 0)`,
    `${dir}/bad-fields/adapter_config.json: field "lora_alpha" is missing; give it, e.g. 16`,
    `${dir}/bad-fields/adapter_config.json: field "target_modules" must be a non-empty list of module names or a regex string (got [])`,
    `${dir}/no-config/adapter_config.json: missing; every adapter folder needs PEFT's adapter_config.json`,
    `${dir}/not-object/adapter_config.json: must hold a JSON object (PEFT's adapter_config.json)`,
  ]);
});

Deno.test("a missing, empty or non-directory adapters path is a usage error naming the flag", async () => {
  const empty = await Deno.makeTempDir();
  try {
    const table: [string, RegExp][] = [
      [`${fixtures}adapters/nope`, /^--adapters-dir .*nope: does not exist/],
      [empty, /holds no adapter folders; expected .*\/<name>\/adapter_config.json/],
      [`${fixtures}adapters/set/README.md`, /is not a directory/],
    ];
    for (const [dir, re] of table) {
      const err = await readAdaptersDir(dir).catch((e) => e);
      assert.ok(err instanceof UsageError, dir);
      assert.equal(err.problems.length, 1);
      assert.match(err.problems[0], re);
    }
  } finally {
    await Deno.remove(empty);
  }
});

const MODELS = {
  object: "list",
  data: [
    { id: "llama", object: "model", root: "llama", parent: null, max_model_len: 8192 },
    { id: "sql-lora", object: "model", root: "/loras/sql", parent: "llama" },
    { id: "other-lora", object: "model", root: "/loras/o", parent: "qwen" },
    { id: "qwen", object: "model", root: "qwen" },
    { id: "chat-lora", object: "model", root: "", parent: "llama" },
    { object: "model", parent: "llama" },
    "junk",
  ],
};

Deno.test("adapters come from /v1/models entries whose parent is the base model", () => {
  assert.deepEqual(adaptersFromModels(MODELS, { baseModel: "llama" }), [
    { name: "sql-lora", source: "models", baseModel: "llama", path: "/loras/sql" },
    { name: "chat-lora", source: "models", baseModel: "llama" },
  ]);
  assert.deepEqual(adaptersFromModels(MODELS, { baseModel: "qwen" }).map((a) => a.name), [
    "other-lora",
  ]);
  assert.deepEqual(adaptersFromModels(MODELS, { baseModel: "mistral" }), []);
  assert.deepEqual(baseModelsFromModels(MODELS), ["llama", "qwen"]);
  for (const bad of [null, [], { data: {} }, "x"]) {
    assert.throws(() => adaptersFromModels(bad, { baseModel: "llama" }), TypeError);
  }
});

Deno.test("dataset adapters are the distinct names as written, first seen first, with paths", async () => {
  const jsonl = await readDataset(`${fixtures}datasets/lora_prompts.jsonl`);
  assert.deepEqual(adaptersFromDataset(jsonl.items), [
    { name: "geo-lora", source: "dataset" },
    { name: "ko-lora", source: "dataset" },
    { name: "sum-lora", source: "dataset" },
  ]);
  const item = (adapter?: string, adapterPath?: string) => ({
    prompt: "p",
    adapter,
    adapterPath,
    line: 1,
    source: "x",
  });
  assert.deepEqual(
    adaptersFromDataset([item("B"), item(), item("a", "/p/a"), item("B", "/p/b"), item("a", "/q")]),
    [{ name: "B", source: "dataset", path: "/p/b" }, {
      name: "a",
      source: "dataset",
      path: "/p/a",
    }],
  );
});
