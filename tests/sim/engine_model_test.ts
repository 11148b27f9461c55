// The engine's behaviour in virtual time: whole minutes of load run in milliseconds, exactly
// repeatable, so directions and rough sizes can be asserted without real-time noise.
import assert from "node:assert/strict";
import {
  EngineCore,
  simulateEngine,
  type StepRecord,
  type VirtualArrival,
  type VirtualRun,
} from "../../lib/sim/engine_core.ts";
import { type EngineParams, resolveEngineParams } from "../../lib/sim/profiles.ts";

const H100 = (o: Partial<EngineParams> = {}) =>
  resolveEngineParams("llama-8b-h100", { overrides: o });
const TINY = (o: Partial<EngineParams> = {}) => resolveEngineParams("tiny", { overrides: o });

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
}
const median = (xs: number[]) => quantile(xs, 0.5);
const ttfts = (run: VirtualRun, from = 0, to = run.requests.length) =>
  run.requests.slice(from, to).map((r) => r.tokenTimes[0] - r.atMs);
const itls = (run: VirtualRun, from = 0, to = run.requests.length) =>
  run.requests.slice(from, to).flatMap((r) =>
    r.tokenTimes.slice(1).map((t, j) => t - r.tokenTimes[j])
  );

function arrivals(
  n: number,
  gapMs: number,
  spec: VirtualArrival["spec"] | ((i: number) => VirtualArrival["spec"]),
  startMs = 0,
): VirtualArrival[] {
  return Array.from({ length: n }, (_, i) => ({
    atMs: startMs + i * gapMs,
    spec: typeof spec === "function" ? spec(i) : spec,
  }));
}

function assertAllComplete(run: VirtualRun): void {
  for (const r of run.requests) {
    assert.equal(r.tokenTimes.length, r.spec.outputTokens, `request ${r.id} incomplete`);
    assert.equal(r.aborted, false);
  }
  assert.equal(run.metrics.kvBlocksUsed, 0, "every block is freed at the end");
}

Deno.test("longer prompts get a higher TTFT, by about the prefill cost per token", () => {
  const prompts = [100, 1000, 4000, 8000];
  const run = simulateEngine(
    prompts.map((p, i) => ({ atMs: i * 2000, spec: { promptTokens: p, outputTokens: 5 } })),
    H100(),
  );
  assertAllComplete(run);
  const t = ttfts(run);
  for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1], `TTFTs ${t}`);
  // Idle 8B model: ~3 ms front end + ~6.5 ms step + 0.06 ms/token (jitter ±3%).
  assert.ok(t[0] > 12 && t[0] < 22, `100-token TTFT ${t[0]}`);
  const perToken = (t[2] - t[1]) / 3000;
  assert.ok(Math.abs(perToken - 0.06) < 0.01, `prefill ${perToken} ms/token`);
});

Deno.test("more concurrent sequences give a higher ITL (batch cost grows superlinearly)", () => {
  const medians = [1, 16, 64, 256].map((c) => {
    const run = simulateEngine(
      arrivals(c, 0.5, { promptTokens: 200, outputTokens: 300 }),
      H100({ maxNumSeqs: 256 }),
    );
    assertAllComplete(run);
    return median(itls(run));
  });
  for (let i = 1; i < medians.length; i++) {
    assert.ok(medians[i] > medians[i - 1], `ITL medians ${medians}`);
  }
  assert.ok(medians[0] > 6 && medians[0] < 8, `batch-1 ITL ${medians[0]}`);
  assert.ok(medians[3] > 2 * medians[0], `batch-256 ITL ${medians[3]} vs ${medians[0]}`);
});

