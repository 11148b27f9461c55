import assert from "node:assert/strict";
import { UsageError } from "../../../lib/config/usage_error.ts";
import {
  createAdapterSelector,
  describeSelection,
  parseSelection,
  selectionProblems,
  type SelectionSpec,
  uniformPoolSize,
} from "../../../lib/workload/lora/mod.ts";

const SET = ["a", "b", "c", "d"];
const DRAWS = 10_000;

function counts(spec: SelectionSpec, options: { adapters?: string[]; seed?: number; b?: number }) {
  const sel = createAdapterSelector(spec, {
    adapters: options.adapters ?? SET,
    seed: options.seed ?? 42,
    batchSize: options.b,
  });
  const out = new Map<string | undefined, number>();
  for (let i = 0; i < DRAWS; i++) {
    const a = sel.adapterFor(i);
    out.set(a, (out.get(a) ?? 0) + 1);
  }
  return out;
}

/** Asserts each adapter's count is within `tol` of DRAWS × its probability. */
function assertShares(
  got: Map<string | undefined, number>,
  want: Record<string, number>,
  tol = 200,
) {
  for (const [name, p] of Object.entries(want)) {
    const n = got.get(name) ?? 0;
    assert.ok(Math.abs(n - DRAWS * p) <= tol, `${name}: ${n} vs ${DRAWS * p}±${tol}`);
  }
  const total = [...got.values()].reduce((a, n) => a + n, 0);
  assert.equal(total, DRAWS);
  for (const name of got.keys()) assert.ok(name! in want, `unexpected adapter ${name}`);
}

Deno.test("each per-request strategy's distribution over 10k draws", () => {
  const zipfNorm = 1 + 1 / 2 + 1 / 3 + 1 / 4;
  const z2 = 1 + 1 / 4 + 1 / 9 + 1 / 16;
  const table: { spec: SelectionSpec; want: Record<string, number>; tol?: number }[] = [
    { spec: { strategy: "round-robin" }, want: { a: .25, b: .25, c: .25, d: .25 }, tol: 0 },
    { spec: { strategy: "shuffle" }, want: { a: .25, b: .25, c: .25, d: .25 } },
    { spec: { strategy: "weighted", weights: { a: 3, c: 1 } }, want: { a: .75, c: .25 } },
    {
      spec: { strategy: "weighted", weights: { d: 0.5, b: 0.25, a: 0.25 } },
      want: { a: .25, b: .25, d: .5 },
    },
    {
      spec: { strategy: "zipf", s: 1 },
      want: { a: 1 / zipfNorm, b: 1 / 2 / zipfNorm, c: 1 / 3 / zipfNorm, d: 1 / 4 / zipfNorm },
    },
    {
      spec: { strategy: "zipf", s: 2 },
      want: { a: 1 / z2, b: 1 / 4 / z2, c: 1 / 9 / z2, d: 1 / 16 / z2 },
    },
    // Batch-shaped ones are uniform over the set in the long run too.
    { spec: { strategy: "identical" }, want: { a: .25, b: .25, c: .25, d: .25 }, tol: 400 },
    { spec: { strategy: "distinct" }, want: { a: .25, b: .25, c: .25, d: .25 }, tol: 0 },
  ];
  for (const { spec, want, tol } of table) {
    assertShares(counts(spec, { b: 4 }), want, tol);
  }
  assert.deepEqual([...counts({ strategy: "none" }, {}).entries()], [[undefined, DRAWS]]);
});

/** The adapters of each full batch of `b` requests. */
function batches(spec: SelectionSpec, options: { adapters: string[]; b: number; seed?: number }) {
  const sel = createAdapterSelector(spec, {
    adapters: options.adapters,
    seed: options.seed ?? 7,
    batchSize: options.b,
  });
  const out: string[][] = [];
  for (let start = 0; start + options.b <= DRAWS; start += options.b) {
    out.push(Array.from({ length: options.b }, (_, j) => sel.adapterFor(start + j)!));
  }
  return out;
}

