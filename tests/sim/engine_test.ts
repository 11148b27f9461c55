import assert from "node:assert/strict";
import { createEngine, type SeqObserver } from "../../lib/sim/engine.ts";

function recorder() {
  const times: number[] = [];
  const aborts: string[] = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const observer: SeqObserver = {
    onToken(index, last) {
      assert.equal(index, times.length);
      times.push(performance.now());
      if (last) resolveDone();
    },
    onAbort(reason) {
      aborts.push(reason);
      resolveDone();
    },
  };
  return { times, aborts, done, observer };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

Deno.test("engine emits each token at submit + TTFT (with prompt cost) + k * ITL", async () => {
  const engine = createEngine({ ttftMs: 20, ttftPerPromptTokenMs: 0.05, itlMs: 8 });
  const recs = [recorder(), recorder(), recorder()];
  const t0 = performance.now();
  recs.forEach((r, i) => engine.submit({ promptTokens: 200 * i, outputTokens: 6 }, r.observer));
  await Promise.all(recs.map((r) => r.done));
  const ttfts = recs.map((r) => r.times[0] - t0);
  for (const [i, r] of recs.entries()) {
    assert.equal(r.times.length, 6);
    // Never early; late only by timer and scheduling noise (loose: CI boxes are busy).
    const want = 20 + 10 * i;
    assert.ok(ttfts[i] >= want - 1 && ttfts[i] < want + 15, `seq ${i} TTFT ${ttfts[i]}`);
    if (i > 0) assert.ok(ttfts[i] > ttfts[i - 1], "longer prompts get their first token later");
    const gaps = r.times.slice(1).map((t, j) => t - r.times[j]);
    assert.ok(Math.abs(median(gaps) - 8) < 1.5, `seq ${i} ITL median ${median(gaps)}`);
  }
  assert.deepEqual(engine.stats(), {
    running: 0,
    submitted: 3,
    finished: 3,
    cancelled: 0,
    tokens: 18,
  });
  engine.close();
});

Deno.test("a cancelled sequence gets no more tokens while others continue", async () => {
  const engine = createEngine({ ttftMs: 2, ttftPerPromptTokenMs: 0, itlMs: 3 });
  const keep = recorder();
  const drop = recorder();
  engine.submit({ promptTokens: 0, outputTokens: 10 }, keep.observer);
  const handle = engine.submit({ promptTokens: 0, outputTokens: 1000 }, drop.observer);
  while (drop.times.length < 2) await new Promise((r) => setTimeout(r, 1));
  handle.cancel();
  handle.cancel(); // idempotent
  const seen = drop.times.length;
  await keep.done;
  assert.equal(drop.times.length, seen);
  assert.equal(keep.times.length, 10);
  assert.equal(engine.stats().cancelled, 1);
  assert.equal(engine.stats().running, 0);
  engine.close();
});

Deno.test("close aborts running sequences, clears the timer and refuses new ones", () => {
  const engine = createEngine({ ttftMs: 50, ttftPerPromptTokenMs: 0, itlMs: 10 });
  const a = recorder();
  engine.submit({ promptTokens: 0, outputTokens: 5 }, a.observer);
  engine.close("bye");
  assert.deepEqual(a.aborts, ["bye"]);
  assert.equal(engine.stats().running, 0);
  assert.throws(() => engine.submit({ promptTokens: 0, outputTokens: 1 }, a.observer));
  // Deno's sanitizer fails this test if the engine's timer were still pending.
});

Deno.test("an observer that throws loses its stream but not the others", async () => {
  const engine = createEngine({ ttftMs: 1, ttftPerPromptTokenMs: 0, itlMs: 2 });
  const good = recorder();
  let calls = 0;
  engine.submit({ promptTokens: 0, outputTokens: 50 }, {
    onToken() {
      calls++;
      throw new Error("closed stream");
    },
    onAbort() {},
  });
  engine.submit({ promptTokens: 0, outputTokens: 5 }, good.observer);
  await good.done;
  assert.equal(calls, 1);
  assert.equal(good.times.length, 5);
  engine.close();
});
