import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { loadLocalTokenizer } from "../../lib/workload/local_tokenizer.ts";
import { startScriptedServer } from "../helpers/scripted_server.ts";
import { runInProcess } from "../helpers/run_in_process.ts";

const FIXTURE = new URL("../../fixtures/tokenizers/tiny-llama3/", import.meta.url).pathname;

const run = runInProcess;

Deno.test("runs against the simulator with --tokenizer record the mode and hit the requested tokens (drift 0)", async () => {
  for (const [endpoint, tokens] of [["chat", 1500], ["completions", 3000]] as const) {
    const r = await run([
      "--target",
      "sim",
      "--endpoint",
      endpoint,
      "--tokenizer",
      FIXTURE,
      "--prompt-tokens",
      String(tokens),
      "--concurrency",
      "2",
      "--requests",
      "4",
      "--max-tokens",
      "2",
    ]);
    assert.equal(r.meta.prompt_length_mode, "local_tokenizer");
    assert.equal(r.meta.request.tokenizer, FIXTURE);
    assert.deepEqual(r.meta.prompt_tokenizer, {
      file: join(FIXTURE, "tokenizer.json"),
      chat_template: "tokenizer_config.json",
    });
    assert.equal(r.summary.tokens.prompt_length_mode, "local_tokenizer");
    assert.equal(r.summary.tokens.prompt_lengths_approximate, false);
    assert.ok(r.lines.some((l) => /^prompt lengths exact: .*local tokenizer/.test(l)));
    assert.equal(r.records.length, 4);
    // The simulator counts with the same tokenizer (the Worker gets its files), like vLLM would.
    for (const rec of r.records) {
      assert.equal(rec.requested_prompt_tokens, tokens);
      assert.equal(rec.prompt_tokens, tokens, `${endpoint} #${rec.index}`);
    }
    assert.equal(r.summary.tokens.prompt_drift_pct, 0);
  }
});

Deno.test("--tokenizer works against a server without /tokenize and never calls it", async () => {
  const server = startScriptedServer({ defaultScript: { tokens: 2, promptTokens: 300 } });
  try {
    const r = await run([
      "--url",
      server.baseUrl,
      "--model",
      "m",
      "--endpoint",
      "completions",
      "--tokenizer",
      join(FIXTURE, "tokenizer.json"),
      "--prompt-tokens",
      "300",
      "--requests",
      "3",
    ]);
    assert.equal(r.meta.prompt_length_mode, "local_tokenizer");
    // Only the warning that the scripted server has no /metrics.
    assert.deepEqual(
      r.lines.filter((l) => l.startsWith("warning:") && !l.includes("/metrics")),
      [],
    );
    assert.ok(server.requests.every((q) => !q.path.endsWith("/tokenize")));
    // The prompts the server got measure exactly 300 with the tokenizer (BOS included).
    const tok = await loadLocalTokenizer(FIXTURE);
    const prompts = server.requests.filter((q) => q.path.endsWith("/completions"))
      .map((q) => q.body!.prompt as string);
    assert.equal(prompts.length, 3);
    for (const p of prompts) assert.equal(tok.countSync(p, "prompt"), 300);
    assert.equal(new Set(prompts).size, 3);
    assert.equal(r.summary.tokens.prompt_drift_pct, 0);
  } finally {
    await server.close();
  }
});

Deno.test("a bad --tokenizer is a usage error before anything is sent", async () => {
  assert.throws(
    () => parseRunArgs(["--tokenizer", "/no/such/dir", "--requests", "1"], {}),
    (e) => e instanceof UsageError && /--tokenizer .*"\/no\/such\/dir"/.test(e.message),
  );
  const dataset = new URL("../../fixtures/datasets/", import.meta.url).pathname;
  const file = [...Deno.readDirSync(dataset)].find((e) => e.isFile)!.name;
  assert.throws(
    () =>
      parseRunArgs(
        ["--tokenizer", FIXTURE, "--dataset", join(dataset, file), "--requests", "1"],
        {},
      ),
    (e) =>
      e instanceof UsageError && /--tokenizer .*cannot be combined with --dataset/.test(e.message),
  );

  const dir = await Deno.makeTempDir();
  const server = startScriptedServer({ defaultScript: { tokens: 1 } });
  try {
    await Deno.writeTextFile(join(dir, "tokenizer.json"), "{ truncated");
    const { plan } = parseRunArgs(
      [
        "--url",
        server.baseUrl,
        "--model",
        "m",
        "--tokenizer",
        dir,
        "--requests",
        "2",
        "--out",
        dir,
      ],
      {},
    );
    await assert.rejects(
      runBenchmark(plan, { log: () => {}, isTty: false, quiet: true }),
      (e) => e instanceof UsageError && e.message.includes(join(dir, "tokenizer.json")),
    );
    assert.equal(server.requests.length, 0, "nothing sent");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["tokenizer.json"]);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