Deno.test("distinct, uniform and identical batches have exactly their shape, every batch", () => {
  const set = Array.from({ length: 12 }, (_, i) => `lora-${i}`);
  for (const b of [1, 2, 3, 4, 8, 9, 12]) {
    for (const batch of batches({ strategy: "distinct" }, { adapters: set, b })) {
      assert.equal(new Set(batch).size, b, `distinct B=${b}: ${batch}`);
    }
    for (const batch of batches({ strategy: "identical" }, { adapters: set, b })) {
      assert.equal(new Set(batch).size, 1, `identical B=${b}: ${batch}`);
    }
    const k = uniformPoolSize(b);
    const used = new Set<string>();
    for (const batch of batches({ strategy: "uniform" }, { adapters: set, b })) {
      assert.equal(new Set(batch).size, k, `uniform B=${b}: ${batch}`);
      batch.forEach((a) => used.add(a));
    }
    assert.equal(used.size, set.length, `uniform B=${b} pools cover the set over many batches`);
  }
});

Deno.test("uniform's pool is √B rounded to the nearest integer", () => {
  const table: [number, number][] = [
    [1, 1],
    [2, 1],
    [3, 2],
    [4, 2],
    [6, 2],
    [7, 3],
    [8, 3],
    [
      12,
      3,
    ],
    [13, 4],
    [32, 6],
    [64, 8],
    [100, 10],
  ];
  for (const [b, k] of table) assert.equal(uniformPoolSize(b), k, `B=${b}`);
});

Deno.test("uniform draws the non-pool positions evenly from the pool", () => {
  // B = 16 from K = 4: each batch gives each pool adapter 1 slot, then 12 uniform draws (3 each).
  const perBatch = batches({ strategy: "uniform" }, { adapters: ["a", "b", "c", "d"], b: 16 });
  const n = new Map<string, number>();
  for (const batch of perBatch) for (const a of batch) n.set(a, (n.get(a) ?? 0) + 1);
  for (const a of ["a", "b", "c", "d"]) {
    assert.ok(Math.abs(n.get(a)! - 2496) <= 200, `${a}: ${n.get(a)}`);
  }
});

Deno.test("request k gets the same adapter in every run with the seed, in any call order", () => {
  const specs: SelectionSpec[] = [
    { strategy: "shuffle" },
    { strategy: "zipf", s: 1.2 },
    { strategy: "weighted", weights: { a: 1, b: 2 } },
    { strategy: "uniform" },
    { strategy: "distinct" },
    { strategy: "identical" },
  ];
  for (const spec of specs) {
    const run = (seed: number, order: number[]) => {
      const sel = createAdapterSelector(spec, { adapters: SET, seed, batchSize: 4 });
      const out: (string | undefined)[] = [];
      for (const i of order) out[i] = sel.adapterFor(i);
      return out;
    };
    const forward = Array.from({ length: 400 }, (_, i) => i);
    const scattered = forward.map((i) => (i * 7919) % 400);
    const a = run(3, forward);
    assert.deepEqual(run(3, forward.slice().reverse()), a, spec.strategy);
    assert.deepEqual(run(3, scattered), a, spec.strategy);
    assert.notDeepEqual(run(4, forward), a, `${spec.strategy}: another seed, other draws`);
  }
});

Deno.test("dataset selection uses each item's adapter exactly as written, cycling like the cursor", () => {
  const item = (adapter?: string) => ({ prompt: "p", adapter, line: 1, source: "d.jsonl" });
  const items = [item("Sql-LoRA"), item(), item("not-in-set"), item("a")];
  const sel = createAdapterSelector({ strategy: "dataset" }, { adapters: SET, seed: 1, items });
  assert.deepEqual(
    Array.from({ length: 9 }, (_, i) => sel.adapterFor(i)),
    [
      "Sql-LoRA",
      undefined,
      "not-in-set",
      "a",
      "Sql-LoRA",
      undefined,
      "not-in-set",
      "a",
      "Sql-LoRA",
    ],
  );
  // The set may even be empty: dataset selection does not draw from it.
  const noSet = createAdapterSelector({ strategy: "dataset" }, { adapters: [], seed: 1, items });
  assert.equal(noSet.adapterFor(2), "not-in-set");
});

