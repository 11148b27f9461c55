import assert from "node:assert/strict";
import { type EngineParams, resolveEngineParams } from "../../lib/sim/profiles.ts";
import {
  planStep,
  type SchedSeq,
  type SchedulerState,
  stepDurationMs,
} from "../../lib/sim/step_scheduler.ts";

let ids = 0;

/** A sequence; `computed` defaults to a decode (all but the last sampled token computed). */
function seq(
  prompt: number,
  o: Partial<Omit<SchedSeq, "id" | "promptTokens">> = {},
): SchedSeq {
  const generated = o.generated ?? 0;
  const computed = o.computed ?? (generated > 0 ? prompt + generated - 1 : 0);
  return {
    id: ids++,
    promptTokens: prompt,
    outputTokens: o.outputTokens ?? 100,
    adapter: o.adapter,
    generated,
    computed,
    blocks: o.blocks ?? Math.ceil(computed / 16),
  };
}

function params(o: Partial<EngineParams> = {}): EngineParams {
  return resolveEngineParams("tiny", {
    overrides: { maxNumBatchedTokens: 512, maxNumSeqs: 8, maxModelLen: 4096, ...o },
  });
}

function state(o: Partial<SchedulerState>): SchedulerState {
  const running = o.running ?? [];
  return {
    running,
    waiting: o.waiting ?? [],
    usedBlocks: o.usedBlocks ?? running.reduce((n, s) => n + s.blocks, 0),
    residentAdapters: o.residentAdapters ?? new Set(),
  };
}

const idsOf = (xs: { id: number }[]) => xs.map((x) => x.id);
const plan = (s: SchedulerState, p: EngineParams) => planStep(deepFreeze(s) as SchedulerState, p);

// planStep must be pure: frozen inputs make any mutation throw (modules are strict).
function deepFreeze<T>(x: T): T {
  if (x && typeof x === "object" && !Object.isFrozen(x)) {
    Object.freeze(x);
    if (!(x instanceof Set)) { for (const v of Object.values(x)) deepFreeze(v); }
  }
  return x;
}

Deno.test("decodes go first; an unfinished prefill takes the budget left, without a token", () => {
  const p = seq(1000, { computed: 200 });
  const d1 = seq(10, { generated: 3 });
  const d2 = seq(10, { generated: 1 });
  const r = plan(state({ running: [p, d1, d2] }), params({ chunkedPrefill: true }));
  assert.deepEqual(idsOf(r.scheduled.map((e) => e.seq)), [d1.id, d2.id, p.id]);
  assert.deepEqual(r.scheduled.map((e) => [e.tokens, e.decode, e.emits]), [
    [1, true, true],
    [1, true, true],
    [510, false, false],
  ]);
  assert.equal(r.prefillTokens, 510);
  assert.equal(r.decodeSeqs, 2);
  assert.equal(r.decodeContextTokens, 13 + 11);
});

Deno.test("the last chunk of a prefill emits the first token", () => {
  const p = seq(1000, { computed: 800 });
  const r = plan(state({ running: [p] }), params());
  assert.deepEqual(r.scheduled.map((e) => [e.tokens, e.emits, e.decode]), [[200, true, false]]);
});

Deno.test("chunked prefill admits part of a long prompt; without it the prompt runs whole", () => {
  const d = seq(10, { generated: 2 });
  const long = seq(3000);
  const on = plan(state({ running: [d], waiting: [long] }), params({ chunkedPrefill: true }));
  assert.deepEqual(idsOf(on.admitted), [long.id]);
  assert.equal(on.scheduled[1].tokens, 511);
  assert.equal(on.scheduled[1].emits, false);

  // Off: the budget becomes max(maxNumBatchedTokens, maxModelLen) = 4096, the prompt goes whole.
  const off = plan(state({ running: [d], waiting: [long] }), params({ chunkedPrefill: false }));
  assert.deepEqual(off.scheduled.map((e) => [e.seq.id, e.tokens, e.emits]), [
    [d.id, 1, true],
    [long.id, 3000, true],
  ]);
  assert.ok(off.durationMs > on.durationMs * 2, `${off.durationMs} vs ${on.durationMs}`);
});

Deno.test("without chunked prefill a prompt that does not fit the budget left holds the queue", () => {
  const a = seq(3000);
  const b = seq(3000);
  const small = seq(5);
  const r = plan(state({ waiting: [a, b, small] }), params({ chunkedPrefill: false }));
  assert.deepEqual(idsOf(r.admitted), [a.id]); // b needs 3000 of 1096 left; small waits behind it
});

