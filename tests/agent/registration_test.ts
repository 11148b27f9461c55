import assert from "node:assert/strict";
import { mapRegistration, redactArgs } from "../../lib/agent/registration.ts";

Deno.test("registration: scenario/args shape keeps flags and finds their secrets", () => {
  const mapped = mapRegistration({
    name: "nightly",
    scenario: "chat-short",
    args: ["--api-key", "sk-1", "--tag", "hf_token=hf-2", "--tag=team=infra", "--requests", "4"],
  });
  assert.deepEqual(mapped, {
    ok: {
      scenario: "chat-short",
      args: ["--api-key", "sk-1", "--tag", "hf_token=hf-2", "--tag=team=infra", "--requests", "4"],
      secrets: ["sk-1", "hf-2"],
      name: "nightly",
    },
  });
  if (!("ok" in mapped)) return;
  assert.deepEqual(redactArgs(mapped.ok.args, mapped.ok.secrets), [
    "--api-key",
    "***",
    "--tag",
    "hf_token=***",
    "--tag=team=infra",
    "--requests",
    "4",
  ]);
});

Deno.test("registration: the seed's shape becomes run flags", () => {
  assert.deepEqual(
    mapRegistration({
      url: "http://127.0.0.1:8000/v1",
      model: "m",
      api_key: "sk-3",
      dataset_name: "synthesizer",
      endpoint_type: "vllm",
      requests: 10,
      duration: 30,
    }),
    {
      ok: {
        args: [
          "--url",
          "http://127.0.0.1:8000/v1",
          "--model",
          "m",
          "--api-key",
          "sk-3",
          "--endpoint",
          "chat",
          "--requests",
          "10",
          "--duration",
          "30s",
        ],
        secrets: ["sk-3"],
        name: undefined,
      },
    },
  );
});

Deno.test("registration: every problem is listed, in order", () => {
  assert.deepEqual(mapRegistration([]), { problems: ["the body must be a JSON object"] });
  assert.deepEqual(
    mapRegistration({ name: 3, scenario: "../x.yaml", args: ["--out", "/"], x: 1 }),
    {
      problems: [
        "name must be a string",
        'unknown key "x" (with scenario/args only name is allowed)',
        "scenario must be a built-in scenario name (see `llmload scenarios`), never a file path",
        "args: --out is not allowed here (the agent chooses where results go)",
      ],
    },
  );
  assert.deepEqual(mapRegistration({ name: "n", endpoint_type: "grpc", foo: 1 }), {
    problems: [
      'unknown key "foo" (known: name, url, model, target, api_key, dataset_name, endpoint_type, dataset_config, kwargs, requests, duration)',
      'give url (the server\'s OpenAI base URL) or target ("sim")',
      "endpoint_type must be vllm, openai, chat or completions",
    ],
  });
});
