/**
 * Fault injection for the simulator's generation endpoints (`/v1/chat/completions`,
 * `/v1/completions`; no other route ever gets a fault). Each fault has a rate in [0, 1]: the
 * fraction of generation requests that get it.
 *
 * Draws are deterministic: one seeded PRNG per simulator, and every generation request takes
 * the same fixed number of draws, in the order requests reach the handler, whatever the rates
 * and whatever happens to the request afterwards. Same seed and same request order, same faults.
 * (Concurrent requests reach the handler in network order, so only their order is not fixed.)
 *
 * Stream faults happen "after token p": right after the SSE event carrying output token p
 * (0-based; p drawn uniformly among the request's output tokens), so the client has always
 * seen at least one token, and "after the last token" is still before the usage chunk and
 * `[DONE]`. Several stream faults can hit one response; a reset ends it, so faults placed after
 * the reset never show.
 */

import { createRng, hashString } from "./text_source.ts";

/** A fault that holds the response back for `ms` milliseconds with probability `rate`. */
export interface DelayFault {
  /** Fraction of generation requests, in [0, 1]. */
  rate: number;
  /** Delay in ms (>= 0). */
  ms: number;
}

/** Fault rates; every field optional, absent = 0. */
export interface FaultOptions {
  /**
   * HTTP 500 instead of a response. Symptom: status 500, JSON body
   * `{"error": {"message", "type": "InternalServerError", "param": null, "code": 500}}`.
   * The request never reaches the engine. `http500 + http503 + http429` must be <= 1 (at most
   * one status fault per request).
   */
  http500?: number;
  /**
   * HTTP 503. Symptom: status 503, body type `ServiceUnavailableError`, and a `retry-after`
   * header when {@link retryAfterS} is set.
   */
  http503?: number;
  /**
   * HTTP 429. Symptom: status 429, body type `TooManyRequestsError`, and a `retry-after`
   * header when {@link retryAfterS} is set.
   */
  http429?: number;
  /** Seconds sent in `retry-after` on injected 429 and 503 responses (integer >= 0); absent: no header. */
  retryAfterS?: number;
  /**
   * Connection reset. Symptom (streaming): status 200 and the events up to and including token
   * p's arrive, then the connection is dropped without HTTP's end-of-body marker: the client's
   * body read fails (Deno's fetch: `TypeError: error reading a body from connection`); no
   * finish_reason, usage or `[DONE]`. Non-streaming: status 200 headers, then the body fails
   * the same way after part of the JSON. The engine stops generating for the request.
   */
  reset?: number;
  /**
   * Stall. Symptom (streaming only): after token p's event no byte arrives for `ms`; events
   * the engine produced meanwhile then arrive back to back (one inter-token gap of about `ms`,
   * then a burst). Nothing is lost.
   */
  stall?: DelayFault;
  /**
   * Malformed SSE line. Symptom (streaming only): after token p's event one extra event block
   * whose only line has no `data:` prefix: {@link MALFORMED_SSE_LINE}. A spec-compliant SSE
   * parser ignores it (an unknown field); a client that expects only `data:` lines sees garbage.
   * All token events still arrive.
   */
  malformedSse?: number;
  /**
   * Invalid JSON. Symptom (streaming only): after token p's event one extra `data:` event whose
   * payload is truncated JSON ({@link INVALID_JSON_EVENT}); `JSON.parse` of it throws. All
   * token events still arrive.
   */
  invalidJson?: number;
  /**
   * Missing `[DONE]`. Symptom (streaming only): the stream ends cleanly (complete HTTP body)
   * after the final chunk (and the usage chunk when asked for) but without `data: [DONE]`.
   */
  missingDone?: number;
  /**
   * Slow response headers. Symptom: status line and headers arrive `ms` later than they would
   * (measured from when the request body was read); the whole response shifts by `ms`.
   * Applies to streaming and non-streaming requests, and to refusals.
   */
  slowHeaders?: DelayFault;
}

/** Fault names as used in ground-truth entries (the {@link FaultOptions} keys). */
export type FaultName =
  | "http500"
  | "http503"
  | "http429"
  | "reset"
  | "stall"
  | "malformedSse"
  | "invalidJson"
  | "missingDone"
  | "slowHeaders";

