/**
 * Issue 20, reasoning streams: a scripted stream of `delta.reasoning_content` (or
 * `delta.reasoning`) events, then `delta.content` events. The record counts the reasoning tokens
 * apart and stamps the first answer token; TTFT stays the first token of any kind. Over both
 * transports, with and without the chunk-template fast path.
 */
import assert from "node:assert/strict";
import { sendRequest } from "../../lib/client/stream_client.ts";
import { createSocketTransport } from "../../lib/client/socket_transport.ts";
import { createStreamState, interpretChunk } from "../../lib/client/chunk.ts";
import type { Transport } from "../../lib/client/transport.ts";
import type { Job } from "../../lib/client/types.ts";
import { requestMetrics } from "../../lib/metrics/per_request.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";

/** One SSE event: `delta` is the chat delta, or null for a usage-only chunk. */
interface Step {
  delta: Record<string, unknown> | null;
  /** Wait this long before writing it, ms. */
  delayMs?: number;
  finish?: string;
  usage?: Record<string, unknown>;
}

/** A loopback server answering every request with `steps` as a chat stream, then `[DONE]`. */
function scriptedStream(steps: Step[]): Deno.HttpServer<Deno.NetAddr> & { baseUrl: string } {
  const enc = new TextEncoder();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.text();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (const step of steps) {
          if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
          const chunk: Record<string, unknown> = {
            id: "chatcmpl-reasoning",
            object: "chat.completion.chunk",
            model: "m",
            choices: step.delta === null
              ? []
              : [{ index: 0, delta: step.delta, finish_reason: step.finish ?? null }],
          };
          if (step.usage) chunk.usage = step.usage;
          controller.enqueue(enc.encode(`data: ${JSON.stringify(chunk)}\n\n`));
        }
        controller.enqueue(enc.encode("data: [DONE]\n\n"));
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  return Object.assign(server, { baseUrl: `http://127.0.0.1:${server.addr.port}/v1` });
}

const JOB: Job = {
  index: 0,
  phase: "measure",
  scheduledAt: 0,
  spec: { endpoint: "chat", model: "m", prompt: "Why?", maxTokens: 64 },
};

async function send(steps: Step[], transport: Transport | undefined): Promise<RequestRecord> {
  const server = scriptedStream(steps);
  try {
    return await sendRequest(JOB, {
      baseUrl: server.baseUrl,
      timeoutMs: 10_000,
      origin: performance.now(),
      ...(transport ? { transport } : {}),
    });
  } finally {
    await server.shutdown();
  }
}

function clientTest(name: string, fn: (transport: Transport | undefined) => Promise<void>) {
  Deno.test(`${name} [fetch]`, () => fn(undefined));
  Deno.test(`${name} [socket]`, async () => {
    using transport = createSocketTransport();
    await fn(transport);
  });
}

/** Role chunk, `n` reasoning events under `key`, a pause, then `answer` content events. */
function thinkingStream(key: string, n: number, answer: number, pauseMs: number): Step[] {
  const steps: Step[] = [{ delta: { role: "assistant", content: "" } }];
  for (let i = 0; i < n; i++) steps.push({ delta: { [key]: ` think${i}` }, delayMs: 2 });
  for (let i = 0; i < answer; i++) {
    steps.push({
      delta: { content: ` word${i}` },
      delayMs: i === 0 ? pauseMs : 2,
      ...(i === answer - 1 ? { finish: "stop" } : {}),
    });
  }
  return steps;
}

clientTest(
  "reasoning_content deltas then content: reasoning tokens counted apart, TTFAT after TTFT",
  async (t) => {
    const steps = thinkingStream("reasoning_content", 6, 3, 40);
    steps.push({
      delta: null,
      usage: { prompt_tokens: 4, completion_tokens: 9, total_tokens: 13 },
    });
    const r = await send(steps, t);
    assert.equal(r.error, undefined);
    assert.equal(r.outputTokens, 9);
    assert.equal(r.reasoningTokens, 6);
    assert.equal(r.tokenTimes.length, 9);
    assert.ok(r.firstAnswerAt !== undefined);
    assert.equal(r.firstAnswerAt, r.tokenTimes[6], "the first content event");
    const m = requestMetrics(r);
    assert.ok(m.ttfatMs! > m.ttftMs!, `ttfat ${m.ttfatMs} > ttft ${m.ttftMs}`);
    assert.ok(m.ttfatMs! - m.ttftMs! >= 30, `the 40 ms pause shows: ${m.ttfatMs! - m.ttftMs!}`);
  },
);

clientTest("delta.reasoning (newer vLLM) counts the same way, without usage too", async (t) => {
  const r = await send(thinkingStream("reasoning", 4, 2, 20), t);
  assert.equal(r.error, undefined);
  assert.equal(r.reasoningTokens, 4);
  assert.equal(r.firstAnswerAt, r.tokenTimes[4]);
});

clientTest(
  "usage completion_tokens_details.reasoning_tokens wins over the counted events",
  async (t) => {
    const steps = thinkingStream("reasoning_content", 3, 2, 5);
    steps.push({
      delta: null,
      usage: {
        prompt_tokens: 4,
        completion_tokens: 12,
        completion_tokens_details: { reasoning_tokens: 10 },
      },
    });
    const r = await send(steps, t);
    assert.equal(r.outputTokens, 12);
    assert.equal(r.reasoningTokens, 10);
  },
);

clientTest("a stream with no reasoning has no reasoning fields", async (t) => {
  const r = await send(thinkingStream("reasoning_content", 0, 4, 0), t);
  assert.equal(r.error, undefined);
  assert.equal(r.outputTokens, 4);
  assert.equal("reasoningTokens" in r, false);
  assert.equal("firstAnswerAt" in r, false);
  assert.equal(requestMetrics(r).ttfatMs, undefined);
});

clientTest(
  "reasoning that never reaches an answer: tokens counted, no first answer time",
  async (t) => {
    const steps = thinkingStream("reasoning_content", 5, 0, 0);
    steps.push({ delta: { reasoning_content: " cut" }, finish: "length" });
    const r = await send(steps, t);
    assert.equal(r.reasoningTokens, 6);
    assert.equal(r.firstAnswerAt, undefined);
  },
);

Deno.test("interpretChunk marks reasoning-only events; content or tool calls beside reasoning are the answer", () => {
  const state = createStreamState();
  const chunk = (delta: unknown) => ({ choices: [{ index: 0, delta }] });
  assert.equal(interpretChunk(chunk({ reasoning_content: "hm" }), state), 1);
  assert.equal(state.reasoningEvent, true);
  assert.equal(interpretChunk(chunk({ reasoning: "hm" }), state), 1);
  assert.equal(state.reasoningEvent, true);
  assert.equal(interpretChunk(chunk({ reasoning_content: "hm", content: "A" }), state), 1);
  assert.equal(state.reasoningEvent, false);
  assert.equal(interpretChunk(chunk({ reasoning: "", tool_calls: [{ id: "x" }] }), state), 1);
  assert.equal(state.reasoningEvent, false);
  assert.equal(interpretChunk(chunk({ reasoning_content: "" }), state), 0);
  interpretChunk({
    choices: [],
    usage: { completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 5 } },
  }, state);
  assert.equal(state.usageReasoningTokens, 5);
});
