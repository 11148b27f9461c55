import assert from "node:assert/strict";
import { llmload as runCli } from "../helpers/llmload_cli.ts";
import { RUN_OPTIONS } from "../../lib/cli/run_args.ts";

const llmload = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

Deno.test("llmload --help and run --help list the commands and every run option", async () => {
  const top = await llmload(["--help"]);
  assert.deepEqual(top.code, 0);
  assert.match(top.stdout, /llmload run/);
  const run = await llmload(["run", "--help"]);
  assert.deepEqual(run.code, 0);
  for (
    const flag of [
      "--url",
      "--model",
      "--api-key",
      "--endpoint",
      "--concurrency",
      "--rate",
      "--arrival",
      "--burstiness",
      "--max-in-flight",
      "--duration",
      "--requests",
      "--warmup",
      "--warmup-requests",
      "--prompt-tokens",
      "--max-tokens",
      "--ignore-eos",
      "--seed",
      "--timeout",
      "--connect-timeout",
      "--ttft-timeout",
      "--out",
      "--target",
    ]
  ) {
    assert.ok(run.stdout.includes(flag), `run --help lacks ${flag}`);
  }
});

Deno.test("run --help is short and points to --all; help run --all (and run --help --all) has every option", async () => {
  const brief = await llmload(["run", "--help"]);
  assert.equal(brief.code, 0);
  const lines = brief.stdout.trimEnd().split("\n").length;
  assert.ok(lines <= 60, `run --help is ${lines} lines`);
  assert.match(brief.stdout, /llmload help run --all/);
  const all = await llmload(["help", "run", "--all"]);
  assert.equal(all.code, 0);
  assert.match(all.stdout, /^llmload run — /);
  assert.ok(all.stdout.length > brief.stdout.length);
  // Every flag the short text names, and every option llmload run takes, is in the full text.
  const flags = new Set([
    ...[...brief.stdout.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]).filter((f) =>
      f !== "--all"
    ),
    ...Object.keys(RUN_OPTIONS).map((k) => `--${k}`),
  ]);
  for (const flag of flags) assert.ok(all.stdout.includes(flag), `help run --all lacks ${flag}`);
  const same = await llmload(["run", "--help", "--all"]);
  assert.equal(same.code, 0);
  assert.equal(same.stdout, all.stdout);
});

Deno.test("a usage error exits 2 and names the bad flag, writing nothing", async () => {
  const out = await Deno.makeTempDir();
  const r = await llmload(["run", "--target", "sim", "--rate", "0", "--out", out]);
  assert.deepEqual(r.code, 2);
  assert.match(r.stderr, /--rate must be a number > 0 \(requests\/s\) \(got "0"\)/);
  assert.deepEqual([...Deno.readDirSync(out)].length, 0);
  const unknown = await llmload(["run", "--bogus"]);
  assert.deepEqual(unknown.code, 2);
  assert.match(unknown.stderr, /--bogus/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("an unreachable target exits 4 with the URL in the message", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const out = await Deno.makeTempDir();
  const r = await llmload([
    "run",
    "--url",
    `http://127.0.0.1:${port}/v1`,
    "--requests",
    "1",
    "--out",
    out,
  ]);
  assert.deepEqual(r.code, 4);
  assert.match(r.stderr, new RegExp(`127.0.0.1:${port}/v1/models`));
  await Deno.remove(out, { recursive: true });
});

Deno.test("run --target sim prints the summary table and the results path, exit 0", async () => {
  const out = await Deno.makeTempDir();
  const r = await llmload([
    "run",
    "--target",
    "sim",
    "--concurrency",
    "4",
    "--requests",
    "12",
    "--max-tokens",
    "8",
    "--out",
    out,
  ]);
  assert.deepEqual(r.code, 0, r.stderr);
  assert.match(r.stdout, /TTFT/);
  const path = r.stdout.match(/results: (.+)/)?.[1];
  assert.ok(path && path.startsWith(out), r.stdout);
  const files = [...Deno.readDirSync(path)].map((e) => e.name).sort();
  assert.deepEqual(files, [
    "client_health.jsonl",
    "meta.json",
    "report.html",
    "report.md",
    "requests.jsonl",
    "server_metrics.jsonl",
    "summary.csv",
    "summary.json",
    "verdict.json",
  ]);
  assert.match(
    r.stdout,
    /^server \/metrics \(\d+ samples?\): waiting peak \d+ · running peak \d+/m,
  );
  // Every run says whether the client itself kept up.
  assert.match(r.stdout, /^client (healthy|saturated: results after)/m);
  await Deno.remove(out, { recursive: true });
});

Deno.test("an error message that quotes a flag shows no secret: a bad --url's password is ***", async () => {
  const r = await runCli(["run", "--url", "http://user:hunter22@host:99999/v1", "--requests", "1"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /got "http:\/\/\*\*\*@host:99999\/v1"/);
  assert.ok(!r.stderr.includes("hunter22"), r.stderr);
});
