import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const TRACE = new URL("../../fixtures/traces/mooncake_sample.jsonl", import.meta.url).pathname;

function problemsOf(args: string[], options = {}): string[] {
  try {
    parseRunArgs(args, {}, options);
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  throw new Error(`expected a usage error for ${args.join(" ")}`);
}

Deno.test("--rate with --ramp-to/--ramp-over becomes a ramp shape that ends the run", () => {
  const { plan } = parseRunArgs(
    ["--rate", "1", "--ramp-to", "20", "--ramp-over", "1m", "--ramp-curve", "exponential"],
    {},
  );
  assert.deepEqual(plan.load, {
    mode: "open",
    shape: { kind: "ramp", from: 1, to: 20, durationMs: 60_000, curve: "exponential" },
    arrival: "poisson",
    burstiness: 1,
    maxInFlight: undefined,
    queue: false,
  });
  // No --duration default: the ramp's end ends the run.
  assert.deepEqual(plan.stop, { durationMs: undefined, requests: undefined });
  const linear = parseRunArgs(["--rate", "0", "--ramp-to", "8", "--ramp-over", "10s"], {}).plan;
  assert.ok(linear.load.mode === "open" && linear.load.shape?.kind === "ramp");
  assert.deepEqual(linear.load.shape, {
    kind: "ramp",
    from: 0,
    to: 8,
    durationMs: 10_000,
    curve: "linear",
  });
});

Deno.test("--rate-stages is an open loop, --concurrency-stages a closed loop with stages", () => {
  const open = parseRunArgs(["--rate-stages", "30s@5,1m@20,30s@5", "--max-in-flight", "8"], {})
    .plan;
  assert.ok(open.load.mode === "open");
  assert.deepEqual(open.load.shape, {
    kind: "stages",
    stages: [
      { durationMs: 30_000, rate: 5 },
      { durationMs: 60_000, rate: 20 },
      { durationMs: 30_000, rate: 5 },
    ],
  });
  assert.equal(open.load.maxInFlight, 8);
  const closed = parseRunArgs(["--concurrency-stages", "10s@2,5s@0,10s@8", "--ramp", "1s"], {})
    .plan;
  assert.deepEqual(closed.load, {
    mode: "closed",
    stages: [
      { durationMs: 10_000, concurrency: 2 },
      { durationMs: 5_000, concurrency: 0 },
      { durationMs: 10_000, concurrency: 8 },
    ],
    rampMs: 1000,
  });
  assert.deepEqual(closed.stop, { durationMs: undefined, requests: undefined });
  // A stop rule given with a shape still applies (first wins).
  const capped = parseRunArgs(["--rate-stages", "1m@5", "--requests", "10"], {}).plan;
  assert.deepEqual(capped.stop, { durationMs: undefined, requests: 10 });
});

Deno.test("--trace with speed, time unit and malformed-line policy", () => {
  const { plan } = parseRunArgs(
    ["--trace", TRACE, "--trace-speed", "4", "--trace-time-unit", "s", "--trace-on-error", "skip"],
    {},
  );
  assert.ok(plan.load.mode === "open");
  assert.deepEqual(plan.load.shape, {
    kind: "trace",
    path: TRACE,
    timeScale: 4,
    timeUnit: "s",
    onError: "skip",
  });
  const plain = parseRunArgs(["--trace", TRACE], {}).plan;
  assert.ok(plain.load.mode === "open");
  assert.deepEqual(plain.load.shape, {
    kind: "trace",
    path: TRACE,
    timeScale: 1,
    timeUnit: "ms",
    onError: "fail",
  });
});

Deno.test("a carried rate function (scenario files) makes an open loop shaped by it", () => {
  const fn = (t: number) => (t < 2 ? 3 : null);
  const { plan } = parseRunArgs(["--arrival", "constant"], {}, {
    rateFunction: { fn, source: "(t) => ..." },
  });
  assert.ok(plan.load.mode === "open" && plan.load.shape?.kind === "function");
  assert.equal(plan.load.shape.fn, fn);
  assert.equal(plan.load.arrival, "constant");
  assert.deepEqual(plan.stop, { durationMs: undefined, requests: undefined });
});

Deno.test("bad shape flags: every problem is listed at once", () => {
  const problems = problemsOf([
    "--ramp-to",
    "fast",
    "--ramp-curve",
    "cubic",
    "--concurrency-stages",
    "10s@2.5,later@3",
    "--trace-speed",
    "2",
  ]);
  const text = problems.join("\n");
  for (
    const want of [
      '--ramp-to must be a number ≥ 0 (requests/s) (got "fast")',
      "--ramp-to needs --rate (the rate the ramp starts from)",
      "--ramp-to needs --ramp-over (e.g. --ramp-over 60s)",
      '--ramp-curve must be one of linear, exponential (got "cubic")',
      '--concurrency-stages: stage 1 "10s@2.5": value must be a whole number ≥ 0',
      '--concurrency-stages: stage 2 "later@3": duration must be like 500ms, 30s, 5m',
      "--trace-speed needs --trace FILE",
    ]
  ) assert.ok(problems.includes(want), `missing: ${want}\n${text}`);
});

Deno.test("shape flags refuse combinations that cannot mean one load", () => {
  const cases: [string[], RegExp][] = [
    [["--rate", "5", "--rate-stages", "1m@5"], /--rate and --rate-stages cannot be combined/],
    [["--trace", TRACE, "--concurrency", "2"], /--trace and --concurrency cannot be combined/],
    [["--rate-stages", "1m@5", "--concurrency-stages", "1m@2"], /cannot be combined/],
    [["--trace", TRACE, "--arrival", "gamma"], /--arrival does not apply to --trace/],
    [["--trace", "/no/such/trace.jsonl"], /--trace must be the path of a JSONL trace file/],
    [["--trace", TRACE, "--trace-speed", "0"], /--trace-speed must be a number > 0/],
    [["--trace", TRACE, "--trace-time-unit", "us"], /--trace-time-unit must be one of ms, s/],
    [["--rate-stages", "10s@0,5s@0"], /every stage is 0/],
    [["--rate", "0"], /0 only starts a --ramp-to/],
    [
      ["--rate", "0", "--ramp-to", "5", "--ramp-over", "5s", "--ramp-curve", "exponential"],
      /both > 0/,
    ],
    [
      ["--rate", "2", "--ramp-to", "5", "--ramp-over", "5s", "--ramp", "1s"],
      /--ramp applies to closed loop/,
    ],
    [["--ramp-over", "10s"], /--ramp-over needs --ramp-to/],
    [["--concurrency-stages", "1m@2", "--queue"], /--queue applies to open loop only/],
  ];
  for (const [args, want] of cases) {
    const text = problemsOf(args).join("\n");
    assert.match(text, want, args.join(" "));
  }
  assert.match(
    problemsOf(["--concurrency", "2"], { rateFunction: { fn: () => 1, source: "" } }).join("\n"),
    /the scenario's rate function and --concurrency cannot be combined/,
  );
});

Deno.test("--trace-block-size: a whole number > 0, only with --trace; absent means 512", () => {
  const plan = parseRunArgs(["--trace", TRACE, "--trace-block-size", "64"], {}).plan;
  assert.ok(plan.load.mode === "open" && plan.load.shape?.kind === "trace");
  assert.equal(plan.load.shape.blockSize, 64);
  const plain = parseRunArgs(["--trace", TRACE], {}).plan;
  assert.ok(plain.load.mode === "open" && plain.load.shape?.kind === "trace");
  assert.equal(plain.load.shape.blockSize, undefined);
  assert.ok(
    problemsOf(["--trace", TRACE, "--trace-block-size", "1.5"]).some((p) =>
      /--trace-block-size must be a whole number of tokens > 0/.test(p)
    ),
  );
  assert.ok(
    problemsOf(["--trace-block-size", "64"]).includes("--trace-block-size needs --trace FILE"),
  );
});
