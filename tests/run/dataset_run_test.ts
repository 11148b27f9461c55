import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { startSim } from "../../lib/sim/mod.ts";

const FIXTURES = new URL("../../fixtures/datasets/", import.meta.url).pathname;
const LORA = join(FIXTURES, "lora_prompts.jsonl");
const quietIo = { log: () => {}, isTty: false, quiet: true };

/** A loopback proxy in front of the simulator that keeps every request body by x-request-id. */
async function recordingSim(loraAdapters: string[]) {
  const sim = await startSim({ seed: 1, itlMs: 2, ttftMs: 2, loraAdapters });
  const bodies = new Map<string, Record<string, unknown>>();
  const upstream = sim.baseUrl.replace(/\/v1$/, "");
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const text = req.method === "POST" ? await req.text() : undefined;
    if (text) bodies.set(req.headers.get("x-request-id") ?? "", JSON.parse(text));
    return await fetch(upstream + url.pathname + url.search, {
      method: req.method,
      headers: req.headers,
      body: text,
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    bodies,
    async close() {
      await server.shutdown();
      await sim.close();
    },
  };
}

async function readJsonl(path: string) {
  return (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
}

async function run(args: string[], log: (line: string) => void = () => {}) {
  const out = await Deno.makeTempDir();
  const { plan } = parseRunArgs([...args, "--out", out], {});
  const outcome = await runBenchmark(plan, { ...quietIo, log });
  const records = await readJsonl(join(outcome.runDir, "requests.jsonl"));
  records.sort((a, b) => a.index - b.index);
  const meta = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json")));
  return { outcome, records, meta };
}

Deno.test("a dataset run sends each item's prompt, adapter and max_tokens, cycling past the end", async () => {
  const sim = await recordingSim(["geo-lora", "ko-lora", "sum-lora"]);
  try {
    const { outcome, records, meta } = await run([
      ...["--url", sim.baseUrl, "--dataset", LORA, "--requests", "8", "--concurrency", "2"],
      ...["--max-tokens", "5", "--ignore-eos"],
    ]);
    const base = outcome.model;
    assert.ok(!base.endsWith("-lora"), `the base model is the resolved model (${base})`);
    // The fixture's four items, in file order; item 4 names no adapter and no max_tokens.
    const expected = [
      {
        model: "geo-lora",
        messages: [{ role: "user", content: "What is the capital of France?" }],
        maxTokens: 32,
      },
      {
        model: "ko-lora",
        messages: [{ role: "user", content: "서울의 인구는 얼마입니까?" }],
        maxTokens: 5,
      },
      {
        model: "sum-lora",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Summarise LoRA." },
        ],
        maxTokens: 64,
      },
      {
        model: base,
        messages: [{ role: "user", content: "Base model question without an adapter." }],
        maxTokens: 5,
      },
    ];
    assert.equal(records.length, 8);
    for (const r of records) {
      const want = expected[r.index % 4];
      const body = sim.bodies.get(r.request_id)!;
      assert.ok(body, `request ${r.index} reached the server`);
      assert.equal(body.model, want.model, `request ${r.index} model`);
      assert.deepEqual(body.messages, want.messages, `request ${r.index} messages`);
      assert.equal(body.max_tokens, want.maxTokens, `request ${r.index} max_tokens`);
      assert.equal(r.model, want.model, "the record names the adapter it used");
      assert.equal(r.error, null, `request ${r.index} succeeded`);
      assert.equal(r.output_tokens, want.maxTokens, "ignore_eos produces the item's length");
      assert.equal(r.requested_prompt_tokens, null, "no requested length for dataset prompts");
    }
    const perModel: Record<string, number> = {};
    for (const r of records) perModel[r.model] = (perModel[r.model] ?? 0) + 1;
    assert.deepEqual(perModel, { "geo-lora": 2, "ko-lora": 2, "sum-lora": 2, [base]: 2 });

    assert.equal(meta.dataset.path, LORA);
    assert.equal(meta.dataset.format, "jsonl");
    assert.equal(meta.dataset.items, 4);
    assert.equal(meta.dataset.skipped, 0);
    assert.deepEqual(meta.dataset.problems, []);
    assert.deepEqual(meta.dataset.adapters, ["geo-lora", "ko-lora", "sum-lora"]);
    assert.equal(meta.request.prompt_tokens, null);
  } finally {
    await sim.close();
  }
});

Deno.test("dataset shuffle and take are reproducible with a seed and change with another", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "many.jsonl");
  const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ prompt: `question ${i}` }));
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  const sim = await recordingSim([]);
  try {
    const promptsOf = async (seed: string) => {
      const { records } = await run([
        ...["--url", sim.baseUrl, "--endpoint", "completions", "--dataset", path],
        ...["--dataset-shuffle", "--dataset-take", "3", "--seed", seed],
        ...["--requests", "6", "--max-tokens", "1"],
      ]);
      return records.map((r) => sim.bodies.get(r.request_id)!.prompt as string);
    };
    const a = await promptsOf("7");
    const again = await promptsOf("7");
    const other = await promptsOf("8");
    assert.deepEqual(again, a, "same seed, same items in the same order");
    assert.equal(new Set(a).size, 3, "take 3 keeps three items");
    assert.deepEqual(a.slice(3), a.slice(0, 3), "six requests cycle through three items twice");
    assert.notDeepEqual(a.slice(0, 3), ["question 0", "question 1", "question 2"], "shuffled");
    assert.notDeepEqual(other, a, "another seed picks another subset or order");
  } finally {
    await sim.close();
  }
});

