import assert from "node:assert/strict";
import { parseRunArgs, redactSecrets } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

function problemsOf(args: string[]): string[] {
  try {
    parseRunArgs(args, {});
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  throw new Error(`expected a usage error for ${args.join(" ")}`);
}

Deno.test("defaults: closed loop of 1 user for 60 s against the local vLLM port", () => {
  const { plan } = parseRunArgs([], {});
  assert.deepEqual(plan.target.url, "http://127.0.0.1:8000/v1");
  assert.deepEqual(plan.load, { mode: "closed", concurrency: 1, rampMs: undefined });
  assert.deepEqual(plan.stop, { durationMs: 60_000, requests: undefined });
  assert.deepEqual(plan.endpoint, "chat");
});

Deno.test("environment supplies the URL and API key when flags do not", () => {
  const { plan } = parseRunArgs([], {
    OPENAI_BASE_URL: "http://127.0.0.1:9000/v1",
    OPENAI_API_KEY: "sk-env",
  });
  assert.deepEqual(plan.target.url, "http://127.0.0.1:9000/v1");
  assert.deepEqual(plan.target.apiKey, "sk-env");
});

Deno.test("open loop flags normalise into the plan; --requests alone means no duration", () => {
  const { plan } = parseRunArgs(
    [
      "--rate",
      "20",
      "--arrival",
      "gamma",
      "--burstiness",
      "0.5",
      "--max-in-flight",
      "64",
      "--requests",
      "400",
      "--warmup",
      "10s",
      "--timeout",
      "2m",
    ],
    {},
  );
  assert.deepEqual(plan.load, {
    mode: "open",
    rate: 20,
    arrival: "gamma",
    burstiness: 0.5,
    maxInFlight: 64,
    queue: false,
  });
  assert.deepEqual(plan.stop, { durationMs: undefined, requests: 400 });
  assert.deepEqual(plan.warmup.durationMs, 10_000);
  assert.deepEqual(plan.timeouts.requestMs, 120_000);
});

Deno.test("every bad value is reported at once, each naming its flag", () => {
  const problems = problemsOf([
    "--concurrency",
    "0",
    "--max-tokens",
    "ten",
    "--duration",
    "soon",
    "--endpoint",
    "embed",
  ]);
  assert.deepEqual(problems.length, 4, problems.join("\n"));
  for (const flag of ["--concurrency", "--max-tokens", "--duration", "--endpoint"]) {
    assert.ok(problems.some((p) => p.includes(flag)), `${flag} missing in ${problems}`);
  }
});

Deno.test("unknown flags and conflicting load modes are usage errors", () => {
  assert.ok(problemsOf(["--concurency", "4"])[0].includes("--concurency"));
  assert.ok(problemsOf(["--rate", "5", "--concurrency", "4"])[0].includes("cannot be combined"));
  assert.ok(problemsOf(["--max-in-flight", "4"])[0].includes("open loop only"));
  assert.ok(problemsOf(["--rate", "5", "--burstiness", "2"])[0].includes("--arrival gamma"));
  assert.ok(problemsOf(["--url", "ftp://x"])[0].includes("--url"));
  assert.ok(problemsOf(["--target", "gpu"])[0].includes("--target"));
  assert.throws(() => parseRunArgs(["extra"], {}), UsageError);
});

Deno.test("the API key is redacted from the recorded command line", () => {
  assert.deepEqual(redactSecrets(["--api-key", "sk-1", "--api-key=sk-2", "--rate", "1"]), [
    "--api-key",
    "***",
    "--api-key=***",
    "--rate",
    "1",
  ]);
  const { plan } = parseRunArgs(["--api-key", "sk-secret"], {});
  assert.ok(!plan.commandLine.join(" ").includes("sk-secret"));
});

Deno.test("prompt and output-length flags normalise into the plan", () => {
  const { plan } = parseRunArgs(
    [
      "--prompt-tokens",
      "3000",
      "--shared-prefix-tokens",
      "1000",
      "--text-source",
      "korean",
      "--output-tokens",
      "uniform:64-256",
    ],
    {},
  );
  assert.deepEqual(plan.request.sharedPrefixTokens, 1000);
  assert.deepEqual(plan.request.textSource, "korean");
  assert.deepEqual(plan.request.outputTokens, { shape: "uniform", min: 64, max: 256 });
  const defaults = parseRunArgs([], {}).plan.request;
  assert.deepEqual(defaults.sharedPrefixTokens, 0);
  assert.deepEqual(defaults.textSource, "english");
  assert.deepEqual(defaults.outputTokens, undefined);
});

Deno.test("bad prompt and output-length values are all reported at once, each with its fix", () => {
  const problems = problemsOf([
    "--prompt-tokens",
    "100",
    "--shared-prefix-tokens",
    "100",
    "--text-source",
    "/no/such/file.txt",
    "--output-tokens",
    "normal:abc",
    "--max-tokens",
    "5",
  ]);
  assert.deepEqual(problems.length, 4, problems.join("\n"));
  assert.ok(problems.some((p) => p.includes("--shared-prefix-tokens must be fewer")));
  assert.ok(problems.some((p) => p.includes("--text-source must be english, korean or")));
  assert.ok(problems.some((p) => p.includes("--output-tokens must be N, uniform:MIN-MAX")));
  assert.ok(problems.some((p) => p.includes("cannot be combined")));
  assert.ok(problemsOf(["--shared-prefix-tokens=-1"])[0].includes("a whole number ≥ 0"));
  assert.ok(problemsOf(["--output-tokens", "uniform:9-3"])[0].includes("MIN ≤ MAX"));
});
