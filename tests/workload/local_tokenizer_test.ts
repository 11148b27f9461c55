import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../../lib/config/usage_error.ts";
import { loadLocalTokenizer } from "../../lib/workload/local_tokenizer.ts";
import { preparePrompts } from "../../lib/workload/prepare_prompts.ts";

const FIXTURE = new URL("../../fixtures/tokenizers/tiny-llama3/", import.meta.url).pathname;
const TOKENIZER_JSON = await Deno.readTextFile(join(FIXTURE, "tokenizer.json"));
const CONFIG_JSON = await Deno.readTextFile(join(FIXTURE, "tokenizer_config.json"));
const LENGTHS = [1000, 3000, 6000, 10000];

/** A temp model directory holding `files`; removed after `fn`. */
async function withModelDir(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function usageProblems(path: string): Promise<string[]> {
  try {
    await loadLocalTokenizer(path);
  } catch (err) {
    assert.ok(err instanceof UsageError, `UsageError, got ${err}`);
    return err.problems;
  }
  throw new Error(`loading "${path}" did not fail`);
}

Deno.test("the fixture tokenizer hits exactly 1k, 3k, 6k and 10k prompt tokens for chat and completions", async () => {
  const tok = await loadLocalTokenizer(FIXTURE);
  for (const endpoint of ["chat", "completions"] as const) {
    const lines: string[] = [];
    const book = await preparePrompts(
      { endpoint, seed: 5, request: { promptTokens: 1000 } },
      {
        baseUrl: "http://127.0.0.1:9/v1",
        model: "m",
        log: (l) => lines.push(l),
        tokenizer: tok,
        lengths: LENGTHS,
      },
    );
    assert.equal(book.mode, "local_tokenizer", lines.join("\n"));
    assert.equal(book.approximate, false);
    assert.match(
      lines.at(-1)!,
      /^prompt lengths exact: .* with the local tokenizer .*tokenizer\.json/,
    );
    const form = endpoint === "chat" ? "chat" : "prompt";
    for (const n of LENGTHS) {
      for (const i of [0, 3, 77, 4321]) {
        assert.equal(tok.countSync(book.promptFor(i, n), form), n, `${endpoint} ${n} #${i}`);
      }
    }
  }
});

Deno.test("a shared prefix and the Korean source are exact with the fixture tokenizer too", async () => {
  const tok = await loadLocalTokenizer(FIXTURE);
  const book = await preparePrompts(
    {
      endpoint: "chat",
      seed: 2,
      request: { promptTokens: 3000, sharedPrefixTokens: 1000, textSource: "korean" },
    },
    { baseUrl: "http://127.0.0.1:9/v1", model: "m", log: () => {}, tokenizer: tok },
  );
  assert.equal(book.mode, "local_tokenizer");
  const a = book.promptFor(1, 3000);
  const b = book.promptFor(2, 3000);
  assert.equal(tok.countSync(a, "chat"), 3000);
  assert.equal(tok.countSync(b, "chat"), 3000);
  assert.ok(/[\uac00-\ud7a3]/.test(a), "Hangul text");
  assert.notEqual(a, b);
});

Deno.test("counts follow vLLM: completions add the BOS, chat counts the rendered template without adding one", async () => {
  const tok = await loadLocalTokenizer(FIXTURE);
  assert.equal(tok.chatTemplate, "tokenizer_config.json");
  for (const text of ["time day way", "information government relationship", "시간 사람"]) {
    const raw = tok.countSync(text, "raw");
    assert.ok(raw >= 3);
    assert.equal(tok.countSync(text, "prompt"), raw + 1, "one BOS from the post-processor");
  }
  // <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n{text}<|eot_id|>
  // <|start_header_id|>assistant<|end_header_id|>\n\n: the same overhead whatever the text.
  const overhead = tok.countSync("time day way", "chat") - tok.countSync("time day way", "raw");
  assert.ok(overhead >= 9, `template overhead ${overhead}`);
  assert.equal(tok.countSync("시간 사람", "chat") - tok.countSync("시간 사람", "raw"), overhead);
  const rendered = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhello" +
    "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
  assert.equal(tok.countSync("hello", "chat"), tok.countSync(rendered, "raw"));
  assert.equal(tok.calls, 0, "countSync is not a calibration call");
  await tok.count("hello", "chat");
  assert.equal(tok.calls, 1);
});

Deno.test("the tokenizer.json file itself works, with its sibling config; chat_template.jinja wins", async () => {
  const tok = await loadLocalTokenizer(join(FIXTURE, "tokenizer.json"));
  assert.equal(tok.chatTemplate, "tokenizer_config.json");
  await withModelDir({
    "tokenizer.json": TOKENIZER_JSON,
    "tokenizer_config.json": CONFIG_JSON,
    "chat_template.jinja": "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}",
  }, async (dir) => {
    const t = await loadLocalTokenizer(dir);
    assert.equal(t.chatTemplate, "chat_template.jinja");
    assert.equal(t.countSync("time day", "chat"), t.countSync("time day", "raw") + 1);
  });
});

Deno.test("without a chat template chat counts the text only, warns once, and marks lengths approximate", async () => {
  await withModelDir({ "tokenizer.json": TOKENIZER_JSON }, async (dir) => {
    const tok = await loadLocalTokenizer(dir);
    assert.equal(tok.chatTemplate, null);
    assert.equal(tok.countSync("time day", "chat"), tok.countSync("time day", "raw"));
    const lines: string[] = [];
    const book = await preparePrompts(
      { endpoint: "chat", seed: 1, request: { promptTokens: 500 } },
      { baseUrl: "http://127.0.0.1:9/v1", model: "m", log: (l) => lines.push(l), tokenizer: tok },
    );
    const warnings = lines.filter((l) => l.startsWith("warning:"));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /no chat template/);
    assert.equal(book.mode, "local_tokenizer");
    assert.equal(book.approximate, true);
    assert.equal(tok.countSync(book.promptFor(9, 500), "chat"), 500);
    // Completions need no template: no warning, exact.
    const lines2: string[] = [];
    const book2 = await preparePrompts(
      { endpoint: "completions", seed: 1, request: { promptTokens: 500 } },
      { baseUrl: "http://127.0.0.1:9/v1", model: "m", log: (l) => lines2.push(l), tokenizer: tok },
    );
    assert.equal(book2.approximate, false);
    assert.ok(lines2.every((l) => !l.startsWith("warning:")));
  });
});