/** The extra event inserted by the `malformedSse` fault. */
export const MALFORMED_SSE_LINE = '{"object":"sim.fault","detail":"SSE line without data: prefix"}';

/** The extra event inserted by the `invalidJson` fault (payload cut off mid-object). */
export const INVALID_JSON_EVENT = 'data: {"object":"sim.fault","choices":[{"index":0,"delta":{"con';

/** What the injector decided for one request (positions as fractions, see {@link streamFaults}). */
export interface FaultDraw {
  /** Injected HTTP error status, if any. */
  status?: 500 | 503 | 429;
  /** Delay before response headers, ms (0: none). */
  slowHeadersMs: number;
  /** Where each stream fault falls, as a fraction in [0, 1) of the output; absent: no fault. */
  reset?: number;
  stall?: number;
  malformedSse?: number;
  invalidJson?: number;
  missingDone: boolean;
}

/** Stream faults of one response, placed on its output tokens. */
export interface StreamFaults {
  /** Token index after whose event the connection is cut. */
  resetAfter?: number;
  /** Token index after whose event the stream pauses for `stallMs`. */
  stallAfter?: number;
  stallMs: number;
  /** Token index after whose event the malformed line is inserted. */
  malformedAfter?: number;
  /** Token index after whose event the invalid-JSON event is inserted. */
  invalidJsonAfter?: number;
  missingDone: boolean;
}

/** Draws each generation request's faults, in request order. */
export interface FaultInjector {
  draw(): FaultDraw;
}

// Draws per request, fixed so a request's faults never depend on the rates of other faults.
const DRAWS_PER_REQUEST = 11;

/** Lists every problem with fault options (empty when valid). */
export function faultProblems(options: FaultOptions): string[] {
  const problems: string[] = [];
  const rate = (name: string, r: unknown) => {
    if (r !== undefined && !(typeof r === "number" && r >= 0 && r <= 1)) {
      problems.push(`faults.${name} must be a rate in [0, 1] (got ${JSON.stringify(r)})`);
    }
  };
  const delay = (name: string, d: DelayFault | undefined) => {
    if (d === undefined) return;
    rate(`${name}.rate`, d.rate);
    if (!(typeof d.ms === "number" && Number.isFinite(d.ms) && d.ms >= 0)) {
      problems.push(`faults.${name}.ms must be >= 0 (got ${JSON.stringify(d.ms)})`);
    }
  };
  for (const k of ["http500", "http503", "http429", "reset"] as const) rate(k, options[k]);
  for (const k of ["malformedSse", "invalidJson", "missingDone"] as const) rate(k, options[k]);
  delay("stall", options.stall);
  delay("slowHeaders", options.slowHeaders);
  const statusSum = (options.http500 ?? 0) + (options.http503 ?? 0) + (options.http429 ?? 0);
  if (statusSum > 1 + 1e-9) {
    problems.push(`faults.http500 + http503 + http429 must be <= 1 (got ${statusSum})`);
  }
  const ra = options.retryAfterS;
  if (ra !== undefined && !(Number.isInteger(ra) && ra >= 0)) {
    problems.push(`faults.retryAfterS must be an integer >= 0 (got ${JSON.stringify(ra)})`);
  }
  return problems;
}

/**
 * Creates the injector for `options` (validated with {@link faultProblems}); `seed` is the
 * simulator's seed, so runs with the same seed inject the same faults into the same requests.
 */