Deno.test("chunked prefill off stalls decodes when long prompts arrive; on, long prompts wait longer", () => {
  // 16 chatty streams, then six 6000-token prompts half a second apart.
  const load = [
    ...arrivals(16, 2, { promptTokens: 200, outputTokens: 600 }),
    ...arrivals(6, 500, { promptTokens: 6000, outputTokens: 10 }, 300),
  ];
  const common = { maxNumBatchedTokens: 512, maxNumSeqs: 256 };
  const on = simulateEngine(load, H100({ ...common, chunkedPrefill: true }));
  const off = simulateEngine(load, H100({ ...common, chunkedPrefill: false }));
  assertAllComplete(on);
  assertAllComplete(off);
  const p99On = quantile(itls(on, 0, 16), 0.99);
  const p99Off = quantile(itls(off, 0, 16), 0.99);
  // Off: a 6000-token prefill is one ~370 ms step for everyone; on: steps stay under ~45 ms.
  assert.ok(p99Off > 300, `ITL p99 with chunking off ${p99Off}`);
  assert.ok(p99On < 50, `ITL p99 with chunking on ${p99On}`);
  const longOn = median(ttfts(on, 16));
  const longOff = median(ttfts(off, 16));
  assert.ok(longOn > 1.1 * longOff, `long-prompt TTFT on ${longOn} vs off ${longOff}`);
  // Off never splits a prompt: each long prompt is one prefill entry of 6000 tokens.
  const offChunks = off.steps.flatMap((s) => s.prefills).filter((p) => p.tokens > 200);
  assert.ok(offChunks.every((p) => p.tokens === 6000));
  const onChunks = on.steps.flatMap((s) => s.prefills).filter((p) => p.tokens > 200);
  assert.ok(onChunks.every((p) => p.tokens <= 512 - 16));
});

Deno.test("8 adapters over maxLoras=2 raise TTFT p99 well above 1 adapter at the same load", () => {
  const run = (adapters: number) =>
    simulateEngine(
      arrivals(120, 25, (i) => ({
        promptTokens: 200,
        outputTokens: 100,
        adapter: `lora-${i % adapters}`,
      })),
      H100({ maxLoras: 2, maxCpuLoras: 2 }),
    );
  const one = run(1);
  const eight = run(8);
  assertAllComplete(one);
  assertAllComplete(eight);
  const p99One = quantile(ttfts(one), 0.99);
  const p99Eight = quantile(ttfts(eight), 0.99);
  assert.ok(p99Eight > 3 * p99One, `TTFT p99 8 adapters ${p99Eight} vs 1 adapter ${p99One}`);
  for (const s of eight.steps) assert.ok(s.adapters.length <= 2, `step ${s.index}: ${s.adapters}`);
  const loads = (r: VirtualRun) => r.steps.reduce((n, s) => n + s.loraLoads.length, 0);
  assert.equal(loads(one), 1);
  assert.ok(loads(eight) >= 8, `${loads(eight)} loads`);
  assert.ok(eight.steps.some((s) => s.running > 0 && s.waiting > 0));
});

Deno.test("a full KV cache makes requests wait and preempts running ones, which recompute", () => {
  // 600 blocks × 16 = 9600 tokens for 40 sequences growing to 1500 tokens each.
  const run = simulateEngine(
    arrivals(40, 1, { promptTokens: 500, outputTokens: 1000 }),
    TINY({ numGpuBlocks: 600 }),
  );
  assertAllComplete(run);
  assert.ok(run.metrics.numPreemptions > 0, "preemptions are counted");
  assert.ok(run.steps.some((s) => s.waiting > 0 && s.kvBlocksUsed > 0.9 * 600));
  assert.ok(run.steps.every((s) => s.kvBlocksUsed <= 600));
  // A preempted sequence comes back with a prefill of its prompt plus what it had generated.
  const victimStep = run.steps.find((s) => s.preempted.length > 0)!;
  const victim = victimStep.preempted[0];
  const redo = run.steps.slice(victimStep.index).flatMap((s) => s.prefills).find((p) =>
    p.id === victim
  )!;
  assert.ok(redo.tokens > 500, `recompute of ${redo.tokens} tokens`);
  const timing = run.timings.find((t) => t.id === victim)!;
  assert.ok(timing.preemptions >= 1);
});