Deno.test("selection problems are all listed at once, naming the fix", () => {
  const table: {
    spec: SelectionSpec;
    ctx: { adapters: string[]; batchSize?: number; datasetItems?: number };
    want: RegExp[];
  }[] = [
    { spec: { strategy: "none" }, ctx: { adapters: [] }, want: [] },
    { spec: { strategy: "round-robin" }, ctx: { adapters: [] }, want: [/needs an adapter set/] },
    { spec: { strategy: "dataset" }, ctx: { adapters: SET }, want: [/give --dataset/] },
    {
      spec: { strategy: "weighted", weights: { a: 0, z: 2, y: -1, b: NaN } },
      ctx: { adapters: SET },
      want: [
        /weight of "a" must be a number > 0 \(got 0\)/,
        /"z" is not in the adapter set \(known: a, b, c, d\)/,
        /"y" is not in the adapter set/,
        /weight of "y" must be a number > 0 \(got -1\)/,
        /weight of "b" must be a number > 0 \(got NaN\)/,
      ],
    },
    { spec: { strategy: "weighted", weights: {} }, ctx: { adapters: SET }, want: [/at least one/] },
    { spec: { strategy: "zipf", s: 0 }, ctx: { adapters: SET }, want: [/skew s > 0 \(got 0\)/] },
    {
      spec: { strategy: "distinct" },
      ctx: { adapters: SET, batchSize: 5 },
      want: [/each of the 5 requests .* only 4; add adapters or lower the concurrency to 4/],
    },
    {
      spec: { strategy: "uniform" },
      ctx: { adapters: ["a", "b"], batchSize: 9 },
      want: [/from 3 adapters \(√9 rounded\), but the set has only 2/],
    },
    { spec: { strategy: "uniform" }, ctx: { adapters: ["a", "b"], batchSize: 6 }, want: [] },
    {
      spec: { strategy: "identical" },
      ctx: { adapters: SET, batchSize: 0 },
      want: [/needs a batch size \(the concurrency\) ≥ 1 \(got 0\)/],
    },
  ];
  for (const { spec, ctx, want } of table) {
    const got = selectionProblems(spec, ctx);
    assert.equal(got.length, want.length, `${spec.strategy}: ${got.join(" | ")}`);
    want.forEach((re, i) => assert.match(got[i], re));
    if (want.length > 0) {
      const err = (() => {
        try {
          createAdapterSelector(spec, {
            adapters: ctx.adapters,
            seed: 1,
            batchSize: ctx.batchSize,
          });
        } catch (e) {
          return e;
        }
      })();
      assert.ok(err instanceof UsageError, spec.strategy);
    }
  }
});

Deno.test("selection flag values parse, and bad ones say the expected form", () => {
  const good: [string, SelectionSpec][] = [
    ["round-robin", { strategy: "round-robin" }],
    [" uniform ", { strategy: "uniform" }],
    ["zipf", { strategy: "zipf", s: 1 }],
    ["zipf:1.25", { strategy: "zipf", s: 1.25 }],
    ["weighted:sql=3, chat=0.5", { strategy: "weighted", weights: { sql: 3, chat: 0.5 } }],
  ];
  for (const [text, spec] of good) {
    assert.deepEqual(parseSelection(text), spec, text);
    assert.deepEqual(parseSelection(describeSelection(spec)), spec, `${text} round trip`);
  }
  const bad: [string, RegExp][] = [
    ["random", /must be one of none, dataset, shuffle, round-robin, weighted, zipf, distinct/],
    ["zipf:0", /zipf:S needs a skew S > 0/],
    ["zipf:", /zipf:S needs a skew S > 0/],
    ["weighted", /NAME=WEIGHT pairs/],
    ["weighted:a=1,b,c=x", /\(bad: "b", "c=x"\)/],
    ["round-robin:2", /round-robin takes no parameter/],
  ];
  for (const [text, re] of bad) {
    const r = parseSelection(text, { what: "--adapter-selection" });
    assert.ok("problem" in r, text);
    assert.match(r.problem, re);
    assert.ok(r.problem.startsWith("--adapter-selection"), r.problem);
  }
});

Deno.test("adapterFor refuses a negative or fractional index", () => {
  const sel = createAdapterSelector({ strategy: "round-robin" }, { adapters: SET, seed: 1 });
  assert.throws(() => sel.adapterFor(-1), RangeError);
  assert.throws(() => sel.adapterFor(1.5), RangeError);
});
