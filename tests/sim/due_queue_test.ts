import assert from "node:assert/strict";
import { DueQueue } from "../../lib/sim/due_queue.ts";
import { createRng } from "../../lib/sim/text_source.ts";

Deno.test("due queue pops the earliest item each time across interleaved pushes and pops", () => {
  const q = new DueQueue<{ due: number }>();
  const reference: number[] = [];
  const rng = createRng(7);
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 5; i++) {
      const due = Math.floor(rng() * 1000);
      q.push({ due });
      reference.push(due);
    }
    reference.sort((a, b) => a - b);
    for (let i = 0; i < 3; i++) assert.equal(q.pop()!.due, reference.shift());
    assert.equal(q.size, reference.length);
  }
  while (q.size > 0) assert.equal(q.pop()!.due, reference.shift());
  assert.equal(reference.length, 0);
  assert.equal(q.pop(), undefined);
  assert.equal(q.peek(), undefined);
});

Deno.test("due queue peek shows the earliest item without removing it", () => {
  const q = new DueQueue<{ due: number; name: string }>();
  q.push({ due: 5, name: "b" });
  q.push({ due: 1, name: "a" });
  q.push({ due: 9, name: "c" });
  assert.equal(q.peek()!.name, "a");
  assert.equal(q.size, 3);
  assert.deepEqual([q.pop()!.name, q.pop()!.name, q.pop()!.name], ["a", "b", "c"]);
});

Deno.test("due queue pops equal due times in insertion order", () => {
  const q = new DueQueue<{ due: number; n: number }>();
  const rng = createRng(3);
  const items = Array.from({ length: 300 }, (_, n) => ({ due: Math.floor(rng() * 5), n }));
  for (const it of items) q.push(it);
  const popped: { due: number; n: number }[] = [];
  while (q.size > 0) popped.push(q.pop()!);
  const expected = [...items].sort((a, b) => a.due - b.due || a.n - b.n);
  assert.deepEqual(popped, expected);
});