Deno.test("bad tokenizer paths are usage errors naming the path and what is expected", async () => {
  const missing = await usageProblems("/no/such/model-dir");
  assert.equal(missing.length, 1);
  assert.match(missing[0], /--tokenizer "\/no\/such\/model-dir": no such file or directory/);
  assert.match(missing[0], /tokenizer\.json/);

  await withModelDir({ "README.md": "weights elsewhere" }, async (dir) => {
    const p = await usageProblems(dir);
    assert.match(p[0], /holds no tokenizer\.json/);
    assert.ok(p[0].includes(dir));
  });
  await withModelDir(
    { "tokenizer.json": "{ not json", "tokenizer_config.json": "[1," },
    async (dir) => {
      const p = await usageProblems(dir);
      assert.equal(p.length, 2, "both files listed at once");
      assert.match(p[0], /tokenizer\.json" is not valid JSON/);
      assert.match(p[1], /tokenizer_config\.json" is not valid JSON/);
    },
  );
  await withModelDir({ "tokenizer.json": '{"version": "1.0"}' }, async (dir) => {
    const p = await usageProblems(dir);
    assert.match(p[0], /is not a Hugging Face tokenizer\.json \(no "model" object\)/);
  });
  await withModelDir({ "tokenizer.json": '{"model": {"type": "NoSuchModel"}}' }, async (dir) => {
    const p = await usageProblems(dir);
    assert.match(p[0], /cannot be loaded as a tokenizer/);
  });
  await withModelDir({
    "tokenizer.json": TOKENIZER_JSON,
    "tokenizer_config.json": JSON.stringify({
      chat_template: "{% for m in messages %}{{ m.content ",
    }),
  }, async (dir) => {
    const p = await usageProblems(dir);
    assert.match(p[0], /the chat template \(tokenizer_config\.json\) cannot be rendered/);
  });
});
