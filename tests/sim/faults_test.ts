import assert from "node:assert/strict";
import { createParser } from "eventsource-parser";
import {
  createSimApp,
  type SimHandle,
  type SimOptions,
  startSim,
  type TruthEntry,
} from "../../lib/sim/mod.ts";
import {
  appliedFaults,
  createFaultInjector,
  type FaultOptions,
  faultProblems,
  INVALID_JSON_EVENT,
  MALFORMED_SSE_LINE,
  streamFaults,
} from "../../lib/sim/faults.ts";

// ---- helpers: raw body reading, so every byte the client gets (and how the body ends) shows ----

interface RawBody {
  /** Event blocks (text between blank lines), in order. */
  blocks: string[];
  /** Arrival time (performance.now() ms) of the read that completed each block. */
  at: number[];
  /** The error that ended the body, if it did not end cleanly. */
  error?: Error;
  /** Bytes after the last complete block. */
  rest: string;
}

async function readRaw(res: Response): Promise<RawBody> {
  const out: RawBody = { blocks: [], at: [], rest: "" };
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for await (const chunk of res.body!) {
      const at = performance.now();
      buf += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        out.blocks.push(buf.slice(0, cut));
        out.at.push(at);
        buf = buf.slice(cut + 2);
      }
    }
  } catch (e) {
    out.error = e as Error;
  }
  out.rest = buf;
  return out;
}

/** Indices (into blocks) of events carrying an output token. */
function tokenBlocks(blocks: string[]): number[] {
  const out: number[] = [];
  for (const [i, b] of blocks.entries()) {
    if (!b.startsWith("data: {")) continue;
    try {
      const c = JSON.parse(b.slice(6));
      const choice = c.choices?.[0];
      if (choice?.delta?.content || choice?.text) out.push(i);
    } catch {
      // not a token event
    }
  }
  return out;
}

