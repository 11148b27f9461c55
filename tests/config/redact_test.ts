import assert from "node:assert/strict";
import {
  redactArgv,
  redactKnown,
  redactText,
  redactUrl,
  secretsInArgv,
} from "../../lib/config/redact.ts";

Deno.test("redactText: every secret-looking value hidden, the rest kept", () => {
  const cases: [string, string][] = [
    ["http://user:pass@host:8000/v1", "http://***@host:8000/v1"],
    ["https://tok@example.com/v1?x=1#f", "https://***@example.com/v1?x=1#f"],
    ["http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"],
    ["--url=http://a:b@h/v1", "--url=http://***@h/v1"],
    [
      "vllm serve m --api-key sk-abc123456789 --port 8000",
      "vllm serve m --api-key *** --port 8000",
    ],
    ["serve --api-key=xyz --port 1", "serve --api-key=*** --port 1"],
    ["serve --token 'a b' --password \"p w\" x", "serve --token *** --password *** x"],
    ["srv --secret s1 --hf-token hf_abc", "srv --secret *** --hf-token ***"],
    [
      "HF_TOKEN=hf_1 OPENAI_API_KEY=k PASSWORD=p AWS_SECRET=s cmd",
      "HF_TOKEN=*** OPENAI_API_KEY=*** PASSWORD=*** AWS_SECRET=*** cmd",
    ],
    ["-H 'Authorization: Bearer abc.def'", "-H 'Authorization: Bearer ***'"],
    ['{"authorization": "Basic dXNlcjpwdw=="}', '{"authorization": "Basic ***"}'],
    ["key is sk-proj-AbCdEf123456 ok", "key is sk-*** ok"],
    // Not secrets: llmload's own flags that end in "tokens", a bare `token=` in prose.
    [
      "--max-tokens 8 --prompt-tokens=32 --tokenizer t.json",
      "--max-tokens 8 --prompt-tokens=32 --tokenizer t.json",
    ],
    ["token=visible in a note", "token=visible in a note"],
    ["task-12345678 and risk-abcdefghij", "task-12345678 and risk-abcdefghij"],
    ["", ""],
  ];
  for (const [input, want] of cases) assert.equal(redactText(input), want, input);
});

Deno.test("redactText is idempotent and reports what it hid", () => {
  const found: string[] = [];
  const once = redactText("http://u:pw@h --api-key=k1 X_TOKEN=t1 sk-0123456789ab", found);
  assert.deepEqual(found, ["u:pw", "k1", "t1", "sk-0123456789ab"]);
  const again: string[] = [];
  assert.equal(redactText(once, again), once);
  assert.deepEqual(again, []);
});

Deno.test("redactUrl hides the userinfo and keeps the rest", () => {
  assert.equal(redactUrl("http://alice:s3cr3t@10.0.0.1:9000/v1"), "http://***@10.0.0.1:9000/v1");
  assert.equal(redactUrl("http://10.0.0.1:9000/v1"), "http://10.0.0.1:9000/v1");
});

Deno.test("redactArgv: flag values, secret tags, and commands given as one word", () => {
  const cases: [string[], string[]][] = [
    [["--api-key", "sk-1", "--api-key=sk-2", "--rate", "1"], [
      "--api-key",
      "***",
      "--api-key=***",
      "--rate",
      "1",
    ]],
    [["--token", "t", "--password", "p", "--secret", "s"], [
      "--token",
      "***",
      "--password",
      "***",
      "--secret",
      "***",
    ]],
    [["--tag", "hf_token=abc", "--tag=DB_PASSWORD=x", "--tag", "tp=2"], [
      "--tag",
      "hf_token=***",
      "--tag=DB_PASSWORD=***",
      "--tag",
      "tp=2",
    ]],
    [["--url", "http://a:b@h/v1"], ["--url", "http://***@h/v1"]],
    [["--server-cmd", "vllm serve m --api-key sk-zzzzzzzzzz --port {port}"], [
      "--server-cmd",
      "vllm serve m --api-key *** --port {port}",
    ]],
    [["--max-tokens", "8"], ["--max-tokens", "8"]],
  ];
  for (const [input, want] of cases) assert.deepEqual(redactArgv(input), want, input.join(" "));
});

Deno.test("secretsInArgv finds the values; redactKnown scrubs them from another's output", () => {
  const argv = ["srv", "--token", "plain123", "--api-key=sk-abcdefghij", "--port", "8000"];
  const secrets = secretsInArgv(argv);
  assert.deepEqual(secrets, ["plain123", "sk-abcdefghij"]);
  assert.equal(
    redactKnown("loaded token plain123 and key sk-abcdefghij on 8000", secrets),
    "loaded token *** and key *** on 8000",
  );
  // A very short value would blank unrelated text: only patterns apply to it.
  assert.equal(redactKnown("port 1 of 12", ["1"]), "port 1 of 12");
});
