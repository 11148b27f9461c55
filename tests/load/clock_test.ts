import assert from "node:assert/strict";
import { realClock } from "../../lib/load/clock.ts";
import { createRng } from "../../lib/load/rng.ts";

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Lateness (ms) of `n` sleeps, each aimed 0.5–4.5 ms ahead of the previous wake-up. */
async function lateness(clock = realClock(), n = 100): Promise<number[]> {
  const rng = createRng(21);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const target = clock.now() + 0.5 + rng.next() * 4;
    await clock.sleepUntil(target);
    out.push(clock.now() - target);
  }
  return out;
}

Deno.test("real clock counts ms from its origin", () => {
  const origin = performance.now() - 1000;
  const clock = realClock(origin);
  const t = clock.now();
  assert.ok(t >= 1000 && t < 1100, `now() = ${t}`);
});

Deno.test("real clock sleepUntil is never early and is not systematically late (p50 under 4 ms)", async () => {
  const late = await lateness();
  assert.ok(Math.min(...late) >= 0, `woke early: ${Math.min(...late)} ms`);
  const p50 = quantile(late, 0.5);
  assert.ok(p50 < 4, `p50 lateness ${p50.toFixed(3)} ms`);
});

Deno.test("real clock without spinning wakes at most leadMs early", async () => {
  const late = await lateness(realClock(performance.now(), { leadMs: 1.2, spinMs: 0 }), 50);
  assert.ok(Math.min(...late) >= -1.2, `woke ${-Math.min(...late)} ms early`);
  assert.ok(quantile(late, 0.5) < 4, `p50 lateness ${quantile(late, 0.5)} ms`);
});

Deno.test("real clock sleep for a past target resolves at once", async () => {
  const clock = realClock();
  const t0 = performance.now();
  await clock.sleepUntil(clock.now() - 5);
  assert.ok(performance.now() - t0 < 20);
});

Deno.test("real clock sleep resolves promptly on abort and leaves no timer behind", async () => {
  const clock = realClock();
  const ac = new AbortController();
  const abortTimer = setTimeout(() => ac.abort(), 20);
  const t0 = performance.now();
  await clock.sleepUntil(clock.now() + 10_000, ac.signal);
  const waited = performance.now() - t0;
  clearTimeout(abortTimer);
  // Generous bound for a loaded CI box; the 10 s timer is cleared or the sanitizer fails.
  assert.ok(waited >= 15 && waited < 1000, `resolved after ${waited} ms`);

  const t1 = performance.now();
  await clock.sleepUntil(clock.now() + 10_000, AbortSignal.abort());
  assert.ok(performance.now() - t1 < 20, "an already-aborted signal resolves at once");
});

Deno.test("real clock abort during the final setImmediate stretch resolves", async () => {
  const clock = realClock(performance.now(), { leadMs: 50, spinMs: 50 });
  const ac = new AbortController();
  const abortTimer = setTimeout(() => ac.abort(), 5);
  const t0 = performance.now();
  await clock.sleepUntil(clock.now() + 40, ac.signal);
  clearTimeout(abortTimer);
  assert.ok(performance.now() - t0 < 35, "resolved on abort, not at the target");
});
