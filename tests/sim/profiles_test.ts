import assert from "node:assert/strict";
import { simulateEngine } from "../../lib/sim/engine_core.ts";
import {
  DEFAULT_PROFILE,
  type EngineParams,
  fixedParams,
  PROFILE_DESCRIPTIONS,
  PROFILE_NAMES,
  PROFILES,
  resolveEngineParams,
  validateEngineParams,
} from "../../lib/sim/profiles.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** TTFT of a lone 100-token request and the median ITL of a lone stream, virtual ms. */
function lowLoad(params: EngineParams): { ttft: number; itl: number } {
  const run = simulateEngine([{ atMs: 0, spec: { promptTokens: 100, outputTokens: 50 } }], params);
  const t = run.requests[0].tokenTimes;
  return { ttft: t[0], itl: median(t.slice(1).map((x, j) => x - t[j])) };
}

Deno.test("each profile gives its documented TTFT and ITL at low load (table)", () => {
  const cases: [string, [number, number], [number, number]][] = [
    // profile, TTFT range ms, ITL range ms (stepJitter is ±3% on the hardware-like ones)
    ["fixed", [41.9, 42.1], [9.99, 10.01]],
    ["tiny", [2.6, 2.8], [2.0, 2.1]],
    ["llama-8b-h100", [14, 18], [6.2, 7.0]],
    ["llama-70b-8xh100", [20, 24], [12.3, 13.8]],
  ];
  assert.deepEqual(cases.map((c) => c[0]), [...PROFILE_NAMES]);
  for (const [name, [t0, t1], [i0, i1]] of cases) {
    const { ttft, itl } = lowLoad(resolveEngineParams(name));
    assert.ok(ttft >= t0 && ttft <= t1, `${name}: TTFT ${ttft}`);
    assert.ok(itl >= i0 && itl <= i1, `${name}: ITL ${itl}`);
  }
});

Deno.test("the 8B profile prefills ~10-20k tokens/s and a 70B step costs more than an 8B one", () => {
  const p = resolveEngineParams("llama-8b-h100");
  const rate = 1000 / p.prefillMsPerToken;
  assert.ok(rate >= 10_000 && rate <= 20_000, `${rate} tokens/s`);
  const big = PROFILES["llama-70b-8xh100"];
  assert.ok(big.stepOverheadMs > p.stepOverheadMs);
  assert.ok(big.numGpuBlocks * big.blockSize > p.numGpuBlocks * p.blockSize);
});

Deno.test("the fixed profile keeps TTFT = ttftMs + per-token cost and a flat ITL under batching", () => {
  const p = fixedParams({ ttftMs: 30, ttftPerPromptTokenMs: 0.1, itlMs: 10 });
  assert.equal(DEFAULT_PROFILE, "fixed");
  const one = simulateEngine([{ atMs: 0, spec: { promptTokens: 200, outputTokens: 20 } }], p);
  assert.ok(Math.abs(one.requests[0].tokenTimes[0] - 50) < 1e-9);
  // 100 streams already decoding: each step still costs one ITL.
  const many = simulateEngine(
    Array.from({ length: 100 }, (_, i) => ({
      atMs: i * 0.1,
      spec: { promptTokens: 5, outputTokens: 40 },
    })),
    p,
  );
  const late = many.steps.filter((s) => s.prefills.length === 0);
  assert.ok(late.length > 30 && late.every((s) => s.durationMs === 10));
  // The resolver builds the same from a partial timing (defaults fill the rest).
  assert.deepEqual(
    resolveEngineParams(undefined, { timing: { ttftMs: 30, ttftPerPromptTokenMs: 0.1 } }),
    fixedParams({ ttftMs: 30, ttftPerPromptTokenMs: 0.1, itlMs: 10 }),
  );
});

Deno.test("overrides replace a profile's values and undefined overrides are ignored", () => {
  const p = resolveEngineParams("llama-8b-h100", {
    overrides: { maxLoras: 2, chunkedPrefill: false, seed: undefined },
  });
  assert.equal(p.maxLoras, 2);
  assert.equal(p.chunkedPrefill, false);
  assert.equal(p.seed, 0);
  assert.equal(p.stepOverheadMs, PROFILES["llama-8b-h100"].stepOverheadMs);
  assert.equal(PROFILES["llama-8b-h100"].maxLoras, 4, "the preset itself is unchanged");
});

Deno.test("bad profiles and parameters are refused with every problem listed", () => {
  assert.throws(() => resolveEngineParams("gpt-5"), /Unknown simulator profile "gpt-5".*tiny/);
  assert.throws(
    () => resolveEngineParams("tiny", { timing: { itlMs: 5 } }),
    /itlMs only apply to the fixed profile/,
  );
  try {
    resolveEngineParams("tiny", {
      overrides: { maxNumSeqs: 0, gpuMemoryUtilization: 2, stepOverheadMs: -1 },
    });
    assert.fail("should throw");
  } catch (e) {
    const msg = (e as Error).message;
    for (const k of ["maxNumSeqs", "gpuMemoryUtilization", "stepOverheadMs"]) {
      assert.match(msg, new RegExp(k));
    }
  }
  const tiny = resolveEngineParams("tiny");
  const cases: [Partial<EngineParams>, RegExp][] = [
    [{ numGpuBlocks: 100 }, /must hold maxModelLen \(8192\)/],
    [{ maxCpuLoras: 1 }, /maxCpuLoras \(1\) must be >= maxLoras \(2\)/],
    [{ maxNumBatchedTokens: 32 }, /maxNumBatchedTokens \(32\) must be >= maxNumSeqs \(64\)/],
    [{ blockSize: 1.5 }, /blockSize must be an integer >= 1/],
  ];
  for (const [bad, re] of cases) {
    const problems = validateEngineParams({ ...tiny, ...bad });
    assert.equal(problems.length, 1, problems.join("; "));
    assert.match(problems[0], re);
  }
  assert.deepEqual(validateEngineParams(tiny), []);
});

Deno.test("every profile has a description and validates", () => {
  for (const name of PROFILE_NAMES) {
    assert.ok(PROFILE_DESCRIPTIONS[name].length > 10);
    assert.deepEqual(validateEngineParams(resolveEngineParams(name)), []);
  }
});
