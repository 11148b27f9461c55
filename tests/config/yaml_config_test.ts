import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../../lib/config/usage_error.ts";
import { loadYamlConfig, parseYamlConfigText } from "../../lib/config/yaml_config.ts";

const FIXTURE = new URL("../../fixtures/configs", import.meta.url).pathname;

/** Writes `files` into a fresh temp dir, runs `fn` on it, removes it. */
async function withConfigDir(files: Record<string, string>, fn: (dir: string) => void) {
  const dir = await Deno.makeTempDir({ prefix: "llmload_cfg_" });
  try {
    for (const [name, text] of Object.entries(files)) Deno.writeTextFileSync(join(dir, name), text);
    fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e.problems;
  }
  assert.fail("expected a UsageError");
}

Deno.test("the example config directory loads every target, model and workload in file order", () => {
  const config = loadYamlConfig(FIXTURE);
  assert.deepEqual(config.files.map((f) => f.split("/").at(-1)), [
    "targets.yaml",
    "models.yaml",
    "workloads.yaml",
  ]);
  assert.deepEqual(config.targets.map((t) => t.value.name), ["vllm-local", "vllm-gpu-box"]);
  assert.deepEqual(config.targets[1].value.api_key_env, "GPU_BOX_API_KEY");
  assert.deepEqual(config.targets[1].path, "targets[1]");
  assert.deepEqual(config.models[0].value, {
    name: "llama-3.1-8b",
    full_name: "meta-llama/Meta-Llama-3.1-8B-Instruct",
  });
  assert.deepEqual(config.workloads.map((w) => w.value.name), [
    "low-load",
    "medium-load",
    "high-load",
    "stress-test",
    "smoke-ish",
  ]);
  assert.deepEqual(config.workloads[1].value.duration, "5m");
  assert.deepEqual(config.workloads[0].value.duration, 300);
});

Deno.test("every validation problem of every file is listed at once with file, path and value", async () => {
  await withConfigDir({
    "targets.yaml": [
      "targets:",
      "  - name: a",
      "    base_url: localhost:8000",
      "    api_key_env: 1BAD",
      "  - base_url: http://x/v1",
      "    colour: red",
    ].join("\n"),
    "models.yaml": "models:\n  - name: m\n  - name: m\n    full_name: other\n",
    "workloads.yaml": [
      "workloads:",
      "  - name: ok",
      "    rps: 5",
      "  - name: bad",
      "    rps: -1",
      "    concurrency: 2.5",
      "    duration: soon",
      "    arrival: bursty",
      "extra: true",
    ].join("\n"),
  }, (dir) => {
    const t = join(dir, "targets.yaml");
    const m = join(dir, "models.yaml");
    const w = join(dir, "workloads.yaml");
    assert.deepEqual(problemsOf(() => loadYamlConfig(dir)), [
      `${t}: targets[0].base_url: must be an http(s) URL such as http://localhost:8000/v1 (got "localhost:8000")`,
      `${t}: targets[0].api_key_env: must be the name of an environment variable, e.g. VLLM_API_KEY (got "1BAD")`,
      `${t}: targets[1].name: must be a non-empty string`,
      `${t}: targets[1].colour: unknown key`,
      `${m}: models[1].name: must be unique (got "m", also models[0])`,
      `${w}: workloads[1].duration: must be seconds > 0 (e.g. 300) or a duration like "30s", "5m" (got "soon")`,
      `${w}: workloads[1].rps: must be > 0 (requests/s) (got -1)`,
      `${w}: workloads[1].concurrency: must be a whole number > 0 (got 2.5)`,
      `${w}: workloads[1].arrival: must be one of constant, poisson, gamma (got "bursty")`,
      `${w}: extra: unknown key (expected targets, models, workloads)`,
    ]);
  });
});

Deno.test("a YAML syntax error names the file, line and column", () => {
  const { problems } = parseYamlConfigText(
    "workloads:\n  - name: a\n    rps: [1, 2\n  - name: b\n",
    "configs/workloads.yaml",
  );
  assert.ok(problems.length >= 1);
  assert.match(problems[0], /^configs\/workloads\.yaml:\d+:\d+: YAML syntax error: \S/);
  assert.doesNotMatch(problems[0], /\n/);
  const dup = parseYamlConfigText("models:\n  - name: a\n    name: b\n", "m.yaml").problems;
  assert.match(dup[0], /^m\.yaml:3:5: YAML syntax error: .*unique/i);
});

Deno.test("a literal api_key is refused without echoing it; EMPTY and empty are accepted", () => {
  const bad = parseYamlConfigText(
    "targets:\n  - name: a\n    base_url: http://h/v1\n    api_key: sk-live-123\n",
    "t.yaml",
  ).problems;
  assert.equal(bad.length, 1);
  assert.match(bad[0], /^t\.yaml: targets\[0\]\.api_key: .*api_key_env/);
  assert.doesNotMatch(bad[0], /sk-live-123/);
  for (const literal of ['"EMPTY"', '""']) {
    const ok = parseYamlConfigText(
      `targets:\n  - name: a\n    base_url: http://h/v1\n    api_key: ${literal}\n`,
      "t.yaml",
    );
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.config.targets.length, 1);
  }
});

Deno.test("one file may hold targets, models and workloads; a name clash across files is reported", async () => {
  const all = [
    "targets: [{ name: t, base_url: 'http://127.0.0.1:9/v1' }]",
    "models: [{ name: m }]",
    "workloads: [{ name: w, duration: 10, concurrency: 3 }]",
  ].join("\n");
  await withConfigDir({ "all.yaml": all }, (dir) => {
    const config = loadYamlConfig(join(dir, "all.yaml"));
    assert.deepEqual(
      [config.targets.length, config.models.length, config.workloads.length],
      [1, 1, 1],
    );
    assert.deepEqual(config.models[0].value, { name: "m" });
  });
  await withConfigDir({
    "targets.yaml": "targets: [{ name: t, base_url: 'http://a/v1' }]\n",
    "models.yml": "targets: [{ name: t, base_url: 'http://b/v1' }]\n",
  }, (dir) => {
    assert.deepEqual(problemsOf(() => loadYamlConfig(dir)), [
      `${join(dir, "models.yml")}: targets[0].name: must be unique (got "t", also ` +
      `${join(dir, "targets.yaml")}: targets[0])`,
    ]);
  });
});

Deno.test("a missing path or a directory without config files is a usage error", async () => {
  assert.match(problemsOf(() => loadYamlConfig("/nonexistent/cfg"))[0], /no such file/);
  await withConfigDir({ "other.yaml": "a: 1\n" }, (dir) => {
    assert.match(problemsOf(() => loadYamlConfig(dir))[0], /no targets\.yaml, models\.yaml/);
  });
  const scalar = parseYamlConfigText("just text\n", "x.yaml").problems;
  assert.match(scalar[0], /^x\.yaml: must be a mapping/);
});