Deno.test("the same seed and arrivals give the same step log; another seed other step times", () => {
  const load = [
    ...arrivals(30, 7, (i) => ({
      promptTokens: 50 + 37 * i,
      outputTokens: 40 + (i % 5) * 20,
      adapter: i % 3 ? `a${i % 4}` : undefined,
    })),
    ...arrivals(5, 90, { promptTokens: 3000, outputTokens: 30 }, 50),
  ];
  const p = H100({ numGpuBlocks: 300, maxModelLen: 4096, seed: 7 });
  const a = simulateEngine(load, p);
  const b = simulateEngine(load, p);
  assert.deepEqual(a.steps, b.steps);
  assert.deepEqual(a.requests, b.requests);
  assert.ok(a.metrics.numPreemptions > 0 && a.steps.some((s) => s.loraLoads.length));
  const c = simulateEngine(load, { ...p, seed: 8 });
  assert.notDeepEqual(c.steps.map((s) => s.durationMs), a.steps.map((s) => s.durationMs));
});

Deno.test("cancelling frees the sequence's KV blocks and its slot for a waiting one", () => {
  const p = TINY({ maxNumSeqs: 2 });
  const spec = { promptTokens: 400, outputTokens: 500 };
  const run = simulateEngine([
    { atMs: 0, spec, cancelAtMs: 100 },
    { atMs: 0, spec },
    { atMs: 1, spec, cancelAtMs: 50 }, // cancelled while waiting: never admitted
    { atMs: 2, spec },
  ], p);
  const [cut, kept, neverRan, late] = run.requests;
  assert.ok(cut.aborted && cut.tokenTimes.length > 0 && cut.tokenTimes.at(-1)! <= 100);
  assert.ok(neverRan.aborted);
  assert.equal(neverRan.tokenTimes.length, 0);
  assert.equal(kept.tokenTimes.length, 500);
  assert.equal(late.tokenTimes.length, 500);
  // The waiting request is admitted in the first step after the cancel, into the freed slot.
  const admit = run.steps.find((s) => s.admitted.includes(late.id))!;
  assert.ok(admit.startMs >= 100 && admit.startMs < 100 + 5, `admitted at ${admit.startMs}`);
  const before = run.steps.filter((s) => s.startMs < 100).at(-1)!;
  assert.ok(admit.kvBlocksUsed < before.kvBlocksUsed + 26, "the cancelled blocks were reused");
  assert.ok(run.steps.every((s) => s.running <= 2));
  assert.equal(run.metrics.cancelled, 2);
  assert.equal(run.metrics.requestSuccessTotal.abort, 2);
  assert.ok(!run.steps.some((s) => s.admitted.includes(neverRan.id)));
});

Deno.test("metrics count tokens, requests by reason and fill the latency histograms", () => {
  const load = arrivals(10, 30, (i) => ({
    promptTokens: 100 + i,
    outputTokens: 20,
    finishReason: i % 2 ? "stop" : "length",
  }));
  const run = simulateEngine(load, H100());
  const m = run.metrics;
  assert.equal(m.promptTokensTotal, load.reduce((n, a) => n + a.spec.promptTokens, 0));
  assert.equal(m.generationTokensTotal, 200);
  assert.equal(m.tokens, 200);
  assert.deepEqual(m.requestSuccessTotal, { stop: 5, length: 5, abort: 0 });
  assert.equal(m.ttftSeconds.count, 10);
  assert.equal(m.e2eSeconds.count, 10);
  assert.equal(m.interTokenSeconds.count, 190);
  assert.equal(m.queueSeconds.count, 10);
  const sumTtft = ttfts(run).reduce((a, b) => a + b, 0) / 1000;
  assert.ok(Math.abs(m.ttftSeconds.sum - sumTtft) < 1e-9);
  // TTFTs of ~16-25 ms all fall in the (0.02, 0.04] bucket or below.
  const le04 = m.ttftSeconds.cumulative[m.ttftSeconds.bounds.indexOf(0.04)];
  assert.equal(le04, 10);
  assert.deepEqual(m.cacheConfig, {
    blockSize: 16,
    numGpuBlocks: 26000,
    gpuMemoryUtilization: 0.9,
  });
  assert.equal(m.maxLoras, 4);
  assert.equal(m.running + m.waiting, 0);
});