Deno.test("skipped malformed records are warned about once and recorded in meta.json", async () => {
  const sim = await recordingSim(["a1", "ko"]);
  try {
    const logged: string[] = [];
    const { records, meta } = await run(
      [
        ...["--url", sim.baseUrl, "--dataset", join(FIXTURES, "malformed.jsonl")],
        ...["--dataset-on-error", "skip", "--requests", "3", "--max-tokens", "1"],
      ],
      (line) => logged.push(line),
    );
    const warnings = logged.filter((l) => l.startsWith("warning: dataset"));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /skipped 4 malformed records/);
    assert.ok(logged.some((l) => /line 2: .*not valid JSON/.test(l)), "first problem shown");
    assert.equal(meta.dataset.items, 3);
    assert.equal(meta.dataset.skipped, 4);
    assert.equal(meta.dataset.problems.length, 4);
    assert.match(meta.dataset.problems[0], /malformed\.jsonl" line 2/);
    assert.deepEqual(records.map((r) => r.error), [null, null, null]);
  } finally {
    await sim.close();
  }
});

Deno.test("chat conversations on the completions endpoint are refused before anything is sent", async () => {
  const out = await Deno.makeTempDir();
  const { plan } = parseRunArgs(
    ["--target", "sim", "--endpoint", "completions", "--dataset", LORA, "--requests", "1"],
    {},
  );
  await assert.rejects(() => runBenchmark({ ...plan, out }, quietIo), (e) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.problems.join("\n"), /line\/item 4\) are chat.*--endpoint chat/);
    return true;
  });
  assert.deepEqual([...Deno.readDirSync(out)], [], "no run directory");
});

Deno.test("--target sim serves the adapters the dataset names, so every request succeeds", async () => {
  const { records, meta } = await run(
    ["--target", "sim", "--dataset", LORA, "--requests", "4", "--max-tokens", "2"],
  );
  assert.deepEqual(records.map((r) => r.error), [null, null, null, null]);
  assert.deepEqual(records.slice(0, 3).map((r) => r.model), ["geo-lora", "ko-lora", "sum-lora"]);
  assert.equal(meta.target.sim, true);
});

Deno.test("a CSV dataset with --prompt-column sends that column's text", async () => {
  const sim = await recordingSim([]);
  try {
    const { records, meta } = await run([
      ...["--url", sim.baseUrl, "--endpoint", "completions", "--max-tokens", "1"],
      ...["--dataset", join(FIXTURES, "no_prompt_column.csv"), "--prompt-column", "question"],
      ...["--requests", "2"],
    ]);
    assert.deepEqual(records.map((r) => sim.bodies.get(r.request_id)!.prompt), ["What?", "What?"]);
    assert.equal(meta.dataset.format, "csv");
  } finally {
    await sim.close();
  }
});

Deno.test("--target sim still runs when the dataset names the simulator's base model", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "base.jsonl");
  await Deno.writeTextFile(
    path,
    ['{"prompt": "a", "adapter_name": "sim-llama-8b"}', '{"prompt": "b"}'].join("\n"),
  );
  const logged: string[] = [];
  const { records } = await run(
    ["--target", "sim", "--dataset", path, "--requests", "2", "--max-tokens", "1"],
    (line) => logged.push(line),
  );
  assert.deepEqual(records.map((r) => r.error), [null, null]);
  assert.equal(logged.filter((l) => l.includes("serves no dataset adapters")).length, 1);
});
