import assert from "node:assert/strict";
import { agentCommand } from "../../lib/cli/agent_command.ts";
import { agentAt, allFiles, waitForStatus as waitFor } from "../helpers/agent_client.ts";

const SECRETS = ["sk-live-SECRET-one", "hf_SECRET_two"];
// Each run: a few requests against the in-process simulator, no GPU sampler.
const QUICK = ["--target", "sim", "--gpu-sampler", "off", "--metrics", "off", "--max-tokens", "8"];

Deno.test("agent: /health is open, every other route needs the bearer token", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir);
  try {
    assert.equal((await call("GET", "/health", undefined, "")).status, 200);
    assert.equal((await call("GET", "/tests", undefined, "")).status, 401);
    assert.equal((await call("GET", "/tests", undefined, "wrong")).status, 401);
    assert.equal((await call("POST", "/tests", { scenario: "x" }, "")).status, 401);
    assert.equal((await call("GET", "/tests")).status, 200);
  } finally {
    await agent.close();
  }
});

Deno.test("agent: a non-loopback address without a token is a usage error (exit 2)", async () => {
  const io = { out: () => {}, err: () => {}, env: {}, help: "" };
  await assert.rejects(
    () => agentCommand(["--listen", "0.0.0.0:18999", "--data-dir", "/nonexistent"], io),
    (e: Error) => /not a loopback address/.test(e.message),
  );
});

Deno.test("agent: a bad registration is a 400 listing every problem, the CLI's parser's too", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir);
  try {
    const seed = await call("POST", "/tests", {
      url: 3,
      dataset_config: { func: "lambda t: int(t / 0.1 + 1) if t < 60 else None" },
      kwargs: { temperature: 0.9, frobnicate: 1 },
      endpoint_type: "grpc",
    });
    assert.equal(seed.status, 400);
    const problems: string[] = seed.json().problems;
    assert.equal(problems.length, 4, seed.text);
    assert.ok(problems.some((p) => p.includes("func is code and is never evaluated")));
    assert.ok(problems.some((p) => p.includes("frobnicate")));
    assert.ok(problems.some((p) => p.includes("endpoint_type")));
    assert.ok(problems.some((p) => p.startsWith("url")));

    const flags = await call("POST", "/tests", {
      args: [...QUICK, "--requests=-3", "--temperature=-1"],
    });
    assert.equal(flags.status, 400);
    assert.ok(flags.json().problems.length >= 2, flags.text);

    const file = await call("POST", "/tests", { scenario: "./evil.ts" });
    assert.equal(file.status, 400);
    assert.match(file.text, /never a file path/);
    const out = await call("POST", "/tests", { args: ["--out", "/etc"] });
    assert.equal(out.status, 400);
    assert.equal((await call("GET", "/tests")).json().tests.length, 0, "nothing registered");
  } finally {
    await agent.close();
  }
});

Deno.test("agent: a seed-shaped registration runs and its report has the seed's fields; secrets never show", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir);
  const seen: string[] = [];
  try {
    const reg = await call("POST", "/tests", {
      target: "sim",
      api_key: SECRETS[0],
      dataset_name: "synthesizer",
      endpoint_type: "vllm",
      requests: 4,
      dataset_config: {
        random_seed: 1234,
        rate: {
          shape: "piecewise",
          points: [{ t: 0, rate: 20 }, { t: 5, rate: 40 }, { t: 10, rate: 0 }],
        },
      },
      kwargs: {
        temperature: 0.9,
        top_p: 1,
        max_tokens: 16,
        skip_idle_min: 20,
        time_step: 0.01,
        request_timeout: 60,
        hf_auth_key: SECRETS[1],
      },
    });
    seen.push(reg.text);
    assert.equal(reg.status, 201, reg.text);
    const id = reg.json().id;
    assert.ok(reg.json().test.args.includes("--rate-stages"));
    assert.equal(
      reg.json().test.args[reg.json().test.args.indexOf("--rate-stages") + 1],
      "5s@20,5s@40",
    );
    const start = await call("POST", `/tests/${id}/start`);
    seen.push(start.text);
    assert.equal(start.status, 202);
    const done = await waitFor(call, id, ["done", "failed"]);
    assert.equal(done.status, "done", JSON.stringify(done));
    const report = await call("GET", `/tests/${id}/report?format=json`);
    seen.push(report.text);
    const r = report.json();
    assert.equal(r.request_num, 4);
    assert.equal(r.fail_rate, 0);
    for (const k of ["TTFT", "TPOT"]) {
      assert.deepEqual(Object.keys(r[k]).sort(), ["avg", "max", "min", "std"]);
      assert.ok(r[k].min <= r[k].avg && r[k].avg <= r[k].max, k);
      assert.ok(r[k].std >= 0);
    }
    assert.ok("SLO" in r);
    assert.ok(r.Throughput > 0);
    assert.equal(r.summary.requests.total, 4);
    for (const format of ["md", "html", "csv"]) {
      const res = await call("GET", `/tests/${id}/report?format=${format}`);
      assert.equal(res.status, 200, format);
      seen.push(res.text);
    }
    const jsonl = await call("GET", `/tests/${id}/requests.jsonl`);
    assert.equal(jsonl.text.trim().split("\n").length, 4);
    seen.push(jsonl.text, (await call("GET", "/tests")).text);
    for (const text of seen) for (const s of SECRETS) assert.ok(!text.includes(s), s);
    for (const f of await allFiles(dir)) {
      const bytes = await Deno.readTextFile(f);
      for (const s of SECRETS) assert.ok(!bytes.includes(s), `${s} in ${f}`);
    }
    assert.equal((await call("DELETE", `/tests/${id}`)).status, 200);
    assert.equal((await call("GET", `/tests/${id}`)).status, 404);
  } finally {
    await agent.close();
  }
});

