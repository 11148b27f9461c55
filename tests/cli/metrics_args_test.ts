import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const base = ["--target", "sim", "--requests", "1"];

Deno.test("--metrics and --metrics-interval set the server-metrics scraper; by default it is on with the run's default interval", () => {
  assert.deepEqual(parseRunArgs(base, {}).plan.serverMetrics, { enabled: true });
  assert.deepEqual(parseRunArgs([...base, "--metrics", "off"], {}).plan.serverMetrics, {
    enabled: false,
  });
  assert.deepEqual(
    parseRunArgs([...base, "--metrics-interval", "500ms"], {}).plan.serverMetrics,
    { enabled: true, intervalMs: 500 },
  );
  assert.deepEqual(
    parseRunArgs([...base, "--metrics", "on", "--metrics-interval", "2s"], {}).plan.serverMetrics,
    { enabled: true, intervalMs: 2000 },
  );
});

Deno.test("bad --metrics values are listed together, each naming its flag and the fix", () => {
  const cases: [string[], RegExp[]][] = [
    [["--metrics", "yes", "--metrics-interval", "10ms"], [
      /--metrics must be one of on, off \(got "yes"\)/,
      /--metrics-interval must be at least 50ms \(got "10ms"\)/,
    ]],
    [["--metrics", "off", "--metrics-interval", "1s"], [/drop it or --metrics off/]],
    [["--metrics-interval", "soon"], [/--metrics-interval must be a duration like 500ms/]],
  ];
  for (const [args, want] of cases) {
    try {
      parseRunArgs([...base, ...args], {});
      assert.fail(`accepted ${args.join(" ")}`);
    } catch (e) {
      assert.ok(e instanceof UsageError, String(e));
      for (const re of want) assert.match(e.message, re, args.join(" "));
    }
  }
});
