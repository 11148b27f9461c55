import assert from "node:assert/strict";
import { join } from "node:path";
import { runPlanner } from "../../lib/cli/agent_command.ts";
import type { AgentJob } from "../../lib/agent/mod.ts";
import { agentAt, allFiles, waitForStatus } from "../helpers/agent_client.ts";

const SECRET = "sk-sweep-SECRET";
// Short points against the in-process simulator (5 ms TTFT, 8 tokens 5 ms apart), no sampler.
const QUICK = [
  "--target",
  "sim",
  "--gpu-sampler",
  "off",
  "--metrics",
  "off",
  "--max-tokens",
  "8",
  "--prompt-tokens",
  "64",
  "--sim-ttft",
  "5ms",
  "--sim-itl",
  "5ms",
];

Deno.test("agent: a sweeping built-in scenario runs: live progress per point, every report format is the sweep's, requests.jsonl tags each record with its point; no file holds the key", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir);
  try {
    const reg = await call("POST", "/tests", {
      scenario: "concurrency",
      args: [...QUICK, "--requests", "6", "--api-key", SECRET],
    });
    assert.equal(reg.status, 201, reg.text);
    const id = reg.json().id;
    assert.equal(reg.json().test.kind, "sweep");
    assert.deepEqual(
      reg.json().test.parts.map((p: { label: string }) => p.label),
      ["concurrency=1", "concurrency=2", "concurrency=4", "concurrency=8"],
    );
    assert.equal((await call("POST", `/tests/${id}/start`)).status, 202);
    const seen: { status: string; point?: { index: number; of: number }; progress?: string }[] = [];
    const done = await waitForStatus(call, id, ["done", "failed", "cancelled"], seen);
    assert.equal(done.status, "done", JSON.stringify(done));
    const live = seen.filter((t) => t.status === "running" && t.point);
    assert.ok(live.length > 0, "a running sweep shows which point runs");
    for (const t of live) {
      assert.equal(t.point!.of, 4);
      assert.ok(t.progress!.startsWith(`point ${t.point!.index}/4 (concurrency=`), t.progress);
    }
    const order = live.map((t) => t.point!.index);
    assert.deepEqual(order, [...order].sort(), "points advance in order");

    const json = (await call("GET", `/tests/${id}/report?format=json`)).json();
    assert.deepEqual(json.points.map((p: { point: number }) => p.point), [1, 2, 3, 4]);
    for (const p of json.points) {
      assert.equal(p.request_num, 6);
      assert.equal(p.fail_rate, 0);
      assert.ok(p.TTFT.min <= p.TTFT.max);
      assert.equal(p.summary.requests.total, 6);
    }
    assert.equal(json.sweep.scenario, "concurrency");
    assert.equal(json.sweep.interrupted, false);
    assert.equal(json.sweep.points.length, 4);
    assert.deepEqual(
      json.points.map((p: { run_id: string }) => p.run_id),
      json.sweep.points.map((p: { run_id: string }) => p.run_id),
      "points matched to their runs",
    );
    const csv = await call("GET", `/tests/${id}/report?format=csv`);
    assert.equal(csv.status, 200);
    assert.equal(csv.text.trim().split("\n").length, 5, "a header and one row per point");
    assert.equal(csv.text, await Deno.readTextFile(join(done.run_dir, "sweep.csv")));
    const md = await call("GET", `/tests/${id}/report?format=md`);
    assert.equal(md.text, await Deno.readTextFile(join(done.run_dir, "report.md")));
    const html = await call("GET", `/tests/${id}/report?format=html`);
    assert.equal(html.text, await Deno.readTextFile(join(done.run_dir, "report.html")));

    const lines = (await call("GET", `/tests/${id}/requests.jsonl`)).text.trim().split("\n")
      .map((l) => JSON.parse(l));
    // 6 measured requests and the scenario's warm-up request per point.
    assert.equal(lines.filter((r) => r.phase !== "warmup").length, 24);
    for (const [i, p] of [1, 2, 3, 4].entries()) {
      const mine = lines.filter((r) => r.point === p);
      assert.equal(mine.filter((r) => r.phase !== "warmup").length, 6, `point ${p}`);
      assert.ok(mine.every((r) => r.point_label === `concurrency=${2 ** i}`));
    }
    for (const f of await allFiles(dir)) {
      assert.ok(!(await Deno.readTextFile(f)).includes(SECRET), `the API key is in ${f}`);
    }
  } finally {
    await agent.close();
  }
});