async function withSim(options: SimOptions, fn: (sim: SimHandle) => Promise<void>) {
  const sim = await startSim(options);
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

function post(sim: SimHandle, path: string, body: unknown): Promise<Response> {
  return fetch(sim.baseUrl + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const FAST: SimOptions = { ttftMs: 2, ttftPerPromptTokenMs: 0, itlMs: 1, seed: 7 };
const TOKENS = 12;
const streamBody = {
  prompt: "fault please",
  max_tokens: TOKENS,
  ignore_eos: true,
  stream: true,
  stream_options: { include_usage: true },
};

/** Where the first request's stream faults fall, as the simulator will place them. */
function firstPlacement(faults: FaultOptions, seed = FAST.seed!) {
  return streamFaults(createFaultInjector(faults, seed).draw(), TOKENS, 0);
}

// ---- the injector (pure) ----

Deno.test("fault injector: rate 1 always fires, rate 0 never, other rates within 2% over 20k draws", () => {
  const always = createFaultInjector({ http500: 1, reset: 1, missingDone: 1 }, 1);
  const never = createFaultInjector({}, 1);
  const some = createFaultInjector({
    http503: 0.3,
    http429: 0.2,
    stall: { rate: 0.25, ms: 5 },
    invalidJson: 0.1,
  }, 1);
  const n = 20_000;
  const counts = { s503: 0, s429: 0, stall: 0, invalid: 0 };
  for (let i = 0; i < n; i++) {
    const a = always.draw();
    assert.equal(a.status, 500);
    assert.ok(a.reset !== undefined && a.missingDone);
    const z = never.draw();
    assert.deepEqual(appliedFaults(z, { stream: true, tokens: 5 }), []);
    const d = some.draw();
    if (d.status === 503) counts.s503++;
    if (d.status === 429) counts.s429++;
    if (d.stall !== undefined) counts.stall++;
    if (d.invalidJson !== undefined) counts.invalid++;
  }
  const near = (got: number, rate: number) =>
    assert.ok(Math.abs(got / n - rate) < 0.02, `${got / n} vs ${rate}`);
  near(counts.s503, 0.3);
  near(counts.s429, 0.2);
  near(counts.stall, 0.25);
  near(counts.invalid, 0.1);
});

Deno.test("fault draws repeat exactly for the same seed and differ for another", () => {
  const opts: FaultOptions = { http500: 0.2, reset: 0.5, stall: { rate: 0.5, ms: 1 } };
  const run = (seed: number) => {
    const inj = createFaultInjector(opts, seed);
    return Array.from({ length: 200 }, () => inj.draw());
  };
  assert.deepEqual(run(42), run(42));
  assert.notDeepEqual(run(42), run(43));
});

Deno.test("stream faults fall on an output token, after at least one token", () => {
  const inj = createFaultInjector({ reset: 1, stall: { rate: 1, ms: 3 }, malformedSse: 1 }, 5);
  for (let i = 0; i < 500; i++) {
    const tokens = 1 + (i % 7);
    const f = streamFaults(inj.draw(), tokens, 3);
    for (const at of [f.resetAfter, f.stallAfter, f.malformedAfter]) {
      assert.ok(at !== undefined && Number.isInteger(at) && at >= 0 && at < tokens, `${at}`);
    }
    assert.equal(f.invalidJsonAfter, undefined);
    assert.equal(f.stallMs, 3);
  }
});

Deno.test("applied faults leave out what a reset or a non-streaming response never shows", () => {
  const draw = {
    slowHeadersMs: 0,
    missingDone: true,
    reset: 0.1,
    stall: 0.9,
    malformedSse: 0.1,
    invalidJson: 0.5,
  };
  assert.deepEqual(appliedFaults(draw, { stream: true, tokens: 10 }), ["reset", "malformedSse"]);
  assert.deepEqual(appliedFaults(draw, { stream: false, tokens: 10 }), ["reset"]);
  const noReset = { ...draw, reset: undefined, slowHeadersMs: 5 };
  assert.deepEqual(appliedFaults(noReset, { stream: true, tokens: 10 }), [
    "slowHeaders",
    "stall",
    "malformedSse",
    "invalidJson",
    "missingDone",
  ]);
  assert.deepEqual(appliedFaults({ ...draw, status: 429 }, { stream: true, tokens: 10 }), [
    "http429",
  ]);
});

Deno.test("invalid fault options are listed all at once", () => {
  const problems = faultProblems({
    http500: 0.7,
    http503: 0.5,
    reset: -1,
    stall: { rate: 2, ms: -5 },
    retryAfterS: 1.5,
  });
  assert.equal(problems.length, 5, problems.join("\n"));
  assert.deepEqual(faultProblems({ http500: 0.5, http429: 0.5, stall: { rate: 1, ms: 0 } }), []);
  assert.throws(() => createSimApp({ faults: { missingDone: 3 } }), /missingDone/);
});

// ---- symptoms over real HTTP, each fault at rate 1 ----

Deno.test("http500/503/429 faults answer vLLM-style errors; 503 and 429 carry retry-after", async () => {
  const cases = [
    { faults: { http500: 1, retryAfterS: 3 }, status: 500, type: "InternalServerError" },
    { faults: { http503: 1, retryAfterS: 3 }, status: 503, type: "ServiceUnavailableError" },
    { faults: { http429: 1, retryAfterS: 3 }, status: 429, type: "TooManyRequestsError" },
  ];
  for (const c of cases) {
    const truth: TruthEntry[] = [];
    await withSim({ ...FAST, faults: c.faults, truthLog: (e) => truth.push(e) }, async (sim) => {
      for (const body of [streamBody, { prompt: "x", max_tokens: 2 }]) {
        const res = await post(sim, "/completions", body);
        assert.equal(res.status, c.status);
        assert.equal(res.headers.get("retry-after"), c.status === 500 ? null : "3");
        const json = await res.json();
        assert.deepEqual(Object.keys(json.error).sort(), ["code", "message", "param", "type"]);
        assert.equal(json.error.type, c.type);
        assert.equal(json.error.code, c.status);
      }
      assert.equal(sim.stats().submitted, 0, "an injected error never reaches the engine");
      // Routes other than generation never get faults.
      const tok = await fetch(sim.baseUrl.replace(/\/v1$/, "/tokenize"), {
        method: "POST",
        body: JSON.stringify({ prompt: "a b" }),
      });
      assert.equal(tok.status, 200);
      await tok.body?.cancel();
    });
    assert.deepEqual(truth.map((e) => [e.status, e.faults]), [
      [c.status, [`http${c.status}`]],
      [c.status, [`http${c.status}`]],
    ]);
  }
});

Deno.test("reset fault: the stream breaks right after token p's event, with no [DONE]", async () => {
  const faults = { reset: 1 };
  const p = firstPlacement(faults).resetAfter!;
  const truth: TruthEntry[] = [];
  await withSim({ ...FAST, faults, truthLog: (e) => truth.push(e) }, async (sim) => {
    const res = await post(sim, "/completions", streamBody);
    assert.equal(res.status, 200);
    const raw = await readRaw(res);
    assert.ok(raw.error instanceof TypeError, `body ended without an error: ${raw.error}`);
    assert.equal(tokenBlocks(raw.blocks).length, p + 1);
    assert.ok(!raw.blocks.includes("data: [DONE]"));
    assert.ok(raw.blocks.every((b) => !b.includes('"usage"')));
    // The engine stopped generating for it.
    for (let i = 0; i < 100 && sim.stats().running > 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(sim.stats().running, 0);

    const whole = await post(sim, "/chat/completions", {
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 5,
    });
    assert.equal(whole.status, 200);
    await assert.rejects(() => whole.json());
  });
  assert.deepEqual(truth[0].faults, ["reset"]);
  assert.equal(truth[0].finishReason, "abort");
  assert.equal(truth[0].tokenTimes.length, p + 1);
});

Deno.test("stall fault: no bytes for the stall after token p's event, then the rest arrives", async () => {
  // Long enough that a busy machine's late timers (tens of ms) cannot hide or mimic it.
  const ms = 300;
  const faults = { stall: { rate: 1, ms } };
  const p = firstPlacement(faults).stallAfter!;
  await withSim({ ...FAST, faults }, async (sim) => {
    const res = await post(sim, "/completions", streamBody);
    const raw = await readRaw(res);
    assert.equal(raw.error, undefined);
    const toks = tokenBlocks(raw.blocks);
    assert.equal(toks.length, TOKENS);
    assert.equal(raw.blocks.at(-1), "data: [DONE]");
    // Gaps between successive blocks: the stall is the one after token p.
    const gaps = raw.at.slice(1).map((t, i) => t - raw.at[i]);
    const longest = gaps.indexOf(Math.max(...gaps));
    assert.equal(longest, toks[p], `longest gap after block ${longest}, want ${toks[p]}`);
    // The stall is timed from the token's planned write; a token written late shortens it.
    assert.ok(gaps[longest] >= ms / 2, `stall gap ${gaps[longest]} ms`);
    const others = gaps.filter((_, i) => i !== longest);
    assert.ok(Math.max(...others) < ms / 2, `other gaps ${others}`);
  });
});

Deno.test("malformed SSE fault: one line without data: after token p; SSE parsers skip it", async () => {
  const faults = { malformedSse: 1 };
  const p = firstPlacement(faults).malformedAfter!;
  await withSim({ ...FAST, faults }, async (sim) => {
    const raw = await readRaw(await post(sim, "/completions", streamBody));
    assert.equal(raw.error, undefined);
    const toks = tokenBlocks(raw.blocks);
    assert.equal(toks.length, TOKENS);
    const bad = raw.blocks.filter((b) => !b.startsWith("data: "));
    assert.deepEqual(bad, [MALFORMED_SSE_LINE]);
    assert.equal(raw.blocks.indexOf(MALFORMED_SSE_LINE), toks[p] + 1);
    assert.equal(raw.blocks.at(-1), "data: [DONE]");
    // A spec-compliant parser sees every data event and nothing for the malformed line.
    const events: string[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e.data) });
    parser.feed(raw.blocks.map((b) => b + "\n\n").join(""));
    assert.equal(events.length, raw.blocks.length - 1);
  });
});

Deno.test("invalid JSON fault: one data event after token p whose payload does not parse", async () => {
  const faults = { invalidJson: 1 };
  const p = firstPlacement(faults).invalidJsonAfter!;
  await withSim({ ...FAST, faults }, async (sim) => {
    const raw = await readRaw(
      await post(sim, "/chat/completions", {
        ...streamBody,
        messages: [{ role: "user", content: "hi" }],
      }),
    );
    assert.equal(raw.error, undefined);
    const toks = tokenBlocks(raw.blocks);
    assert.equal(toks.length, TOKENS);
    const unparsable = raw.blocks.filter((b) => {
      if (b === "data: [DONE]") return false;
      try {
        JSON.parse(b.slice(6));
        return false;
      } catch {
        return true;
      }
    });
    assert.deepEqual(unparsable, [INVALID_JSON_EVENT]);
    assert.equal(raw.blocks.indexOf(INVALID_JSON_EVENT), toks[p] + 1);
  });
});

Deno.test("missing [DONE] fault: the body ends cleanly after the usage chunk", async () => {
  await withSim({ ...FAST, faults: { missingDone: 1 } }, async (sim) => {
    const raw = await readRaw(await post(sim, "/completions", streamBody));
    assert.equal(raw.error, undefined);
    assert.equal(raw.rest, "");
    assert.equal(tokenBlocks(raw.blocks).length, TOKENS);
    assert.ok(!raw.blocks.includes("data: [DONE]"));
    const last = JSON.parse(raw.blocks.at(-1)!.slice(6));
    assert.deepEqual(last.choices, []);
    assert.equal(last.usage.completion_tokens, TOKENS);
  });
});

Deno.test("slow headers fault: the status line comes the configured delay later", async () => {
  const ms = 120;
  await withSim({ ...FAST, faults: { slowHeaders: { rate: 1, ms } } }, async (sim) => {
    for (const body of [streamBody, { prompt: "x", max_tokens: 2 }]) {
      const t0 = performance.now();
      const res = await post(sim, "/completions", body);
      const headersAfter = performance.now() - t0;
      assert.equal(res.status, 200);
      assert.ok(headersAfter >= ms - 2, `headers after ${headersAfter} ms`);
      await res.body?.cancel();
    }
  });
});

Deno.test("rate 0 everywhere injects nothing: clean, complete streams", async () => {
  const faults: FaultOptions = {
    http500: 0,
    http503: 0,
    http429: 0,
    reset: 0,
    stall: { rate: 0, ms: 500 },
    malformedSse: 0,
    invalidJson: 0,
    missingDone: 0,
    slowHeaders: { rate: 0, ms: 500 },
  };
  const truth: TruthEntry[] = [];
  await withSim({ ...FAST, faults, truthLog: (e) => truth.push(e) }, async (sim) => {
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const res = await post(sim, "/completions", { ...streamBody, prompt: `clean ${i}` });
      assert.equal(res.status, 200);
      const raw = await readRaw(res);
      assert.ok(performance.now() - t0 < 400);
      assert.equal(raw.error, undefined);
      assert.equal(raw.rest, "");
      assert.equal(raw.blocks.at(-1), "data: [DONE]");
      for (const b of raw.blocks.slice(0, -1)) {
        assert.ok(b.startsWith("data: "));
        JSON.parse(b.slice(6));
      }
      assert.equal(tokenBlocks(raw.blocks).length, TOKENS);
    }
  });
  assert.equal(truth.length, 8);
  assert.ok(truth.every((e) => e.faults === undefined && e.status === 200));
});

Deno.test("same seed, same request order: the same requests fail over HTTP", async () => {
  const statuses = async (seed: number) => {
    const out: number[] = [];
    await withSim({ ...FAST, seed, faults: { http500: 0.5 } }, async (sim) => {
      for (let i = 0; i < 16; i++) {
        const res = await post(sim, "/completions", { prompt: "x", max_tokens: 1 });
        out.push(res.status);
        await res.body?.cancel();
      }
    });
    return out;
  };
  const a = await statuses(11);
  assert.deepEqual(await statuses(11), a);
  assert.ok(a.includes(500) && a.includes(200), `${a}`);
  assert.notDeepEqual(await statuses(12), a);
});

Deno.test("closing the simulator ends stalled streams and pending slow headers", async () => {
  const stalled = await startSim({ ...FAST, faults: { stall: { rate: 1, ms: 60_000 } } });
  const res = await post(stalled, "/completions", streamBody);
  const reading = readRaw(res);
  await new Promise((r) => setTimeout(r, 50)); // every token is generated, some held back
  const t0 = performance.now();
  await stalled.close();
  const raw = await reading;
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(raw.error, undefined);
  assert.ok(!raw.blocks.includes("data: [DONE]"), "a stalled stream ends truncated");

  const slow = await startSim({ ...FAST, faults: { slowHeaders: { rate: 1, ms: 60_000 } } });
  const pending = post(slow, "/completions", { prompt: "x", max_tokens: 1 });
  await new Promise((r) => setTimeout(r, 50));
  await slow.close();
  const refused = await pending;
  assert.equal(refused.status, 503);
  await refused.body?.cancel();
});