Deno.test("a runtime-loaded adapter costs no load at first use; an unloaded one loads again", () => {
  const p = TINY({ loraLoadMs: 40 });
  const loadsFor = (prepare: (core: EngineCore) => void) => {
    const steps: StepRecord[] = [];
    const core = new EngineCore(p, { onStep: (s) => steps.push(s) });
    prepare(core);
    core.submit({ promptTokens: 10, outputTokens: 3, adapter: "x" }, {
      onToken() {},
      onAbort() {},
    }, 0);
    for (let t: number | undefined = 0; t !== undefined;) t = core.advance(t);
    return { loads: steps.flatMap((s) => s.loraLoads), first: steps[0].durationMs };
  };
  const cold = loadsFor(() => {});
  const warm = loadsFor((c) => assert.equal(c.loadAdapter("x"), true));
  const dropped = loadsFor((c) => {
    c.loadAdapter("x");
    assert.equal(c.unloadAdapter("x"), true);
  });
  assert.deepEqual(cold.loads, ["x"]);
  assert.deepEqual(warm.loads, []);
  assert.deepEqual(dropped.loads, ["x"]);
  assert.ok(Math.abs(cold.first - warm.first - 40) < 1e-9);
});

Deno.test("the adapter cache keeps maxCpuLoras adapters, evicting the least recently used", () => {
  const core = new EngineCore(TINY({ maxLoras: 2, maxCpuLoras: 3 }));
  for (const a of ["a", "b", "c", "a", "d"]) core.loadAdapter(a);
  assert.deepEqual(core.residentAdapters(), ["c", "a", "d"]);
  core.abortAll("done", 0);
});

Deno.test("a real-time loop that falls behind catches up within catchUpMs, beyond it drops the plan", () => {
  // When step 5 is planned the loop's clock reads `late` ms past plan, once (a hiccup).
  const stepStarts = (catchUpMs: number, late: number) => {
    const steps: StepRecord[] = [];
    const timing = { itlMs: 10, ttftMs: 10, ttftPerPromptTokenMs: 0 };
    const core = new EngineCore(resolveEngineParams("fixed", { timing }), {
      onStep: (s) => steps.push(s),
    }, { catchUpMs });
    core.submit({ promptTokens: 1, outputTokens: 12 }, { onToken() {}, onAbort() {} }, 0);
    let now = 0;
    const clock = () => now + (steps.length === 5 ? late : 0);
    for (let t: number | undefined = 0; t !== undefined;) {
      now = t;
      t = core.advance(now, clock);
    }
    return steps.map((s) => s.startMs);
  };
  const onPlan = stepStarts(50, 0);
  assert.deepEqual(onPlan.slice(1).map((t, i) => t - onPlan[i]), Array(11).fill(10));
  // 25 ms late (more than a step, within the window): the same plan, steps back to back after.
  assert.deepEqual(stepStarts(50, 25), onPlan);
  // Without a window, or later than it, the step after the hiccup starts at the actual time.
  const dropped = stepStarts(0, 25);
  assert.deepEqual(dropped.slice(0, 5), onPlan.slice(0, 5));
  assert.equal(dropped[5], onPlan[4] + 10 + 25);
  assert.equal(stepStarts(20, 25)[5], onPlan[4] + 10 + 25);
});