Deno.test("agent: cancel mid-sweep stops at the running point; the finished points and the stopped one are served", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir);
  try {
    // Bounded: 4 points of 3 s at most.
    const reg = await call("POST", "/tests", {
      scenario: "concurrency",
      args: [...QUICK, "--duration", "3s"],
    });
    const id = reg.json().id;
    await call("POST", `/tests/${id}/start`);
    for (let i = 0; i < 400; i++) {
      const t = (await call("GET", `/tests/${id}`)).json();
      if (t.point?.index === 2) break;
      assert.ok(["queued", "running"].includes(t.status), t.status);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await call("POST", `/tests/${id}/cancel`)).status, 202);
    const t = await waitForStatus(call, id, ["cancelled", "done", "failed"]);
    assert.equal(t.status, "cancelled", JSON.stringify(t));
    const json = (await call("GET", `/tests/${id}/report?format=json`)).json();
    assert.deepEqual(json.points.map((p: { point: number }) => p.point), [1, 2]);
    assert.equal(json.sweep.interrupted, true);
    const points = new Set(
      (await call("GET", `/tests/${id}/requests.jsonl`)).text.trim().split("\n")
        .map((l) => JSON.parse(l).point),
    );
    // Point 2 may be cancelled before its first request ended: then it has no records.
    assert.ok(points.has(1) && [...points].every((p) => p === 1 || p === 2), `${[...points]}`);
    assert.equal((await call("GET", `/tests/${id}/report?format=csv`)).status, 200);
    const runs = (await allFiles(t.run_dir)).filter((f) => f.endsWith("meta.json"));
    assert.equal(runs.length, 2, "no point started after the cancel");
  } finally {
    await agent.close();
  }
});

Deno.test("agent: multi-lora (a LoRA comparison) runs; reports per compared run", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir);
  try {
    const reg = await call("POST", "/tests", {
      scenario: "multi-lora",
      args: [...QUICK, "--requests", "8", "--sim-lora-load-time", "1ms"],
    });
    assert.equal(reg.status, 201, reg.text);
    const id = reg.json().id;
    assert.equal(reg.json().test.kind, "lora-compare");
    await call("POST", `/tests/${id}/start`);
    const t = await waitForStatus(call, id, ["done", "failed", "cancelled"]);
    assert.equal(t.status, "done", JSON.stringify(t));
    const json = (await call("GET", `/tests/${id}/report?format=json`)).json();
    assert.deepEqual(json.runs.map((r: { run: string }) => r.run), ["baseline", "multi"]);
    for (const r of json.runs) assert.equal(r.request_num, 8);
    assert.deepEqual(
      json.runs.map((r: { run_id: string }) => r.run_id),
      [json.comparison.run_ids.baseline, json.comparison.run_ids.multi],
    );
    const csv = (await call("GET", `/tests/${id}/report?format=csv`)).text.trim().split("\n");
    assert.equal(csv.length, 3);
    assert.ok(csv[0].startsWith("run,"));
    assert.ok(csv[1].startsWith("baseline,") && csv[2].startsWith("multi,"));
    for (const f of ["md", "html"]) {
      assert.equal((await call("GET", `/tests/${id}/report?format=${f}`)).status, 200, f);
    }
    const lines = (await call("GET", `/tests/${id}/requests.jsonl`)).text.trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((r) => r.run), [
      ...Array(8).fill("baseline"),
      ...Array(8).fill("multi"),
    ]);
  } finally {
    await agent.close();
  }
});

