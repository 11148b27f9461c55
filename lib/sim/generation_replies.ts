/**
 * A generation request's response once it is accepted: the SSE stream that writes each token's
 * event when the engine says it is due ({@link streamResponse}), or the whole JSON body sent
 * when the last token is produced ({@link wholeResponse}).
 */

import type { Engine } from "./engine.ts";
import { completionBody, createStreamEncoder, errorBody } from "./openai_shapes.ts";
import type { GenerationRequest } from "./openai_requests.ts";
import type { FaultTimers, StreamFaults } from "./faults.ts";
import { createTokenStream } from "./fault_stream.ts";
import { jsonReply, type SimReply } from "./sim_reply.ts";

// timeOrigin is fixed for the process; read once, not per token.
const TIME_ORIGIN = performance.timeOrigin;
/** Wall-clock-comparable ms (see TruthEntry). */
export const now = (): number => TIME_ORIGIN + performance.now();

export interface StreamContext {
  engine: Engine;
  request: GenerationRequest;
  id: string;
  created: number;
  tokens: number;
  finishReason: "length" | "stop";
  nextWord: () => number;
  /** Output tokens per SSE event (the last may hold fewer). */
  chunkTokens: number;
  /** Chat streams: the first N output tokens are reasoning (`delta.reasoning_content`). */
  reasoningTokens: number;
  /** Stream faults of this response (streaming only). */
  faults: StreamFaults | undefined;
  /** Non-streaming: cut the body with a reset fault. */
  resetBody: boolean;
  timers: FaultTimers;
  /** The first token went out at `at` (wall-clock-comparable ms). */
  first: (at: number) => void;
  /** Called exactly once per request, when it ends. */
  truth: (tokenTimes: number[], status: number, finishReason: string) => void;
}

export function streamResponse(ctx: StreamContext, headers: Record<string, string>): SimReply {
  const { request } = ctx;
  const encoder = createStreamEncoder(request.endpoint, {
    id: ctx.id,
    model: request.model,
    created: ctx.created,
    promptTokens: request.promptTokens,
    finishReason: ctx.finishReason,
    includeUsage: request.includeUsage,
    continuousUsage: request.continuousUsage,
    reasoningTokens: ctx.reasoningTokens,
  });
  const tokenTimes: number[] = [];
  let ended = false;
  const end = (finishReason: string) => {
    if (ended) return;
    ended = true;
    ctx.truth(tokenTimes, 200, finishReason);
  };

  let cancel = () => {};
  const out = createTokenStream(ctx.faults, {
    sent(index) {
      const at = now();
      if (tokenTimes.length === 0) ctx.first(at);
      // An event carrying several tokens sends them all at once: one time per token.
      while (tokenTimes.length <= index) tokenTimes.push(at);
    },
    done: () => end(ctx.finishReason),
    cut() {
      // An injected reset: the client is gone as far as the engine is concerned.
      cancel();
      end("abort");
    },
    cancelled() {
      // The client went away: stop generating for it.
      cancel();
      end("abort");
    },
  }, ctx.timers);
  const missingDone = ctx.faults?.missingDone === true;
  /** Words waiting for their multi-token event (`chunkTokens` > 1). */
  let pending: number[] = [];
  cancel = ctx.engine.submit(
    seqSpec(ctx),
    {
      onToken(index, last) {
        const word = ctx.nextWord();
        let bytes: Uint8Array;
        if (ctx.chunkTokens === 1) bytes = encoder.token(word, index, last);
        else {
          pending.push(word);
          if (pending.length < ctx.chunkTokens && !last) return;
          bytes = encoder.tokens(pending, index, last);
          pending = [];
        }
        if (index < ctx.chunkTokens) bytes = joinBytes(encoder.preamble(), bytes);
        const epilogue = last ? encoder.epilogue(index + 1, { done: !missingDone }) : undefined;
        out.token(index, bytes, epilogue);
      },
      onAbort() {
        end("abort");
        // End without [DONE] so clients see a truncated stream. (controller.error would make
        // Deno print the error for every open stream at shutdown.)
        out.abort();
      },
    },
  ).cancel;
  return {
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8", ...headers },
    stream: out.body,
  };
}

// Non-streaming requests run to completion even if the client leaves: the only disconnect
// signal before a response exists is `req.signal`, whose use makes Deno 2.9 print a warning
// about its legacy abort behaviour. Streams (the load-test path) do stop on disconnect.
export function wholeResponse(
  ctx: StreamContext,
  headers: Record<string, string>,
  text: string,
): Promise<SimReply> {
  const { request } = ctx;
  const tokenTimes: number[] = [];
  return new Promise((resolve) => {
    ctx.engine.submit(
      seqSpec(ctx),
      {
        onToken(index, last) {
          const at = now();
          tokenTimes.push(at);
          if (index === 0) ctx.first(at);
          if (!last) return;
          ctx.truth(tokenTimes, 200, ctx.finishReason);
          const meta = { id: ctx.id, model: request.model, created: ctx.created };
          const result = {
            text,
            finishReason: ctx.finishReason,
            promptTokens: request.promptTokens,
            completionTokens: ctx.tokens,
          };
          const body = completionBody(request.endpoint, meta, result);
          const reply = jsonReply(200, body, headers);
          // A reset cuts the body halfway (see FaultOptions.reset).
          if (ctx.resetBody) reply.cutAt = Math.max(1, reply.body!.length >> 1);
          resolve(reply);
        },
        onAbort(reason) {
          ctx.truth(tokenTimes, 503, "abort");
          resolve(jsonReply(503, errorBody(503, reason), headers));
        },
      },
    );
  });
}

function joinBytes(first: Uint8Array | null, rest: Uint8Array): Uint8Array {
  if (!first) return rest;
  const out = new Uint8Array(first.length + rest.length);
  out.set(first);
  out.set(rest, first.length);
  return out;
}

/** What the engine schedules for a generation request, streamed or whole. */
function seqSpec(ctx: StreamContext) {
  const { request } = ctx;
  return {
    promptTokens: request.promptTokens,
    outputTokens: ctx.tokens,
    promptTokenIds: request.promptTokenIds,
    finishReason: ctx.finishReason,
    ...(request.adapter === undefined ? {} : { adapter: request.adapter }),
  };
}