export function createFaultInjector(options: FaultOptions, seed: number): FaultInjector {
  const rng = createRng(hashString("llmload.sim.faults", seed));
  const r500 = options.http500 ?? 0;
  const r503 = options.http503 ?? 0;
  const r429 = options.http429 ?? 0;
  // A rate of 1 must always fire and 0 never: rng() is in [0, 1), so `u < rate` does both.
  const hit = (u: number, rate: number | undefined) => u < (rate ?? 0);
  return {
    draw() {
      const u = Array.from({ length: DRAWS_PER_REQUEST }, rng);
      const status = u[0] < r500
        ? 500
        : u[0] < r500 + r503
        ? 503
        : u[0] < r500 + r503 + r429
        ? 429
        : undefined;
      const draw: FaultDraw = {
        slowHeadersMs: hit(u[1], options.slowHeaders?.rate) ? options.slowHeaders!.ms : 0,
        missingDone: hit(u[2], options.missingDone),
      };
      if (status !== undefined) draw.status = status;
      if (hit(u[3], options.reset)) draw.reset = u[4];
      if (hit(u[5], options.stall?.rate)) draw.stall = u[6];
      if (hit(u[7], options.malformedSse)) draw.malformedSse = u[8];
      if (hit(u[9], options.invalidJson)) draw.invalidJson = u[10];
      return draw;
    },
  };
}

/** Places a draw's stream faults on a response of `tokens` output tokens (>= 1). */
export function streamFaults(draw: FaultDraw, tokens: number, stallMs: number): StreamFaults {
  const at = (f: number | undefined) =>
    f === undefined ? undefined : Math.min(tokens - 1, Math.floor(f * tokens));
  return {
    resetAfter: at(draw.reset),
    stallAfter: at(draw.stall),
    stallMs,
    malformedAfter: at(draw.malformedSse),
    invalidJsonAfter: at(draw.invalidJson),
    missingDone: draw.missingDone,
  };
}

/**
 * Names of the faults a draw actually applies to a request: stream-only faults do not apply to
 * non-streaming responses, a status fault replaces everything but slow headers, and stream
 * faults placed after a reset (on a response of `tokens` output tokens) never happen.
 */
export function appliedFaults(
  draw: FaultDraw,
  options: { stream: boolean; tokens: number },
): FaultName[] {
  const names: FaultName[] = [];
  if (draw.slowHeadersMs > 0) names.push("slowHeaders");
  if (draw.status !== undefined) {
    names.push(`http${draw.status}`);
    return names;
  }
  if (draw.reset !== undefined) names.push("reset");
  if (!options.stream) return names;
  const f = streamFaults(draw, options.tokens, 0);
  const cut = f.resetAfter ?? Infinity;
  if (f.stallAfter !== undefined && f.stallAfter < cut) names.push("stall");
  if (f.malformedAfter !== undefined && f.malformedAfter <= cut) names.push("malformedSse");
  if (f.invalidJsonAfter !== undefined && f.invalidJsonAfter <= cut) names.push("invalidJson");
  if (draw.missingDone && cut === Infinity) names.push("missingDone");
  return names;
}

/** vLLM-style message of each injected status. */
export const FAULT_MESSAGES: Record<500 | 503 | 429, string> = {
  500: "Internal server error (injected by the simulator).",
  503: "The server is overloaded; try again later (injected by the simulator).",
  429: "Too many requests; try again later (injected by the simulator).",
};

/** The error thrown into a response body to reset its connection (see {@link FaultOptions.reset}). */
export class SimulatedReset extends Error {
  constructor() {
    super("simulated connection reset (fault injection)");
    this.name = "SimulatedReset";
  }
}

/**
 * Timers of pending faults (stalls, slow headers), so the simulator can cancel them all when it
 * closes: each timer's `onClose` runs instead of its callback.
 */
export class FaultTimers {
  #live = new Map<ReturnType<typeof setTimeout>, () => void>();

  /** Runs `fn` after `ms`; `onClose` instead if {@link closeAll} comes first. Returns a canceller. */
  after(ms: number, fn: () => void, onClose: () => void = () => {}): () => void {
    const id = setTimeout(() => {
      this.#live.delete(id);
      fn();
    }, ms);
    this.#live.set(id, onClose);
    return () => {
      clearTimeout(id);
      this.#live.delete(id);
    };
  }

  /** Resolves after `ms`, or as soon as {@link closeAll} runs. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve, resolve));
  }

  /** Clears every pending timer and runs its `onClose`. */
  closeAll(): void {
    const pending = [...this.#live];
    this.#live.clear();
    for (const [id, onClose] of pending) {
      clearTimeout(id);
      onClose();
    }
  }
}