Deno.test("agent: a built-in scenario's hooks run through the agent, once around a run and once around a whole sweep", async () => {
  const dir = await Deno.makeTempDir();
  const calls: string[] = [];
  // Stands in for a built-in scenario with hooks (none ships one today): the planner is the
  // only way hooks reach a job; the API cannot carry them.
  const cli = runPlanner({});
  const plan = (scenario: string | undefined, args: string[]): AgentJob => ({
    ...cli(scenario, args),
    hooks: {
      setup: () => void calls.push(`setup ${scenario}`),
      teardown: () => void calls.push(`teardown ${scenario}`),
    },
  });
  const { agent, call } = await agentAt(dir, { plan });
  try {
    const run =
      (await call("POST", "/tests", { scenario: "smoke", args: [...QUICK, "--requests", "2"] }))
        .json().id;
    const sweep = (await call("POST", "/tests", {
      scenario: "concurrency",
      args: [...QUICK, "--requests", "2", "--warmup-requests", "1"],
    })).json().id;
    await call("POST", `/tests/${run}/start`);
    await call("POST", `/tests/${sweep}/start`);
    const a = await waitForStatus(call, run, ["done", "failed"]);
    const b = await waitForStatus(call, sweep, ["done", "failed"]);
    assert.equal(a.status, "done", JSON.stringify(a));
    assert.equal(b.status, "done", JSON.stringify(b));
    assert.deepEqual(calls, [
      "setup smoke",
      "teardown smoke",
      "setup concurrency",
      "teardown concurrency",
    ]);
    const meta = JSON.parse(await Deno.readTextFile(join(a.run_dir, "meta.json")));
    assert.equal(meta.hooks.setup.ok, true);
    assert.equal(meta.hooks.teardown.ok, true);
    const sweepJson = (await call("GET", `/tests/${sweep}/report?format=json`)).json().sweep;
    assert.equal(sweepJson.hooks.setup.ok, true);
    assert.equal(sweepJson.points.length, 4);
  } finally {
    await agent.close();
  }
});

Deno.test("agent: no registration can start a command or write outside the data dir: 400 with every problem", async () => {
  const dir = await Deno.makeTempDir();
  const marker = join(dir, "ran");
  const { agent, call } = await agentAt(dir);
  try {
    const bad = await call("POST", "/tests", {
      args: [
        ...QUICK,
        `--gpu-sampler=touch ${marker}`,
        "--prom-file",
        join(dir, "x.prom"),
        "--sim-truth-log",
        join(dir, "truth.jsonl"),
        "--gzip-records",
      ],
    });
    assert.equal(bad.status, 400, bad.text);
    const problems: string[] = bad.json().problems;
    assert.equal(problems.length, 4, bad.text);
    assert.ok(problems.some((p) => p.startsWith("--gzip-records")));
    assert.ok(problems.some((p) => p.startsWith("--gpu-sampler")));
    assert.ok(problems.some((p) => p.startsWith("--prom-file")));
    assert.ok(problems.some((p) => p.startsWith("--sim-truth-log")));
    const swept = await call("POST", "/tests", {
      scenario: "concurrency",
      args: [...QUICK, "--lora-mode", "compare", "--adapters", "a,b", "--baseline-adapter", "m"],
    });
    assert.equal(swept.status, 400, swept.text);
    assert.match(swept.text, /cannot be swept/);
    const variants = await call("POST", "/tests", {
      args: [...QUICK, "--server-cmd", `touch ${marker} {port}`, "--server-param", "a=1,2"],
    });
    assert.equal(variants.status, 400, variants.text);
    assert.equal(variants.json().problems.length, 2, variants.text);
    const ab = await call("POST", "/tests", {
      scenario: "chunked-prefill-ab",
      args: ["--url", "http://127.0.0.1:9/v1"],
    });
    assert.equal(ab.status, 400, ab.text);
    assert.match(ab.text, /starts its own server per variant/);
    assert.equal((await call("GET", "/tests")).json().tests.length, 0);
    assert.equal(await Deno.stat(marker).then(() => true, () => false), false);
  } finally {
    await agent.close();
  }
});

Deno.test("agent: --runners 2 warns that parallel tests disturb each other's numbers; one runner does not", async () => {
  for (const runners of [1, 2]) {
    const lines: string[] = [];
    const { agent } = await agentAt(await Deno.makeTempDir(), {
      runners,
      log: (l) => lines.push(l),
    });
    await agent.close();
    const warned = lines.some((l) =>
      /warning: --runners 2: .*disturb each other's numbers/.test(l)
    );
    assert.equal(warned, runners === 2, lines.join("\n"));
  }
});
