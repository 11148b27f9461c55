import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { startSim } from "../../lib/sim/mod.ts";
import { startScriptedServer } from "../helpers/scripted_server.ts";

const quietIo = { log: () => {}, isTty: false, quiet: true };
const SAMPLING_FLAGS = [
  "--temperature",
  "0.7",
  "--top-p",
  "0.9",
  "--top-k",
  "40",
  "--min-p",
  "0.05",
  "--presence-penalty=-0.5",
  "--frequency-penalty",
  "0.25",
  "--repetition-penalty",
  "1.1",
  "--stop-sequence",
  "END",
  "--stop-sequence",
  "STOP",
  "--request-seed",
  "7",
];
const SENT = {
  temperature: 0.7,
  top_p: 0.9,
  top_k: 40,
  min_p: 0.05,
  presence_penalty: -0.5,
  frequency_penalty: 0.25,
  repetition_penalty: 1.1,
  stop: ["END", "STOP"],
  seed: 7,
};

Deno.test("sampling flags reach the server in every chat and completions body, and meta.json", async () => {
  await using server = startScriptedServer();
  const out = await Deno.makeTempDir();
  try {
    for (const endpoint of ["chat", "completions"]) {
      const { plan } = parseRunArgs([
        "--url",
        server.baseUrl,
        "--model",
        "m",
        "--endpoint",
        endpoint,
        "--requests",
        "3",
        "--prompt-tokens",
        "16",
        "--out",
        out,
        ...SAMPLING_FLAGS,
      ], {});
      const outcome = await runBenchmark(plan, quietIo);
      assert.deepEqual(outcome.summary.requests.ok, 3);
      const meta = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json")));
      assert.deepEqual(meta.request.sampling, SENT);
    }
    const generation = server.requests.filter((r) => r.path.endsWith("completions"));
    assert.deepEqual(generation.length, 6);
    for (const r of generation) {
      const picked = Object.fromEntries(Object.keys(SENT).map((k) => [k, r.body?.[k]]));
      assert.deepEqual(picked, SENT, r.path);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("without sampling flags no sampling field is sent and meta.json records null", async () => {
  await using server = startScriptedServer();
  const out = await Deno.makeTempDir();
  try {
    const { plan } = parseRunArgs(
      ["--url", server.baseUrl, "--model", "m", "--requests", "1", "--out", out],
      {},
    );
    const outcome = await runBenchmark(plan, quietIo);
    const body = server.requests.find((r) => r.path.endsWith("completions"))?.body ?? {};
    for (const k of Object.keys(SENT)) assert.ok(!(k in body), `${k} not sent`);
    const meta = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json")));
    assert.deepEqual(meta.request.sampling, null);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the simulator accepts every sampling parameter, as vLLM does", async () => {
  const sim = await startSim({ seed: 1 });
  const out = await Deno.makeTempDir();
  try {
    for (const endpoint of ["chat", "completions"]) {
      const { plan } = parseRunArgs([
        "--url",
        sim.baseUrl,
        "--endpoint",
        endpoint,
        "--requests",
        "2",
        "--max-tokens",
        "4",
        "--out",
        out,
        ...SAMPLING_FLAGS,
      ], {});
      const outcome = await runBenchmark(plan, quietIo);
      assert.deepEqual(outcome.summary.requests.ok, 2, endpoint);
      assert.deepEqual(outcome.summary.requests.failed, 0, endpoint);
    }
  } finally {
    await sim.close();
    await Deno.remove(out, { recursive: true });
  }
});
