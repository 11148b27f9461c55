import assert from "node:assert/strict";
import { describeServer, modelsFromBody } from "../../lib/telemetry/server_record.ts";
import { startSim } from "../../lib/sim/mod.ts";

Deno.test("describeServer on its own (as sysinfo calls it) asks /version, /v1/models and /metrics itself", async () => {
  const sim = await startSim({ seed: 1, loraAdapters: ["sql=/w/sql"] });
  try {
    const record = await describeServer(sim.baseUrl, { apiKey: "secret-key" });
    assert.match(record.version!, /llmload\.sim/);
    // Like vLLM, an adapter's entry has no max_model_len: it is its base model's.
    assert.deepEqual(record.models, [
      {
        id: "sim-llama-8b",
        max_model_len: 32768,
        owned_by: "vllm",
        root: "sim-llama-8b",
        parent: null,
      },
      { id: "sql", max_model_len: null, owned_by: "vllm", root: "/w/sql", parent: "sim-llama-8b" },
    ]);
    assert.equal(record.engine?.cache_config_info.block_size, "16");
    assert.deepEqual(record.metrics, {
      url: sim.baseUrl.replace(/\/v1$/, "/metrics"),
      available: true,
      problem: null,
    });
    assert.ok(!JSON.stringify(record).includes("secret-key"), "the key is never recorded");
  } finally {
    await sim.close();
  }
});

Deno.test("describeServer never throws: an unreachable server gives nulls and says why", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now
  const record = await describeServer(`http://127.0.0.1:${port}/v1`);
  assert.deepEqual(
    { ...record, metrics: { ...record.metrics, problem: undefined } },
    {
      version: null,
      models: null,
      engine: null,
      headers: {},
      metrics: { url: `http://127.0.0.1:${port}/metrics`, available: false, problem: undefined },
    },
  );
  assert.match(record.metrics.problem!, /failed/);
});

Deno.test("modelsFromBody keeps OpenAI model entries and nulls what a server leaves out", () => {
  assert.deepEqual(modelsFromBody({ data: [{ id: "m" }, { nope: 1 }] }), [
    { id: "m", max_model_len: null, owned_by: null, root: null, parent: null },
  ]);
  assert.equal(modelsFromBody({ object: "error" }), null);
  assert.equal(modelsFromBody(undefined), null);
});