Deno.test("agent: one runner runs tests in start order, one at a time; cancel stops a running test", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir);
  try {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const reg = await call("POST", "/tests", { args: [...QUICK, "--requests", "3"] });
      ids.push(reg.json().id);
    }
    // A long one (bounded: 20 s at most) to cancel once it runs.
    const long = (await call("POST", "/tests", {
      args: [...QUICK, "--rate", "2", "--duration", "20s"],
    })).json().id;
    for (const id of [ids[2], ids[0], ids[1], long]) {
      assert.equal((await call("POST", `/tests/${id}/start`)).status, 202);
    }
    await waitFor(call, long, ["running"]);
    // Live progress while it runs (redrawn every 250 ms).
    for (let i = 0; i < 100; i++) {
      if ((await call("GET", `/tests/${long}`)).json().progress) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match((await call("GET", `/tests/${long}`)).json().progress, /\d/);
    assert.equal((await call("POST", `/tests/${long}/cancel`)).status, 202);
    const cancelled = await waitFor(call, long, ["cancelled", "done", "failed"]);
    assert.equal(cancelled.status, "cancelled");
    const order = [ids[2], ids[0], ids[1]].map((id) => (call("GET", `/tests/${id}`)));
    const tests = await Promise.all(order).then((rs) => rs.map((r) => r.json()));
    for (const t of tests) assert.equal(t.status, "done");
    for (let i = 1; i < tests.length; i++) {
      assert.ok(tests[i].started_at >= tests[i - 1].ended_at, "one at a time, in start order");
    }
  } finally {
    await agent.close();
  }
});

Deno.test("agent: limits: 413 for a large body, 429 beyond the registration rate, oldest finished pruned", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir, {
    maxBodyBytes: 1000,
    registrationsPerMinute: 3,
    maxTests: 2,
  });
  try {
    const big = await call("POST", "/tests", { args: ["--tag", `x=${"a".repeat(2000)}`] });
    assert.equal(big.status, 413);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const reg = await call("POST", "/tests", { args: [...QUICK, "--requests", "1"] });
      assert.equal(reg.status, 201);
      ids.push(reg.json().id);
    }
    assert.equal((await call("POST", "/tests", { args: QUICK })).status, 429);
    // Two cancelled (finished) tests and one registered: the oldest finished one goes.
    await call("POST", `/tests/${ids[0]}/cancel`);
    await call("POST", `/tests/${ids[1]}/cancel`);
    await call("POST", `/tests/${ids[2]}/start`);
    await waitFor(call, ids[2], ["done"]);
    const left = (await call("GET", "/tests")).json().tests.map((t: { id: string }) => t.id);
    assert.deepEqual(left, [ids[1], ids[2]]);
  } finally {
    await agent.close();
  }
});

Deno.test("agent: secrets in run flags (--api-key, a secret-named --tag) are shown as *** and never stored", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir);
  try {
    const reg = await call("POST", "/tests", {
      scenario: "smoke",
      args: [
        ...QUICK,
        "--requests",
        "2",
        "--api-key",
        SECRETS[0],
        "--tag",
        `hf_token=${SECRETS[1]}`,
      ],
    });
    assert.equal(reg.status, 201, reg.text);
    const id = reg.json().id;
    await call("POST", `/tests/${id}/start`);
    const done = await waitFor(call, id, ["done", "failed"]);
    assert.equal(done.status, "done", JSON.stringify(done));
    const texts = [
      reg.text,
      JSON.stringify(done),
      (await call("GET", "/tests")).text,
      (await call("GET", `/tests/${id}/report?format=md`)).text,
      (await call("GET", `/tests/${id}/report?format=json`)).text,
    ];
    assert.ok(texts[0].includes("hf_token=***"));
    for (const t of texts) for (const s of SECRETS) assert.ok(!t.includes(s), s);
    for (const f of await allFiles(dir)) {
      const text = await Deno.readTextFile(f);
      for (const s of SECRETS) assert.ok(!text.includes(s), `${s} in ${f}`);
    }
  } finally {
    await agent.close();
  }
});

Deno.test("agent: `llmload agent --listen 0.0.0.0:PORT` without a token exits 2; --help exits 0", async () => {
  const { main } = await import("../../lib/cli/main.ts");
  if (Deno.env.get("LLMLOAD_AGENT_TOKEN")) return; // a token set in the environment allows it
  assert.equal(await main(["agent", "--listen", "0.0.0.0:18998", "--runners", "0"]), 2);
  assert.equal(await main(["agent", "--help"]), 0);
});