Deno.test("KV pressure preempts the most recently admitted sequence, and nobody is admitted", () => {
  // Three decodes each about to start a new block; one free block in a 31-block cache.
  const a = seq(16, { generated: 1, computed: 16, blocks: 1 });
  const b = seq(160, { generated: 1, computed: 160, blocks: 10 });
  const c = seq(304, { generated: 1, computed: 304, blocks: 19 });
  const w = seq(4);
  const p = params({ numGpuBlocks: 31, maxModelLen: 496 });
  const r = plan(state({ running: [a, b, c], waiting: [w] }), p);
  assert.deepEqual(idsOf(r.scheduled.map((e) => e.seq)), [a.id, b.id]);
  assert.deepEqual(idsOf(r.preempted), [c.id]);
  assert.deepEqual(r.admitted, []);
  assert.deepEqual(r.scheduled.map((e) => e.newBlocks), [1, 1]);
});

Deno.test("a sequence that cannot get blocks even after preempting the others preempts itself", () => {
  const a = seq(16, { generated: 1, computed: 16, blocks: 1 });
  const b = seq(16, { generated: 1, computed: 15, blocks: 1 }); // fits in its block, no need
  const p = params({ numGpuBlocks: 2, maxModelLen: 32, maxNumBatchedTokens: 8 });
  // a needs a block and none is free: b, the newest and not yet scheduled, frees its block.
  const r = plan(state({ running: [a, b] }), p);
  assert.deepEqual(idsOf(r.preempted), [b.id]);
  assert.deepEqual(idsOf(r.scheduled.map((e) => e.seq)), [a.id]);
  // With nothing else to take from, the sequence itself goes back to waiting.
  const lone = seq(16, { generated: 1, computed: 16, blocks: 1 });
  const r2 = plan(state({ running: [lone], usedBlocks: 2 }), p);
  assert.deepEqual(idsOf(r2.preempted), [lone.id]);
  assert.deepEqual(r2.scheduled, []);
});

Deno.test("a batch never holds more than maxLoras adapters; others wait, later ones go ahead", () => {
  const x = seq(10, { generated: 1, adapter: "a1" });
  const y = seq(10, { generated: 1, adapter: "a2" });
  const z = seq(10, { adapter: "a3" });
  const w = seq(10, { adapter: "a1" });
  const v = seq(10);
  const r = plan(
    state({ running: [x, y], waiting: [z, w, v], residentAdapters: new Set(["a2"]) }),
    params({ maxLoras: 2 }),
  );
  assert.deepEqual(idsOf(r.admitted), [w.id, v.id]);
  assert.deepEqual(r.adapters, ["a1", "a2"]);
  assert.deepEqual(r.loraLoads, ["a1"]);
  const p = params({ maxLoras: 2 });
  assert.equal(
    r.durationMs,
    stepDurationMs({ ...r, loraLoads: [] }, p) + p.loraLoadMs,
    "a load adds loraLoadMs to the step",
  );
});

Deno.test("maxNumSeqs caps the running set and the budget caps the tokens", () => {
  const running = [seq(10, { generated: 1 }), seq(10, { generated: 1 })];
  const waiting = [seq(20), seq(20), seq(20)];
  const r = plan(state({ running, waiting }), params({ maxNumSeqs: 3 }));
  assert.deepEqual(idsOf(r.admitted), [waiting[0].id]);
  const r2 = plan(state({ waiting: [seq(300), seq(300)] }), params({ maxNumBatchedTokens: 400 }));
  assert.deepEqual(r2.scheduled.map((e) => e.tokens), [300, 100]);
});

Deno.test("step duration follows the documented cost model (table)", () => {
  const p = params({
    stepOverheadMs: 5,
    prefillMsPerToken: 0.1,
    decodeMsPerSeq: 0.5,
    decodeMsPerSeqSquared: 0.01,
    kvReadMsPer1kTokens: 2,
    loraLoadMs: 30,
  });
  const cases: [number, number, number, number, number][] = [
    // prefill tokens, decode seqs, context tokens, loads, expected ms
    [0, 0, 0, 0, 5],
    [100, 0, 0, 0, 15],
    [0, 10, 0, 0, 5 + 5 + 1],
    [0, 10, 5000, 0, 5 + 5 + 1 + 10],
    [50, 2, 1000, 1, 5 + 5 + 1 + 0.04 + 2 + 30],
  ];
  for (const [prefillTokens, decodeSeqs, decodeContextTokens, loads, want] of cases) {
    const got = stepDurationMs(
      { prefillTokens, decodeSeqs, decodeContextTokens, loraLoads: Array(loads).fill("x") },
      p,
    );
    assert.ok(Math.abs(got - want) < 1e-9, `${[prefillTokens, decodeSeqs]}: ${got} vs ${want}`);
  }
});

Deno.test("an empty state plans an empty, zero-length step", () => {
  const r = plan(state({}), params());
  assert.deepEqual(r.scheduled, []);
  assert.equal(r.durationMs, 0);
});
