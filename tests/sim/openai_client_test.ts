import assert from "node:assert/strict";
import OpenAI from "openai";
import { type SimHandle, startSim } from "../../lib/sim/mod.ts";
import { countChatTokens, countTokens } from "../../lib/sim/tokenizer.ts";

// The official client against the simulator: what users of `llmload sim` will point at it.

async function withClient(fn: (client: OpenAI, sim: SimHandle) => Promise<void>): Promise<void> {
  const sim = await startSim({
    model: "sim-model",
    ttftMs: 2,
    ttftPerPromptTokenMs: 0,
    itlMs: 1,
    loraAdapters: ["sql-lora=/adapters/sql"],
  });
  // No retries: a failure must show as a failure, not as a slower pass.
  const client = new OpenAI({ baseURL: sim.baseUrl, apiKey: "sim", maxRetries: 0 });
  try {
    await fn(client, sim);
  } finally {
    await sim.close();
  }
}

const messages = [
  { role: "system" as const, content: "Be brief." },
  { role: "user" as const, content: "Name three rivers, please." },
];

Deno.test("openai client: non-streaming chat completion with usage", async () => {
  await withClient(async (client) => {
    const r = await client.chat.completions.create({
      model: "sim-model",
      messages,
      max_tokens: 8,
    });
    assert.equal(r.object, "chat.completion");
    assert.equal(r.model, "sim-model");
    const choice = r.choices[0];
    assert.equal(choice.message.role, "assistant");
    assert.ok(choice.finish_reason === "length" || choice.finish_reason === "stop");
    const text = choice.message.content ?? "";
    assert.ok(r.usage);
    assert.equal(r.usage.prompt_tokens, countChatTokens(messages));
    assert.equal(r.usage.completion_tokens, countTokens(text));
    assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  });
});

Deno.test("openai client: streaming chat yields one delta per token and a usage chunk", async () => {
  await withClient(async (client) => {
    const stream = await client.chat.completions.create({
      model: "sim-model",
      messages,
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
      // vLLM extension; the client passes unknown fields through.
      ...({ ignore_eos: true } as Record<string, unknown>),
    });
    let text = "";
    let deltas = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      assert.equal(chunk.object, "chat.completion.chunk");
      const choice = chunk.choices[0];
      if (choice?.delta?.content) {
        deltas++;
        text += choice.delta.content;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(deltas, 6);
    assert.equal(countTokens(text), 6);
    assert.equal(finish, "length");
    assert.deepEqual(usage, {
      prompt_tokens: countChatTokens(messages),
      total_tokens: countChatTokens(messages) + 6,
      completion_tokens: 6,
    });
  });
});

Deno.test("openai client: completions, streaming and not, report usage", async () => {
  await withClient(async (client) => {
    const prompt = "Once upon a time";
    const whole = await client.completions.create({ model: "sim-model", prompt, max_tokens: 5 });
    assert.equal(whole.object, "text_completion");
    assert.equal(whole.usage?.prompt_tokens, countTokens(prompt));
    assert.equal(whole.usage?.completion_tokens, countTokens(whole.choices[0].text));

    const stream = await client.completions.create({
      model: "sim-model",
      prompt,
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
      ...({ ignore_eos: true } as Record<string, unknown>),
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(countTokens(text), 4);
    assert.equal(usage?.completion_tokens, 4);
    assert.equal(usage?.prompt_tokens, countTokens(prompt));
  });
});

Deno.test("openai client: models list shows the adapter with its parent; adapter requests work", async () => {
  await withClient(async (client) => {
    const models = [];
    for await (const m of client.models.list()) models.push(m);
    assert.deepEqual(models.map((m) => m.id), ["sim-model", "sql-lora"]);
    const lora = models[1] as unknown as { parent: string; root: string };
    assert.equal(lora.parent, "sim-model");
    assert.equal(lora.root, "/adapters/sql");

    const r = await client.chat.completions.create({
      model: "sql-lora",
      messages,
      max_tokens: 3,
    });
    assert.equal(r.model, "sql-lora");

    await assert.rejects(
      () => client.chat.completions.create({ model: "no-such-lora", messages, max_tokens: 3 }),
      (e: unknown) => e instanceof OpenAI.NotFoundError && /no-such-lora/.test(e.message),
    );
  });
});
