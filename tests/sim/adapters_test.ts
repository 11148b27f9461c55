import assert from "node:assert/strict";
import {
  adapterSpecProblems,
  createAdapterRegistry,
  parseAdapterSpec,
} from "../../lib/sim/adapters.ts";
import { createSimApp, type SimHandle, startSim, type TruthEntry } from "../../lib/sim/mod.ts";

// ---- the registry (pure) ----

Deno.test("adapter specs parse as name=path or name alone", () => {
  assert.deepEqual(parseAdapterSpec("sql=/loras/sql"), { name: "sql", path: "/loras/sql" });
  assert.deepEqual(parseAdapterSpec("chat"), { name: "chat", path: "/sim/loras/chat" });
  assert.deepEqual(adapterSpecProblems(["a", "b=/x"], "base"), []);
  assert.equal(adapterSpecProblems(["a", "a=/y", "=/z", "base"], "base").length, 3);
  assert.throws(() => createSimApp({ loraAdapters: ["x", "x"] }), /twice/);
});

Deno.test("registry loads, refuses duplicates and missing fields, and unloads like vLLM", () => {
  let t = 1000;
  const reg = createAdapterRegistry(["first=/p/first"], { baseModel: "base", now: () => t++ });
  assert.deepEqual(reg.list(), [{ name: "first", path: "/p/first", created: 1000 }]);
  assert.deepEqual(reg.load("second", "/p/second"), {
    ok: true,
    message: "Success: LoRA adapter 'second' added successfully.",
  });
  assert.ok(reg.has("second"));
  const dup = reg.load("second", "/elsewhere");
  assert.ok(!dup.ok && dup.status === 400 && dup.type === "InvalidUserInput");
  assert.match(dup.message, /'second' has already been loaded/);
  for (const [name, path] of [["", "/p"], ["x", ""], [undefined, "/p"], ["x", 3]]) {
    const r = reg.load(name, path);
    assert.ok(!r.ok && r.status === 400, JSON.stringify([name, path]));
  }
  assert.ok(!reg.load("base", "/p").ok, "the base model's name is not an adapter name");
  assert.deepEqual(reg.unload("first"), {
    ok: true,
    message: "Success: LoRA adapter 'first' removed successfully.",
  });
  const gone = reg.unload("first");
  assert.ok(!gone.ok && gone.status === 404 && gone.type === "NotFoundError");
  assert.ok(!reg.unload(undefined).ok);
  assert.deepEqual(reg.list().map((a) => a.name), ["second"]);
});

// ---- over HTTP ----

async function withSim(
  options: Parameters<typeof startSim>[0],
  fn: (sim: SimHandle, root: string) => Promise<void>,
) {
  const sim = await startSim({ ttftMs: 1, ttftPerPromptTokenMs: 0, itlMs: 1, ...options });
  try {
    await fn(sim, sim.baseUrl.replace(/\/v1$/, ""));
  } finally {
    await sim.close();
  }
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function modelCards(sim: SimHandle) {
  const body = await (await fetch(sim.baseUrl + "/models")).json();
  return body.data as { id: string; parent: string | null; root: string; max_model_len: number }[];
}

Deno.test("GET /v1/models lists the base model, then each adapter with parent and root", async () => {
  await withSim(
    { model: "base-m", maxModelLen: 2048, loraAdapters: ["a1=/l/a1", "a2"] },
    async (sim) => {
      const cards = await modelCards(sim);
      assert.deepEqual(
        cards.map((c) => [c.id, c.parent, c.root, c.max_model_len]),
        [
          ["base-m", null, "base-m", 2048],
          ["a1", "base-m", "/l/a1", null],
          ["a2", "base-m", "/sim/loras/a2", null],
        ],
      );
    },
  );
});

Deno.test("runtime load/unload over HTTP: text on success, vLLM errors otherwise", async () => {
  const truth: TruthEntry[] = [];
  await withSim({ model: "base-m", truthLog: (e) => truth.push(e) }, async (sim, root) => {
    const chat = (model: string) =>
      postJson(sim.baseUrl + "/chat/completions", {
        model,
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 2,
      });
    const before = await chat("new-lora");
    assert.equal(before.status, 404);
    assert.match((await before.json()).error.message, /new-lora/);

    const load = await postJson(root + "/v1/load_lora_adapter", {
      lora_name: "new-lora",
      lora_path: "/adapters/new",
    });
    assert.equal(load.status, 200);
    assert.equal(await load.text(), "Success: LoRA adapter 'new-lora' added successfully.");
    assert.deepEqual((await modelCards(sim)).map((c) => [c.id, c.parent]), [
      ["base-m", null],
      ["new-lora", "base-m"],
    ]);

    const again = await postJson(root + "/v1/load_lora_adapter", {
      lora_name: "new-lora",
      lora_path: "/adapters/new",
    });
    assert.equal(again.status, 400);
    const againBody = await again.json();
    assert.equal(againBody.error.code, 400);
    assert.match(againBody.error.message, /already been loaded/);

    const missing = await postJson(root + "/v1/load_lora_adapter", { lora_name: "x" });
    assert.equal(missing.status, 400);
    await missing.body?.cancel();

    const used = await chat("new-lora");
    assert.equal(used.status, 200);
    assert.equal((await used.json()).model, "new-lora");

    const unload = await postJson(root + "/v1/unload_lora_adapter", { lora_name: "new-lora" });
    assert.equal(unload.status, 200);
    assert.equal(await unload.text(), "Success: LoRA adapter 'new-lora' removed successfully.");
    const unloadAgain = await postJson(root + "/v1/unload_lora_adapter", {
      lora_name: "new-lora",
    });
    assert.equal(unloadAgain.status, 404);
    assert.equal((await unloadAgain.json()).error.type, "NotFoundError");

    const after = await chat("new-lora");
    assert.equal(after.status, 404);
    await after.body?.cancel();

    const wrongMethod = await fetch(root + "/v1/load_lora_adapter");
    assert.equal(wrongMethod.status, 405);
    await wrongMethod.body?.cancel();
  });
  assert.deepEqual(truth.map((e) => e.status), [404, 200, 404]);
});

Deno.test("a streamed request for an adapter echoes the adapter name in every chunk", async () => {
  await withSim({ loraAdapters: ["tone"] }, async (sim) => {
    const res = await postJson(sim.baseUrl + "/completions", {
      model: "tone",
      prompt: "x",
      max_tokens: 3,
      stream: true,
    });
    const text = await res.text();
    const chunks = text.split("\n\n").filter((b) => b.startsWith("data: {"));
    assert.equal(chunks.length, 3);
    assert.ok(chunks.every((b) => JSON.parse(b.slice(6)).model === "tone"));
  });
});
